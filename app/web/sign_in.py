"""Signing in with a password (throttled, `app.core.sign_in_throttle`) and signing out: public
pages, reached before anyone is signed in."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.core.i18n import gettext as _
from app.core.models import utcnow
from app.core.plain_text import ONE_LINE
from app.core.sign_in_throttle import TooManyAttempts, sign_in_with_password
from app.http.auth import sign_in, sign_out
from app.http.dependencies import SessionDep, SettingsDep
from app.web.login_page import client_address, render_login, safe_next

router = APIRouter()


@router.get("/login")
def login_page(
    request: Request, app_settings: SettingsDep, next: str | None = None
) -> HTMLResponse:
    return render_login(request, app_settings, next=next)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    app_settings: SettingsDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form(max_length=2048), ONE_LINE] = "/",
) -> Response:
    """A wrong password is a 401; too many of them make the next attempts wait (a 429 that
    says how long, with Retry-After), whatever the password."""
    address, now = client_address(request), utcnow()
    try:
        user = sign_in_with_password(
            session=session, email=email, password=password, address=address, now=now
        )
    except TooManyAttempts as exc:
        return render_login(
            request, app_settings, next=next, email=email, error=str(exc), wait=exc.seconds
        )
    if user is None:
        error, code = _("Wrong email or password."), status.HTTP_401_UNAUTHORIZED
        return render_login(
            request, app_settings, next=next, email=email, error=error, status_code=code
        )
    sign_in(request, user)
    return RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    sign_out(request)
    return RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
