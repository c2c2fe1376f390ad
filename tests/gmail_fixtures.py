"""Fixtures that run the Gmail emulator over real HTTP and connect to it as Tandem does.

`emulator_url` is a freshly reset emulator (one uvicorn server per session, on a free
127.0.0.1 port); `gmail_account` is a mailbox on it connected through google-auth-oauthlib's
Flow, with a google-api-python-client service built by `gmail_sync.client`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from pydantic import AnyHttpUrl

from app.core.settings import Settings
from app.main import create_app
from gmail_emulator import BackgroundEmulator
from gmail_sync.client import build_gmail_service

SUPPORT = "support@acme.test"
SUPPORT_ALIASES = ["help@acme.test"]
CLIENT_ID = "tandem-test.apps.googleusercontent.com"
CLIENT_SECRET = "tandem-test-secret"
REDIRECT_URI = "http://127.0.0.1:8000/oauth/callback"
SCOPES = ["https://www.googleapis.com/auth/gmail.modify"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_emulator(
    state_path: str | None = None, seed: str | None = None, port: int | None = None
) -> Iterator[str]:
    """Serves a new emulator app in a background thread; yields its base URL."""
    emulator = BackgroundEmulator("127.0.0.1", port or free_port(), seed, state_path).start()
    try:
        yield emulator.url
    finally:
        emulator.stop()


@pytest.fixture(autouse=True)
def _plain_http_oauth(monkeypatch: pytest.MonkeyPatch) -> None:
    """oauthlib refuses http:// token URLs unless told the transport is trusted (loopback)."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[str]:
    with running_emulator() as url:
        yield url


@pytest.fixture
def emulator_url(emulator_server: str) -> str:
    """The base URL of an emulator with no mailboxes, tokens, faults or quota spent."""
    httpx.post(f"{emulator_server}/_emulator/reset").raise_for_status()
    return emulator_server


@pytest.fixture
def control(emulator_url: str) -> Iterator[httpx.Client]:
    """An httpx client for the emulator's control API. It drops a connection idle for a
    second: uvicorn closes idle ones after 5 s, httpx kept them 5 s too, and a request sent
    on one just as the server closed it failed with "Server disconnected"."""
    keepalive = httpx.Limits(keepalive_expiry=1.0)
    with httpx.Client(base_url=emulator_url, limits=keepalive) as client:
        yield client


def client_config(emulator_url: str) -> dict[str, Any]:
    return {
        "web": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_uri": f"{emulator_url}/o/oauth2/auth",
            "token_uri": f"{emulator_url}/token",
            "redirect_uris": [REDIRECT_URI],
        }
    }


def new_flow(emulator_url: str) -> Flow:
    return Flow.from_client_config(
        client_config(emulator_url), scopes=SCOPES, redirect_uri=REDIRECT_URI
    )


def authorize(emulator_url: str, email: str) -> Credentials:
    """Runs the OAuth web flow for `email` as a browser would and returns its credentials."""
    flow = new_flow(emulator_url)
    url, state = flow.authorization_url(login_hint=email, access_type="offline", prompt="consent")
    redirect = httpx.get(url, follow_redirects=False)
    assert redirect.status_code == 302, redirect.text
    params = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert params["state"] == [state]
    try:
        flow.fetch_token(code=params["code"][0])
    finally:
        flow.oauth2session.close()
    credentials: Credentials = flow.credentials
    return credentials


def create_mailbox(
    emulator_url: str, email: str, name: str = "Acme Support", aliases: list[str] | None = None
) -> None:
    body = {"email": email, "name": name, "aliases": aliases or []}
    httpx.post(f"{emulator_url}/_emulator/mailboxes", json=body).raise_for_status()


@dataclass
class GmailAccount:
    """A connected mailbox: its address, OAuth credentials and a Gmail API service."""

    email: str
    credentials: Credentials
    service: Any
    emulator_url: str
    control: httpx.Client

    def deliver(self, raw: bytes, *, history: bool = False) -> dict[str, str]:
        """Delivers `raw` as incoming mail through the control API: mail Gmail receives now,
        or with `history` mail dated by its Date header (seeding the past)."""
        response = self.control.post(
            f"/_emulator/mailboxes/{self.email}/messages",
            params={"internalDateSource": "dateHeader"} if history else None,
            content=raw,
            headers={"Content-Type": "message/rfc822"},
        )
        response.raise_for_status()
        result: dict[str, str] = response.json()
        return result


@contextmanager
def connected_account(emulator_url: str, email: str) -> Iterator[GmailAccount]:
    credentials = authorize(emulator_url, email)
    service = build_gmail_service(credentials, emulator_url)
    try:
        with httpx.Client(base_url=emulator_url) as control:
            yield GmailAccount(email, credentials, service, emulator_url, control)
    finally:
        service.close()


@pytest.fixture
def gmail_account(emulator_url: str) -> Iterator[GmailAccount]:
    """support@acme.test (alias help@acme.test), connected over OAuth, with a Gmail service."""
    create_mailbox(emulator_url, SUPPORT, aliases=SUPPORT_ALIASES)
    with connected_account(emulator_url, SUPPORT) as account:
        yield account


def make_email(
    subject: str = "Hello",
    body: str = "Hi there",
    *,
    sender: str = "Client <client@example.test>",
    to: str = SUPPORT,
    cc: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    date: datetime | None = None,
) -> bytes:
    """An RFC 822 message; `in_reply_to` also becomes its References."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def make_mail() -> Callable[..., bytes]:
    """`make_email` as a fixture, for test modules (which cannot import conftest)."""
    return make_email


@pytest.fixture
def start_emulator() -> Callable[..., Any]:
    """`running_emulator`: a context manager serving a separate emulator (own state, seed,
    port)."""
    return running_emulator


@pytest.fixture
def connect() -> Callable[[str, str], Any]:
    """`connected_account(emulator_url, email)`: OAuth-connects a mailbox, yields an account."""
    return connected_account


@pytest.fixture
def authorize_mailbox() -> Callable[[str, str], Credentials]:
    """`authorize(emulator_url, email)`: the OAuth web flow, returning the credentials."""
    return authorize


@pytest.fixture
def oauth_flow() -> Callable[[str], Flow]:
    """`new_flow(emulator_url)`: a google-auth-oauthlib Flow configured for the emulator."""
    return new_flow


@pytest.fixture(name="free_port")
def free_port_fixture() -> Callable[[], int]:
    """`free_port()`: a loopback TCP port nothing listens on."""
    return free_port


@pytest.fixture
def sync_settings(settings: Settings, emulator_url: str) -> Settings:
    """Tandem's settings pointed at the test emulator, with fast retries and small batches."""
    return settings.model_copy(
        update={
            "gmail_emulator_url": AnyHttpUrl(emulator_url),
            "public_url": AnyHttpUrl("http://testserver"),
            "gmail_retry_base_seconds": 0.001,
            "sync_batch_size": 7,
            "sync_lookback_days": 3650,
        }
    )


@pytest.fixture
def tandem(sync_settings: Settings) -> Iterator[TestClient]:
    """Tandem's app on those settings (scheduler off: tests run syncs themselves)."""
    with TestClient(create_app(sync_settings)) as client:
        yield client
