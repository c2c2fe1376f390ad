"""Sign in with Google (OpenID Connect, authorization-code flow with PKCE, run server side).

The state, PKCE verifier, nonce and next page wait in the signed session cookie for ten
minutes and are taken out on the first callback, so a replayed or forged callback finds
nothing; no table is needed. Google's verified email must belong to an active Tandem user:
this never creates users, and a refusal signs nobody in.
"""

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, select

from app.core.errors import Forbidden, Invalid, TandemError
from app.core.i18n import gettext as _
from app.core.models import User, utcnow
from app.core.settings import Settings
from app.http.auth import sign_in
from app.http.dependencies import SessionDep, SettingsDep
from app.web.login_page import render_login, safe_next
from gmail_sync.oauth import (
    GoogleIdentity,
    begin_sign_in,
    google_sign_in_available,
    signed_in_identity,
)

router = APIRouter()

PENDING_KEY = "google_sign_in"
PENDING_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class PendingSignIn:
    """What the callback needs from the start: kept in the session as plain JSON values."""

    state: str
    code_verifier: str
    nonce: str
    next: str
    expires_at: float


@router.get("/login/google")
def start_google_sign_in(
    request: Request, settings: SettingsDep, next: str | None = None
) -> Response:
    if not google_sign_in_available(settings):
        error = _("Google sign-in is not set up here: sign in with your password.")
        return render_login(
            request, settings, next=next, error=error, status_code=status.HTTP_404_NOT_FOUND
        )
    nonce = secrets.token_urlsafe(32)
    authorization = begin_sign_in(settings=settings, state=secrets.token_urlsafe(32), nonce=nonce)
    pending = PendingSignIn(
        authorization.state,
        authorization.code_verifier,
        nonce,
        safe_next(next),
        (utcnow() + PENDING_TTL).timestamp(),
    )
    request.session[PENDING_KEY] = asdict(pending)
    return RedirectResponse(authorization.url, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/login/google/callback")
def finish_google_sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    state: str | None = None,
    code: str | None = None,
    error: str | None = None,
) -> Response:
    stored = request.session.pop(PENDING_KEY, None)
    try:
        pending = claim_pending(stored, state=state, now=utcnow())
        user = google_user(
            session=session, settings=settings, pending=pending, code=code, error=error
        )
    except TandemError as exc:
        # A callback that cannot complete (state, code, cancelled) is the browser's bad request.
        code_status = status.HTTP_400_BAD_REQUEST if isinstance(exc, Invalid) else exc.status_code
        return render_login(request, settings, next=None, error=str(exc), status_code=code_status)
    user.last_login_at = utcnow()
    session.add(user)
    sign_in(request, user)
    return RedirectResponse(pending.next, status_code=status.HTTP_303_SEE_OTHER)


def claim_pending(stored: Any, *, state: str | None, now: datetime) -> PendingSignIn:
    """The sign-in this callback answers, already removed from the session by the caller."""
    try:
        pending = PendingSignIn(**stored) if isinstance(stored, dict) else None
    except TypeError:
        pending = None
    if (
        pending is None
        or not state
        or not secrets.compare_digest(pending.state, state)
        or pending.expires_at < now.timestamp()
    ):
        raise Invalid(
            _(
                "This Google sign-in was not started here, was already used or has expired: "
                "sign in again."
            )
        )
    return pending


def google_user(
    *,
    session: Session,
    settings: Settings,
    pending: PendingSignIn,
    code: str | None,
    error: str | None,
) -> User:
    """The active Tandem user Google vouches for; refused before any session change."""
    if error == "access_denied":
        raise Invalid(_("Google sign-in was cancelled."))
    if error or not code:
        raise Invalid(
            _("Google did not complete the sign-in (%(error)s): try again.")
            % {"error": error or "no code"}
        )
    google = signed_in_identity(
        settings=settings, code=code, code_verifier=pending.code_verifier, nonce=pending.nonce
    )
    return _pinned_user(session, google)


def _pinned_user(session: Session, google: GoogleIdentity) -> User:
    """The Tandem user this Google account signed in as before, else the one with its email,
    which is then tied to the account: a Google address given to someone else later (a
    colleague who left) never opens the old owner's Tandem account."""
    user = session.exec(select(User).where(User.google_sub == google.subject)).first()
    if user is None:
        user = session.exec(select(User).where(User.email == google.email)).first()
        if user is not None and user.google_sub not in (None, google.subject):
            raise Forbidden(
                _(
                    "The Tandem account %(email)s is tied to another Google account; "
                    "sign in with your password or ask an admin."
                )
                % {"email": google.email}
            )
    if user is None or not user.is_active:
        raise Forbidden(
            _("No Tandem account for %(email)s; ask an admin to add you.") % {"email": google.email}
        )
    user.google_sub = google.subject
    return user
