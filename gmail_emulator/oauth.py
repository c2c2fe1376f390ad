"""Google's OAuth endpoints at Google's paths: authorize, token, revoke and signing certificates.

`GET /o/oauth2/auth` consents at once for the account named by `login_hint` (a mailbox or a
sign-in account, see `accounts`; otherwise it shows a chooser listing them all) and redirects
with `code` and `state`; `POST /token` serves the authorization_code (with PKCE) and
refresh_token grants, adding an ID token (carrying the authorize request's `nonce`) when
`openid` was in the scope; `POST /revoke` revokes a token; `GET /oauth2/v1/certs` publishes the
ID-token signing certificate as Google does. It owns only the HTTP side; codes and tokens live
in `tokens`, accounts and ID tokens in `accounts`.
"""

from __future__ import annotations

import base64
import html
import time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gmail_emulator.accounts import Accounts
from gmail_emulator.tokens import CODE_TTL_S, Grant, OAuthError, Tokens

_DEFAULT_SCOPE = "https://mail.google.com/"


class OAuthEndpoints:
    def __init__(self, accounts: Accounts, tokens: Tokens) -> None:
        self.accounts = accounts
        self.tokens = tokens

    def routes(self) -> list[Route]:
        return [
            Route("/o/oauth2/auth", self.authorize, methods=["GET"]),
            Route("/o/oauth2/v2/auth", self.authorize, methods=["GET"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/o/oauth2/token", self.token, methods=["POST"]),
            Route("/revoke", self.revoke, methods=["POST", "GET"]),
            Route("/o/oauth2/revoke", self.revoke, methods=["POST", "GET"]),
            Route("/oauth2/v1/certs", self.certs, methods=["GET"]),
        ]

    async def authorize(self, request: Request) -> Response:
        params = request.query_params
        client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
        if not client_id or not redirect_uri:
            return _error_page("Error 400: invalid_request. Missing client_id or redirect_uri.")
        state = params.get("state")
        if params.get("response_type", "code") != "code":
            return _redirect(redirect_uri, {"error": "unsupported_response_type", "state": state})
        method = params.get("code_challenge_method", "plain")
        if method not in {"S256", "plain"}:
            return _redirect(redirect_uri, {"error": "invalid_request", "state": state})
        hint = (params.get("login_hint") or "").strip().lower()
        if not self.accounts.exists(hint):
            return self._chooser(request, hint)
        scope = params.get("scope") or _DEFAULT_SCOPE
        grant = Grant(
            hint,
            client_id,
            redirect_uri,
            scope,
            params.get("code_challenge"),
            method,
            time.time() + CODE_TTL_S,
            params.get("nonce"),
        )
        code = self.tokens.issue_code(grant)
        return _redirect(redirect_uri, {"code": code, "scope": scope, "state": state})

    def _chooser(self, request: Request, hint: str) -> Response:
        items = []
        for email in self.accounts.emails():
            query = urlencode({**request.query_params, "login_hint": email})
            link = html.escape(f"{request.url.path}?{query}")
            items.append(f'<li><a href="{link}">{html.escape(email)}</a></li>')
        notice = f"<p>No mailbox or account {html.escape(hint)} here.</p>" if hint else ""
        listing = "".join(items) or (
            "<li>No mailboxes or accounts yet: create one with the control API.</li>"
        )
        return HTMLResponse(
            "<!doctype html><title>Choose an account</title>"
            f"<h1>Choose an account</h1>{notice}<ul>{listing}</ul>"
        )

    async def token(self, request: Request) -> Response:
        form = await request.form()
        fields = {key: str(value) for key, value in form.items()}
        client_id = fields.get("client_id") or _basic_client_id(request)
        try:
            if not client_id:
                raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
            grant_type = fields.get("grant_type")
            if grant_type == "authorization_code":
                body = self.tokens.exchange_code(
                    fields.get("code", ""),
                    client_id,
                    fields.get("redirect_uri", ""),
                    fields.get("code_verifier"),
                )
            elif grant_type == "refresh_token":
                body = self.tokens.refresh(fields.get("refresh_token", ""), client_id)
            else:
                raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        except OAuthError as exc:
            return _oauth_error(exc)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def certs(self, request: Request) -> Response:
        max_age = self.accounts.certs_max_age
        cache = f"public, max-age={max_age}, must-revalidate, no-transform"
        return JSONResponse(self.accounts.certs(), headers={"Cache-Control": cache})

    async def revoke(self, request: Request) -> Response:
        value = request.query_params.get("token")
        if value is None and request.method == "POST":
            value = str((await request.form()).get("token") or "")
        if not value or not self.tokens.revoke(value):
            return _oauth_error(OAuthError("invalid_token", "Token expired or revoked"))
        return JSONResponse({})


def _redirect(redirect_uri: str, params: dict[str, str | None]) -> Response:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=302)


def _error_page(message: str) -> Response:
    return HTMLResponse(f"<!doctype html><title>Error</title><p>{html.escape(message)}</p>", 400)


def _oauth_error(exc: OAuthError) -> Response:
    body = {"error": exc.error, "error_description": exc.description}
    return JSONResponse(body, status_code=exc.status)


def _basic_client_id(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:]).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded.split(":", 1)[0] or None
