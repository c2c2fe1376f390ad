"""A forgotten password: ask for a link by e-mail, then choose a new password with it, which
also signs the person in (the link proved the mailbox is theirs) and ends their sessions
elsewhere. The rules are `app.core.passwords`'; the pages only ask and answer.

The answer to "mail me a link" is the same for every address, so the page never tells whether
an account exists. The link's token travels in the query string, which the request log leaves
out, and back in a hidden field; looking at the page does not use the link up, setting the
password does.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from app.core.accounts import normalize_email
from app.core.errors import Invalid, TandemError
from app.core.i18n import gettext as _
from app.core.models import utcnow
from app.core.passwords import (
    PasswordResetIn,
    link_spent,
    link_works,
    request_reset,
    reset_password,
)
from app.http.dependencies import SessionDep, SettingsDep
from app.http.refusals import refused
from app.web.login_page import client_address, signed_in_afresh
from app.web.pages import render
from app.web.settings_pages import Errors, validation_errors

router = APIRouter()

RESET_PAGE = "/password/reset"


@router.get("/password/forgot")
def forgot_page(request: Request) -> HTMLResponse:
    return render(request, None, None, "password_forgot.html", {"sent_to": None})


@router.post("/password/forgot")
def forgot(
    request: Request,
    session: SessionDep,
    app_settings: SettingsDep,
    email: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """A malformed address is refused (that tells nothing about who has an account)."""
    try:
        normalize_email(email)
    except Invalid:
        context = {
            "sent_to": None,
            "email": email,
            "error": _("That is not an email address: type the one you sign in with."),
        }
        return render(request, None, None, "password_forgot.html", context, 422)
    reset_page = str(app_settings.public_url).rstrip("/") + RESET_PAGE
    request_reset(session=session, email=email, reset_page=reset_page, now=utcnow())
    return render(request, None, None, "password_forgot.html", {"sent_to": email.strip()})


def _reset_page(
    request: Request,
    token: str | None,
    *,
    errors: Errors | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    """`token` None: the link no longer works."""
    context = {"token": token, "errors": errors or {}, "spent": link_spent()}
    return render(request, None, None, "password_reset.html", context, code)


@router.get(RESET_PAGE)
def reset_page(request: Request, session: SessionDep, token: str = "") -> HTMLResponse:
    works = link_works(session, token=token, now=utcnow())
    return _reset_page(request, token if works else None)


class ResetForm(BaseModel):
    """As typed; `PasswordResetIn` judges it."""

    token: str = ""
    new_password: str = ""
    repeat_password: str = ""


@router.post(RESET_PAGE)
def reset(request: Request, session: SessionDep, form: Annotated[ResetForm, Form()]) -> Response:
    try:
        body = PasswordResetIn.model_validate(form.model_dump())
        address = client_address(request)
        user = reset_password(session=session, body=body, address=address, now=utcnow())
    except ValidationError as exc:
        errors = validation_errors(exc)
        token = None if "token" in errors else form.token
        return _reset_page(request, token, errors=errors, code=422)
    except TandemError as exc:
        errors = {"token": refused(session, exc)}
        return _reset_page(request, None, errors=errors, code=exc.status_code)
    return signed_in_afresh(request, user, _("Your new password is set, and you are signed in."))
