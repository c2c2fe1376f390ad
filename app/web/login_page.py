"""The sign-in page and where signing in leads, shared by password and Google sign-in so both
offer the same choices and neither can be turned into an open redirect."""

from urllib.parse import urlsplit

from fastapi import Request, status
from fastapi.responses import HTMLResponse

from app.core.settings import Settings
from app.web.pages import render
from gmail_sync.oauth import google_sign_in_available


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
) -> HTMLResponse:
    """The page, with "Sign in with Google" only when Google (or the emulator) is configured."""
    context = {
        "next": safe_next(next),
        "error": error,
        "email": email,
        "google": google_sign_in_available(settings),
    }
    return render(request, None, None, "login.html", context, status_code)
