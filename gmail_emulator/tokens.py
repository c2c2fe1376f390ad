"""OAuth codes and tokens: issuing, PKCE checks, refresh, expiry and revocation.

Authorization codes are single use, expire after 10 minutes and are bound to the client,
redirect URI and PKCE challenge; access tokens live `ACCESS_TTL_S`. Refresh and access tokens
are written through to a `TokenSink` so a restarted emulator with --state honours them. A code
granted with the `openid` scope also yields an ID token, minted by the `id_tokens` callable
(see `accounts`), as Google's token endpoint answers for OpenID Connect sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

ACCESS_TTL_S = 3599
CODE_TTL_S = 600


class OAuthError(Exception):
    """An RFC 6749 error response: `{"error", "error_description"}` with its status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class Token:
    value: str
    kind: str  # "access" | "refresh"
    email: str
    client_id: str
    scope: str
    expires_at: float | None


@dataclass(frozen=True)
class Grant:
    email: str
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    challenge_method: str
    expires_at: float
    nonce: str | None = None


class TokenSink(Protocol):
    def token_saved(self, token: Token) -> None: ...
    def token_deleted(self, value: str) -> None: ...
    def commit(self) -> None: ...


class NullTokenSink:
    def token_saved(self, token: Token) -> None:
        return None

    def token_deleted(self, value: str) -> None:
        return None

    def commit(self) -> None:
        return None


class Tokens:
    def __init__(
        self, sink: TokenSink | None = None, id_tokens: Callable[[Grant], str] | None = None
    ) -> None:
        self.sink: TokenSink = sink or NullTokenSink()
        self.id_tokens = id_tokens
        self.tokens: dict[str, Token] = {}
        self._grants: dict[str, Grant] = {}

    def issue_code(self, grant: Grant) -> str:
        code = "4/emu-" + secrets.token_urlsafe(24)
        self._grants[code] = grant
        return code

    def exchange_code(
        self, code: str, client_id: str, redirect_uri: str, verifier: str | None
    ) -> dict[str, Any]:
        grant = self._grants.pop(code, None)
        if grant is None or grant.expires_at < time.time():
            raise OAuthError("invalid_grant", "Malformed auth code.")
        if grant.client_id != client_id:
            raise OAuthError("invalid_grant", "The auth code was issued to another client.")
        if grant.redirect_uri != redirect_uri:
            raise OAuthError("redirect_uri_mismatch", "Bad Request")
        _check_pkce(grant, verifier)
        refresh = self._save(
            Token(_secret("1//emu-"), "refresh", grant.email, client_id, grant.scope, None)
        )
        response = self._access_response(refresh)
        response["refresh_token"] = refresh.value
        if self.id_tokens is not None and "openid" in grant.scope.split():
            response["id_token"] = self.id_tokens(grant)
        return response

    def refresh(self, value: str, client_id: str) -> dict[str, Any]:
        refresh = self.tokens.get(value)
        if refresh is None or refresh.kind != "refresh":
            raise OAuthError("invalid_grant", "Token has been expired or revoked.")
        if refresh.client_id != client_id:
            raise OAuthError("unauthorized_client", "Unauthorized", 401)
        return self._access_response(refresh)

    def email_for(self, access_token: str) -> str | None:
        token = self.tokens.get(access_token)
        if token is None or token.kind != "access" or (token.expires_at or 0) < time.time():
            return None
        return token.email

    def revoke(self, value: str) -> bool:
        token = self.tokens.get(value)
        if token is None:
            return False
        self._drop(lambda t: t.value == value or (token.kind == "refresh" and _child(t, token)))
        return True

    def revoke_mailbox(self, email: str) -> None:
        self._drop(lambda t: t.email == email)

    def expire_access(self, email: str) -> None:
        self._drop(lambda t: t.email == email and t.kind == "access")

    def _access_response(self, refresh: Token) -> dict[str, Any]:
        expires = time.time() + ACCESS_TTL_S
        access = Token(
            _secret("ya29.emu-"), "access", refresh.email, refresh.client_id, refresh.scope, expires
        )
        self._save(access)
        return {
            "access_token": access.value,
            "expires_in": ACCESS_TTL_S,
            "scope": refresh.scope,
            "token_type": "Bearer",
        }

    def _save(self, token: Token) -> Token:
        self.tokens[token.value] = token
        self.sink.token_saved(token)
        self.sink.commit()
        return token

    def _drop(self, doomed: Callable[[Token], bool]) -> None:
        for value in [v for v, t in self.tokens.items() if doomed(t)]:
            del self.tokens[value]
            self.sink.token_deleted(value)
        self.sink.commit()


def _secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def _child(token: Token, refresh: Token) -> bool:
    """Access tokens minted from `refresh` (same mailbox and client) die with it."""
    return token.kind == "access" and (token.email, token.client_id) == (
        refresh.email,
        refresh.client_id,
    )


def _check_pkce(grant: Grant, verifier: str | None) -> None:
    if grant.challenge is None:
        return
    if not verifier:
        raise OAuthError("invalid_grant", "Missing code verifier.")
    if grant.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    else:
        computed = verifier
    if not secrets.compare_digest(computed, grant.challenge):
        raise OAuthError("invalid_grant", "Invalid code verifier.")
