"""Who is calling the add-on endpoints: Google, proven by the system ID token signed for the
add-on's service account, and on whose behalf, proven by the user ID token.

Both are Google-signed ID tokens, checked by `gmail_sync.id_tokens`. A request that fails here
changes nothing; the user must be an active member of a Tandem workspace.
"""

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from app.core.errors import Forbidden, TandemError, Unavailable
from app.core.i18n import gettext as _
from app.core.models import User
from app.core.settings import Settings
from gmail_sync.id_tokens import GOOGLE_CERTS_URL, RejectedToken, google_claims


class NotAuthenticated(TandemError):
    """The request does not prove it comes from Google for this add-on."""

    status_code = 401


def _claims(
    token: str, *, settings: Settings, audience: str | None, what: str
) -> Mapping[str, Any]:
    certs_url = str(settings.addon_certs_url) if settings.addon_certs_url else GOOGLE_CERTS_URL
    try:
        claims = google_claims(token, audience=audience, certs_url=certs_url)
    except RejectedToken as exc:
        raise NotAuthenticated(f"{what} rejected: {exc}") from None
    if not claims.get("email") or not claims.get("email_verified"):
        raise NotAuthenticated(f"{what} rejected: it carries no verified email")
    return claims


def verify_google(*, settings: Settings, token: str | None, endpoint_url: str) -> None:
    """The system ID token: Google's signature, the endpoint as audience (or the configured
    one), and the add-on's own service account as its subject's email."""
    if not settings.addon_service_account:
        raise Unavailable("the Gmail add-on is not configured: set TANDEM_ADDON_SERVICE_ACCOUNT")
    if not token:
        raise NotAuthenticated("add-on request without a Google-signed system ID token")
    audience = settings.addon_audience or endpoint_url
    claims = _claims(token, settings=settings, audience=audience, what="system ID token")
    if claims["email"] != settings.addon_service_account:
        raise NotAuthenticated("system ID token rejected: not this add-on's service account")


def verify_user(*, settings: Settings, session: Session, token: str | None) -> User:
    """The user ID token's verified email, mapped to an active Tandem user."""
    if not token:
        raise NotAuthenticated(
            "the event carries no user ID token (authorizationEventObject.userIdToken): "
            "the deployment needs the userinfo.email scope"
        )
    claims = _claims(
        token, settings=settings, audience=settings.addon_oauth_client_id, what="user ID token"
    )
    email = str(claims["email"]).strip().lower()
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or not user.is_active:
        raise Forbidden(
            _("%(email)s is not a member of a Tandem workspace: ask your admin") % {"email": email}
        )
    return user
