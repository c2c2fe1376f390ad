"""Sign-in accounts and OpenID Connect ID tokens, checked with google-auth as a relying party
checks Google's: the certificate fetched over HTTP from the emulator's certs URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from google.auth.transport.requests import Request
from google.oauth2 import id_token
from google_auth_oauthlib.flow import Flow

CLIENT_ID = "tandem-test.apps.googleusercontent.com"
OPENID = [
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
]


def sign_in_flow(emulator_url: str, scopes: list[str]) -> Flow:
    config = {
        "web": {
            "client_id": CLIENT_ID,
            "client_secret": "secret",
            "auth_uri": f"{emulator_url}/o/oauth2/auth",
            "token_uri": f"{emulator_url}/token",
            "redirect_uris": ["http://127.0.0.1:8000/login/google/callback"],
        }
    }
    return Flow.from_client_config(
        config, scopes=scopes, redirect_uri="http://127.0.0.1:8000/login/google/callback"
    )


def token_for(emulator_url: str, email: str, scopes: list[str], nonce: str) -> dict[str, Any]:
    flow = sign_in_flow(emulator_url, scopes)
    url, _ = flow.authorization_url(login_hint=email, nonce=nonce, prompt="select_account")
    location = httpx.get(url, follow_redirects=False).headers["location"]
    try:
        token: dict[str, Any] = flow.fetch_token(code=parse_qs(urlsplit(location).query)["code"][0])
    finally:
        flow.oauth2session.close()
    return token


def verify(emulator_url: str, raw: str) -> dict[str, Any]:
    with Request().session as session:
        claims: dict[str, Any] = dict(
            id_token.verify_token(
                raw,
                Request(session),
                audience=CLIENT_ID,
                certs_url=f"{emulator_url}/oauth2/v1/certs",
            )
        )
    return claims


def test_an_account_signs_in_with_a_verifiable_id_token(
    control: httpx.Client, emulator_url: str
) -> None:
    created = control.post("/_emulator/accounts", json={"email": "Anna@Acme.test", "name": "Anna"})
    assert created.status_code == 201 and created.json()["email"] == "anna@acme.test"
    token = token_for(emulator_url, "anna@acme.test", OPENID, nonce="n-123")
    claims = verify(emulator_url, token["id_token"])
    assert claims["iss"] == "https://accounts.google.com"
    assert claims["aud"] == CLIENT_ID
    assert (claims["email"], claims["email_verified"], claims["name"]) == (
        "anna@acme.test",
        True,
        "Anna",
    )
    assert claims["nonce"] == "n-123" and claims["sub"].isdigit()


def test_a_mailbox_is_an_account_too(control: httpx.Client, emulator_url: str) -> None:
    control.post("/_emulator/mailboxes", json={"email": "support@acme.test", "name": "Support"})
    token = token_for(emulator_url, "support@acme.test", OPENID, nonce="n")
    assert verify(emulator_url, token["id_token"])["name"] == "Support"
    listed = control.get("/_emulator/accounts").json()["accounts"]
    assert listed == [{"email": "support@acme.test", "name": "Support"}]


def test_claims_follow_the_granted_scopes(control: httpx.Client, emulator_url: str) -> None:
    control.post("/_emulator/accounts", json={"email": "ben@acme.test"})
    claims = verify(
        emulator_url, token_for(emulator_url, "ben@acme.test", ["openid"], "n")["id_token"]
    )
    assert "email" not in claims and "name" not in claims
    gmail = token_for(emulator_url, "ben@acme.test", ["https://mail.google.com/"], "n")
    assert "id_token" not in gmail


def test_the_chooser_lists_accounts_and_mailboxes(
    control: httpx.Client, emulator_url: str, oauth_flow: Callable[[str], Any]
) -> None:
    control.post("/_emulator/accounts", json={"email": "anna@acme.test"})
    control.post("/_emulator/mailboxes", json={"email": "support@acme.test"})
    url, _ = oauth_flow(emulator_url).authorization_url()
    page = httpx.get(url).text
    assert "anna@acme.test" in page and "support@acme.test" in page


def test_reset_forgets_accounts(control: httpx.Client) -> None:
    control.post("/_emulator/accounts", json={"email": "anna@acme.test"})
    control.post("/_emulator/reset")
    assert control.get("/_emulator/accounts").json() == {"accounts": []}


@pytest.mark.parametrize("body", [{}, {"email": "no-at-sign"}, {"email": 7}])
def test_an_account_needs_an_email(control: httpx.Client, body: dict[str, Any]) -> None:
    answer = control.post("/_emulator/accounts", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"]["status"] == "INVALID_ARGUMENT"
