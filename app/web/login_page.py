"""The sign-in page and where signing in leads, shared by password and Google sign-in so both
offer the same choices and neither can be turned into an open redirect; and where a person
lands, signed in afresh, after choosing a new password (on the account page, or through a reset
link)."""

from urllib.parse import urlsplit

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from app.core.models import User
from app.core.settings import Settings
from app.http.auth import sign_in
from app.web.pages import render
from gmail_sync.oauth import google_sign_in_available

#: The account page's confirmation, shown once after the redirect that follows a change.
ACCOUNT_FLASH = "account_flash"


def safe_next(target: str | None) -> str:
    """Only same-site paths, so a sign-in link cannot send anyone off the site afterwards."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or urlsplit(target).netloc
    ):
        return "/"
    return target


def render_login(
    request: Request,
    settings: Settings,
    *,
    next: str | None,
    error: str | None = None,
    email: str | None = None,
    status_code: int = status.HTTP_200_OK,
    wait: int | None = None,
) -> HTMLResponse:
    """The page, with "Sign in with Google" only when Google (or the emulator) is configured;
    `wait`, the seconds before the next password attempt, makes it a 429 with Retry-After."""
    context = {
        "next": safe_next(next),
        "error": error,
        "email": email,
        "google": google_sign_in_available(settings),
    }
    if wait is None:
        return render(request, None, None, "login.html", context, status_code)
    page = render(request, None, None, "login.html", context, status.HTTP_429_TOO_MANY_REQUESTS)
    page.headers["Retry-After"] = str(wait)
    return page


def client_address(request: Request) -> str:
    """Where an attempt comes from, as login throttling counts it. Behind a reverse proxy this
    is the client's address only when uvicorn trusts the proxy's X-Forwarded-For (by default
    from 127.0.0.1; else set FORWARDED_ALLOW_IPS to the proxy's address)."""
    return request.client.host if request.client else "unknown"


def signed_in_afresh(request: Request, user: User, message: str) -> RedirectResponse:
    """A new session under the new password (the old one, like every other, ended with it),
    then the account page, which says what happened."""
    sign_in(request, user)
    request.session[ACCOUNT_FLASH] = message
    return RedirectResponse("/account", status_code=status.HTTP_303_SEE_OTHER)
