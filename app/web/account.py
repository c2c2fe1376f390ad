"""The signed-in person's own page: their password, whether their notifications come by
e-mail too, their API tokens and who is on the team."""

from typing import Annotated
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from app.core.accounts import (
    TokenIn,
    UserPatchIn,
    change_user,
    create_api_token,
    revoke_api_token,
)
from app.core.errors import TandemError
from app.core.i18n import LANGUAGES, language_name
from app.core.i18n import gettext as _
from app.core.models import ApiToken, User, id_of, utcnow
from app.core.passwords import PasswordChangeIn, change_password
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.http.refusals import refused
from app.web.login_page import ACCOUNT_FLASH, client_address, signed_in_afresh
from app.web.pages import render
from app.web.settings_pages import Errors, validation_errors

router = APIRouter()


def _account_page(
    request: Request,
    session: Session,
    user: User,
    *,
    new_token: str | None = None,
    token_name: str = "",
    errors: Errors | None = None,
    code: int = status.HTTP_200_OK,
    preferences_saved: bool = False,
    timezone_typed: str | None = None,
) -> HTMLResponse:
    tokens = session.exec(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())
    ).all()
    team = session.exec(
        select(User).where(User.workspace_id == user.workspace_id).order_by(User.name)
    ).all()
    context = {
        "tokens": tokens,
        "team": team,
        "new_token": new_token,
        "token_name": token_name,
        "errors": errors or {},
        "flash": request.session.pop(ACCOUNT_FLASH, None),
        "languages": [(code, language_name(code)) for code in LANGUAGES],
        "zones": sorted(available_timezones()),
        "preferences_saved": preferences_saved,
        "timezone_typed": timezone_typed,
    }
    return render(request, session, user, "account.html", context, code)


@router.get("/account")
def account(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    return _account_page(request, session, user)


class PreferencesForm(BaseModel):
    language: str = ""
    timezone: str = ""


@router.post("/account/preferences")
def save_preferences(
    request: Request,
    user: WebUser,
    session: SessionDep,
    form: Annotated[PreferencesForm, Form()],
) -> HTMLResponse:
    """Through the same rules as `PATCH /api/v1/users/{id}`; the page answers in the new
    language at once."""
    typed = form.timezone.strip()
    try:
        body = UserPatchIn(language=form.language, timezone=typed)
    except ValidationError as exc:
        errors = validation_errors(exc)
        return _account_page(request, session, user, errors=errors, code=422, timezone_typed=typed)
    changed = change_user(session=session, actor=user, user_id=id_of(user), body=body)
    return _account_page(request, session, changed, preferences_saved=True)


class PasswordForm(BaseModel):
    """As typed; `PasswordChangeIn` judges it."""

    current_password: str = ""
    new_password: str = ""
    repeat_password: str = ""


@router.post("/account/password")
def change_own_password(
    request: Request, user: WebUser, session: SessionDep, form: Annotated[PasswordForm, Form()]
) -> Response:
    """Wrong current passwords are throttled like sign-ins; the session goes on under the new
    password, every other one of the person ends."""
    try:
        body = PasswordChangeIn.model_validate(form.model_dump())
        address = client_address(request)
        change_password(session=session, user=user, body=body, address=address, now=utcnow())
    except ValidationError as exc:
        return _account_page(request, session, user, errors=validation_errors(exc), code=422)
    except TandemError as exc:
        errors = {exc.field or "current_password": refused(session, exc)}
        return _account_page(request, session, user, errors=errors, code=exc.status_code)
    said = _("Your password is changed; your other sessions are signed out.")
    return signed_in_afresh(request, user, said)


@router.post("/account/notifications")
def notification_email(
    user: WebUser, session: SessionDep, email: Annotated[bool, Form()] = False
) -> RedirectResponse:
    """Notifications by e-mail or in Tandem only (an unticked box sends nothing: off)."""
    user.email_notifications = email
    session.add(user)
    return RedirectResponse("/account", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/tokens")
def create_token(
    request: Request, user: WebUser, session: SessionDep, name: Annotated[str, Form()] = ""
) -> HTMLResponse:
    try:
        body = TokenIn(name=name)
    except ValidationError as exc:
        errors = validation_errors(exc)
        return _account_page(request, session, user, token_name=name, errors=errors, code=422)
    _, token = create_api_token(session=session, user=user, name=body.name)
    return _account_page(request, session, user, new_token=token)


@router.post("/tokens/{id}/revoke")
def revoke_token(id: int, user: WebUser, session: SessionDep) -> RedirectResponse:
    revoke_api_token(session=session, token_id=id, actor=user, now=utcnow())
    return RedirectResponse("/account", status_code=status.HTTP_303_SEE_OTHER)
