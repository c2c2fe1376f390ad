"""Google-signed ID tokens (OpenID Connect): the one place Tandem checks one. Sign-in with
Google, Gmail's Pub/Sub push and the Gmail add-on all come here: the signature by the keys
published at a certificates URL (Google's, or the emulator's in demo and tests), the audience,
the expiry and Google as the issuer. What each caller requires of the claims beyond that (a
nonce, a service account, a verified email) stays with the caller.

The certificates are fetched through one process-wide HTTP cache (CacheControl, as google-auth's
documentation recommends), so they are fetched again only when their Cache-Control max-age has
run out, not on every push or sign-in.
"""

from collections.abc import Mapping
from typing import Any

from cachecontrol import CacheControl
from google.auth.exceptions import GoogleAuthError, TransportError
from google.auth.transport.requests import Request as GoogleRequest
from google.oauth2 import id_token
from requests import Session as HttpSession

from app.core.errors import TandemError

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})

_certs_http = CacheControl(HttpSession())


class RejectedToken(TandemError):
    """The token proves nothing; `unreachable` when Google's keys could not even be fetched.
    Callers say whose token it was in their own error."""

    status_code = 401

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


def google_claims(
    token: str, *, audience: str | None, certs_url: str, clock_skew_seconds: int = 0
) -> Mapping[str, Any]:
    """The claims of a token Google signed for `audience` (any audience when None)."""
    try:
        claims: Mapping[str, Any] = id_token.verify_token(
            token,
            GoogleRequest(_certs_http),
            audience=audience,
            certs_url=certs_url,
            clock_skew_in_seconds=clock_skew_seconds,
        )
    except TransportError as exc:
        reason = f"Google's signing keys could not be fetched: {exc}"
        raise RejectedToken(reason, unreachable=True) from None
    except (ValueError, GoogleAuthError) as exc:
        raise RejectedToken(str(exc)) from None
    if claims.get("iss") not in GOOGLE_ISSUERS:
        raise RejectedToken("not issued by Google")
    return claims
