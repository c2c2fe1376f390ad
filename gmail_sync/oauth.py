"""Google OAuth for mailboxes: the web flow with PKCE (google-auth-oauthlib), credentials
encrypted at rest (Fernet, rotatable keys), refresh-token revocation and push-token checks; and
"Sign in with Google" for people (OpenID Connect over the same flow, the ID token verified by
`gmail_sync.id_tokens` against Google's certificates, or the emulator's when one is
configured). It never touches the database: callers store what it returns.
"""

import base64
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from google.auth.exceptions import GoogleAuthError
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error
from requests import RequestException

from app.core.errors import Forbidden, Invalid, Unavailable
from app.core.i18n import gettext as _
from app.core.settings import Settings
from gmail_sync.id_tokens import GOOGLE_CERTS_URL, RejectedToken, google_claims

logger = logging.getLogger(__name__)

#: Read, label and send, in one scope: gmail.readonly cannot label and gmail.labels cannot
#: change a message's labels, so gmail.modify is the narrowest scope that does all three.
GMAIL_SCOPES = ["https://www.googleapis.com/auth/gmail.modify"]
GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL, not a secret)
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
EMULATOR_CLIENT_ID = "tandem-emulator.apps.googleusercontent.com"
CALLBACK_PATH = "/oauth/callback"
#: "openid email profile" in the long form Google answers with: oauthlib refuses a token whose
#: scope differs from the one asked for, and Google returns email/profile as these URLs.
SIGN_IN_SCOPES = [
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
]
SIGN_IN_CALLBACK_PATH = "/login/google/callback"
#: Tolerated clock difference between Tandem and Google when checking `iat`/`exp`.
CLOCK_SKEW_SECONDS = 10


class ReauthRequired(Forbidden):
    """The mailbox's grant is gone (revoked, expired, undecryptable): an admin must reconnect."""


@dataclass(frozen=True)
class GoogleEndpoints:
    auth_uri: str
    token_uri: str
    revoke_uri: str
    api_root: str | None
    client_id: str
    client_secret: str
    certs_uri: str


def google_endpoints(settings: Settings) -> GoogleEndpoints:
    """Google's endpoints, or the emulator's at the same paths when one is configured."""
    if settings.gmail_emulator_url is not None:
        root = str(settings.gmail_emulator_url).rstrip("/")
        if root.startswith("http://"):
            # oauthlib refuses plain-http token URLs; the emulator is local and holds no secrets.
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
        secret = settings.google_client_secret
        return GoogleEndpoints(
            f"{root}/o/oauth2/auth",
            f"{root}/token",
            f"{root}/revoke",
            root,
            settings.google_client_id or EMULATOR_CLIENT_ID,
            secret.get_secret_value() if secret else "emulator-secret",
            f"{root}/oauth2/v1/certs",
        )
    if not settings.google_client_id or settings.google_client_secret is None:
        raise Unavailable(
            _(
                "Google OAuth is not configured: set TANDEM_GOOGLE_CLIENT_ID and "
                "TANDEM_GOOGLE_CLIENT_SECRET (or TANDEM_GMAIL_EMULATOR_URL to use the emulator)"
            )
        )
    return GoogleEndpoints(
        GOOGLE_AUTH_URI,
        GOOGLE_TOKEN_URI,
        GOOGLE_REVOKE_URI,
        None,
        settings.google_client_id,
        settings.google_client_secret.get_secret_value(),
        GOOGLE_CERTS_URL,
    )


def google_sign_in_available(settings: Settings) -> bool:
    """Whether `google_endpoints` would answer: real Google configured, or the emulator."""
    return settings.gmail_emulator_url is not None or bool(
        settings.google_client_id and settings.google_client_secret is not None
    )


def redirect_uri(settings: Settings, path: str = CALLBACK_PATH) -> str:
    return str(settings.public_url).rstrip("/") + path


