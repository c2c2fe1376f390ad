"""Google's OAuth endpoints with google-auth-oauthlib's Flow and google-auth's refresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httplib2
import httpx
import pytest
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError


def test_code_flow_yields_credentials_for_the_consenting_mailbox(gmail_account: Any) -> None:
    credentials = gmail_account.credentials
    assert credentials.token and credentials.refresh_token
    assert credentials.expiry is not None and not credentials.expired
    profile = gmail_account.service.users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == "support@acme.test"


def test_refresh_grant_issues_a_new_working_access_token(gmail_account: Any) -> None:
    credentials = gmail_account.credentials
    old_token = credentials.token
    with Request().session as session:
        credentials.refresh(Request(session))
    assert credentials.token != old_token
    assert gmail_account.service.users().labels().list(userId="me").execute()["labels"]


def test_authorize_without_hint_shows_a_chooser_of_mailboxes(
    control: httpx.Client, emulator_url: str, oauth_flow: Callable[[str], Any]
) -> None:
    control.post("/_emulator/mailboxes", json={"email": "sales@acme.test"})
    flow = oauth_flow(emulator_url)
    url, _ = flow.authorization_url()
    page = httpx.get(url)
    assert page.status_code == 200 and "sales@acme.test" in page.text
    choice = page.text.split('href="')[1].split('"')[0].replace("&amp;", "&")
    redirect = httpx.get(emulator_url + choice, follow_redirects=False)
    assert redirect.status_code == 302 and "code=" in redirect.headers["location"]


def test_pkce_verifier_must_match_the_challenge(
    control: httpx.Client, emulator_url: str, oauth_flow: Callable[[str], Any]
) -> None:
    control.post("/_emulator/mailboxes", json={"email": "support@acme.test"})
    flow = oauth_flow(emulator_url)
    url, _ = flow.authorization_url(login_hint="support@acme.test")
    location = httpx.get(url, follow_redirects=False).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    flow.code_verifier = "x" * 64
    with pytest.raises(InvalidGrantError):
        flow.fetch_token(code=code)
    flow.oauth2session.close()


def test_a_code_works_once(
    control: httpx.Client, emulator_url: str, oauth_flow: Callable[[str], Any]
) -> None:
    control.post("/_emulator/mailboxes", json={"email": "support@acme.test"})
    flow = oauth_flow(emulator_url)
    url, _ = flow.authorization_url(login_hint="support@acme.test")
    location = httpx.get(url, follow_redirects=False).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    flow.fetch_token(code=code)
    with pytest.raises(InvalidGrantError):
        flow.fetch_token(code=code)
    flow.oauth2session.close()


def test_bad_token_gets_401_in_google_shape(gmail_account: Any) -> None:
    document = get_static_doc("gmail", "v1").replace(
        "https://gmail.googleapis.com/", gmail_account.emulator_url + "/"
    )
    service = build_from_document(document, http=httplib2.Http())
    request = service.users().getProfile(userId="me")
    request.headers["authorization"] = "Bearer ya29.forged"
    with pytest.raises(HttpError) as rejected:
        request.execute()
    service.close()
    assert rejected.value.status_code == 401
    assert rejected.value.error_details[0]["reason"] == "authError"


def test_another_users_mailbox_is_forbidden(gmail_account: Any) -> None:
    with pytest.raises(HttpError) as denied:
        gmail_account.service.users().getProfile(userId="other@acme.test").execute()
    assert denied.value.status_code == 403


def test_revoke_endpoint_kills_the_refresh_token(gmail_account: Any) -> None:
    credentials = gmail_account.credentials
    response = httpx.post(
        f"{gmail_account.emulator_url}/revoke", data={"token": credentials.refresh_token}
    )
    assert response.status_code == 200
    with Request().session as session, pytest.raises(RefreshError, match="invalid_grant"):
        credentials.refresh(Request(session))