def _flow(
    settings: Settings,
    code_verifier: str | None = None,
    *,
    scopes: list[str] = GMAIL_SCOPES,
    callback_path: str = CALLBACK_PATH,
) -> Flow:
    google = google_endpoints(settings)
    callback = redirect_uri(settings, callback_path)
    config = {
        "web": {
            "client_id": google.client_id,
            "client_secret": google.client_secret,
            "auth_uri": google.auth_uri,
            "token_uri": google.token_uri,
            "redirect_uris": [callback],
        }
    }
    return Flow.from_client_config(
        config,
        scopes=scopes,
        redirect_uri=callback,
        code_verifier=code_verifier,
        autogenerate_code_verifier=code_verifier is None,
    )


@dataclass(frozen=True)
class Authorization:
    url: str
    state: str
    code_verifier: str


def begin_authorization(*, settings: Settings, email: str, state: str) -> Authorization:
    """Google's consent URL for `email` (offline access, consent prompt, PKCE S256)."""
    flow = _flow(settings)
    url, _state = flow.authorization_url(
        state=state, login_hint=email, access_type="offline", prompt="consent"
    )
    assert flow.code_verifier is not None, "the flow generates a PKCE verifier"
    return Authorization(url, state, flow.code_verifier)


def exchange_code(*, settings: Settings, code: str, code_verifier: str) -> Credentials:
    flow = _flow(settings, code_verifier)
    try:
        flow.fetch_token(code=code)
    except (OAuth2Error, GoogleAuthError) as exc:
        raise Invalid(
            _("Google refused the authorization code: %(error)s") % {"error": exc}
        ) from None
    finally:
        flow.oauth2session.close()
    credentials: Credentials = flow.credentials
    if not credentials.refresh_token:
        raise Invalid(_("Google returned no refresh token: reconnect and grant offline access"))
    return credentials


def begin_sign_in(*, settings: Settings, state: str, nonce: str) -> Authorization:
    """Google's sign-in URL: OpenID Connect with PKCE S256, the account chooser every time (a
    shared computer must not sign in whoever used Google last) and no offline access."""
    flow = _flow(settings, scopes=SIGN_IN_SCOPES, callback_path=SIGN_IN_CALLBACK_PATH)
    url, _state = flow.authorization_url(
        state=state, nonce=nonce, prompt="select_account", access_type="online"
    )
    assert flow.code_verifier is not None, "the flow generates a PKCE verifier"
    return Authorization(url, state, flow.code_verifier)


@dataclass(frozen=True)
class GoogleIdentity:
    """Who Google says signed in: `subject` (the ID token's `sub`) names the Google account
    for good; its email can change hands."""

    email: str
    subject: str


def signed_in_identity(
    *, settings: Settings, code: str, code_verifier: str, nonce: str
) -> GoogleIdentity:
    """Exchanges a sign-in code for the verified identity, the email lower-cased."""
    flow = _flow(
        settings, code_verifier, scopes=SIGN_IN_SCOPES, callback_path=SIGN_IN_CALLBACK_PATH
    )
    try:
        token = flow.fetch_token(code=code)
    except (OAuth2Error, GoogleAuthError) as exc:
        raise Invalid(_("Google refused the sign-in code: %(error)s") % {"error": exc}) from None
    except RequestException as exc:
        raise Unavailable(
            _("Google could not be reached to finish signing in: %(error)s") % {"error": exc}
        ) from None
    finally:
        flow.oauth2session.close()
    raw = token.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise Invalid(_("Google returned no ID token: sign in again"))
    return verified_identity(settings=settings, token=raw, nonce=nonce)


def verified_identity(*, settings: Settings, token: str, nonce: str) -> GoogleIdentity:
    """What `id_token.verify_oauth2_token` checks (signature by Google's published keys, this
    client as audience, Google as issuer, not expired), against the configured certificates so
    the emulator's tokens take the same path; then this sign-in's nonce and a verified email."""
    google = google_endpoints(settings)
    try:
        claims = google_claims(
            token,
            audience=google.client_id,
            certs_url=google.certs_uri,
            clock_skew_seconds=CLOCK_SKEW_SECONDS,
        )
    except RejectedToken as exc:
        if exc.unreachable:
            raise Unavailable(str(exc)) from None
        raise Forbidden(_("Google's ID token was rejected: %(error)s") % {"error": exc}) from None
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise Forbidden(_("Google's ID token was rejected: it belongs to another sign-in"))
    email, subject = claims.get("email"), claims.get("sub")
    if not isinstance(email, str) or not email or claims.get("email_verified") is not True:
        raise Forbidden(_("Google did not vouch for an email address: sign in again"))
    if not isinstance(subject, str) or not subject:
        raise Forbidden(_("Google's ID token was rejected: it names no account"))
    return GoogleIdentity(email.strip().lower(), subject)


class TokenCipher:
    """Encrypts with the current secret key, decrypts with it or any previous one."""

    def __init__(self, settings: Settings) -> None:
        keys = [settings.require_secret_key()]
        keys += [key.strip() for key in settings.previous_secret_keys.split(",") if key.strip()]
        self._fernet = MultiFernet([Fernet(_fernet_key(key)) for key in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise ReauthRequired(
                "stored credentials cannot be decrypted (TANDEM_SECRET_KEY changed without the "
                "old key in TANDEM_PREVIOUS_SECRET_KEYS): reconnect the mailbox"
            ) from None

    def rotate(self, ciphertext: str) -> str:
        return self._fernet.rotate(ciphertext.encode()).decode()


def _fernet_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(
        hashlib.sha256(b"tandem-oauth-tokens:" + secret.encode()).digest()
    )


def seal_credentials(credentials: Credentials, cipher: TokenCipher) -> str:
    """Only the tokens are stored; the client id and secret always come from settings."""
    expiry = credentials.expiry.replace(tzinfo=UTC).isoformat() if credentials.expiry else None
    data = {
        "token": credentials.token,
        "refresh_token": credentials.refresh_token,
        "expiry": expiry,
        "scopes": list(credentials.scopes or GMAIL_SCOPES),
    }
    return cipher.encrypt(json.dumps(data))


def open_credentials(sealed: str, *, settings: Settings, cipher: TokenCipher) -> Credentials:
    data: dict[str, Any] = json.loads(cipher.decrypt(sealed))
    google = google_endpoints(settings)
    expiry = data.get("expiry")
    return Credentials(  # type: ignore[no-untyped-call]
        token=data.get("token"),
        refresh_token=data["refresh_token"],
        token_uri=google.token_uri,
        client_id=google.client_id,
        client_secret=google.client_secret,
        scopes=data.get("scopes") or GMAIL_SCOPES,
        # google-auth compares expiry with a naive UTC "now".
        expiry=datetime.fromisoformat(expiry).astimezone(UTC).replace(tzinfo=None)
        if expiry
        else None,
    )


def revoke(*, settings: Settings, credentials: Credentials) -> None:
    """Best effort: a token Google already forgot is as good as revoked."""
    token = credentials.refresh_token or credentials.token
    try:
        response = httpx.post(
            google_endpoints(settings).revoke_uri, data={"token": token}, timeout=10
        )
    except httpx.HTTPError as exc:
        logger.warning("token revocation failed", extra={"error": str(exc)})
        return
    if response.status_code >= 400:
        logger.warning("token revocation refused", extra={"status": response.status_code})


def verify_push_identity(*, settings: Settings, bearer: str) -> None:
    """Checks a Pub/Sub push's Google-signed OIDC token: signature, audience, issuer, sender."""
    certs_url = str(settings.push_oidc_certs_url) if settings.push_oidc_certs_url else None
    try:
        claims = google_claims(
            bearer, audience=settings.push_oidc_audience, certs_url=certs_url or GOOGLE_CERTS_URL
        )
    except RejectedToken as exc:
        raise Forbidden(f"push token rejected: {exc}") from None
    if settings.push_oidc_email and (
        claims.get("email") != settings.push_oidc_email or not claims.get("email_verified")
    ):
        raise Forbidden("push token rejected: not the configured push service account")
