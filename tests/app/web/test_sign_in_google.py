"""Sign in with Google against the Gmail emulator over HTTP: Tandem redirects to the emulator's
authorize endpoint, the emulator redirects back with a code, Tandem exchanges it and verifies the
ID token with the certificate the emulator publishes. Nothing is mocked."""

import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from google.auth import crypt, jwt
from pydantic import AnyHttpUrl, SecretStr
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.errors import Forbidden, Invalid
from app.core.models import User
from app.core.settings import Settings
from app.main import create_app
from app.web.google_sign_in import PendingSignIn, claim_pending
from gmail_sync.oauth import (
    EMULATOR_CLIENT_ID,
    begin_sign_in,
    signed_in_identity,
    verified_identity,
)
from tests.conftest import Member, Team
from tests.gmail_fixtures import running_emulator

SIGNED_OUT = 303  # what a page answers an anonymous visitor: a redirect to /login


@pytest.fixture(scope="module")
def emulator_server() -> Iterator[str]:
    with running_emulator() as url:
        yield url


@pytest.fixture
def emulator(emulator_server: str) -> str:
    """The emulator, reset, knowing two Google accounts: anna (a Tandem user) and a stranger."""
    httpx.post(f"{emulator_server}/_emulator/reset").raise_for_status()
    for email, name in (("anna@acme.test", "Anna"), ("stranger@elsewhere.test", "Stranger")):
        body = {"email": email, "name": name}
        httpx.post(f"{emulator_server}/_emulator/accounts", json=body).raise_for_status()
    return emulator_server


@pytest.fixture
def anna(team: Team, admin: Member) -> Member:
    return team.member(admin.workspace_id, "anna@acme.test")


@pytest.fixture
def google_settings(settings: Settings, emulator: str) -> Settings:
    return settings.model_copy(
        update={
            "gmail_emulator_url": AnyHttpUrl(emulator),
            "public_url": AnyHttpUrl("http://testserver"),
        }
    )


@pytest.fixture
def browser(google_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(google_settings)) as client:
        yield client


@dataclass
class Consent:
    """Where the emulator sent the browser back to Tandem."""

    callback: str

    @property
    def state(self) -> str:
        return parse_qs(urlsplit(self.callback).query)["state"][0]

    def with_query(self, **params: str) -> str:
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.callback).query).items()}
        return "/login/google/callback?" + urlencode({**query, **params})


def start(browser: TestClient, next: str | None = None) -> str:
    """Clicks "Sign in with Google"; returns the emulator URL Tandem redirects to."""
    query = {"next": next} if next else None
    response = browser.get("/login/google", params=query, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


def consent(authorize_url: str, email: str) -> Consent:
    """The person picks `email` in the emulator's account chooser."""
    chooser = httpx.get(authorize_url)
    assert chooser.status_code == 200, chooser.text
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', chooser.text)
    link = next(href for href, label in links if label == email).replace("&amp;", "&")
    base = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    back = httpx.get(base + link, follow_redirects=False)
    assert back.status_code == 302, back.text
    location = back.headers["location"]
    assert location.startswith("http://testserver/login/google/callback?")
    return Consent(location.removeprefix("http://testserver"))


def signed_in_as(browser: TestClient) -> str | None:
    page = browser.get("/account", follow_redirects=False)
    if page.status_code == SIGNED_OUT:
        return None
    match = re.search(r"[\w.+-]+@acme\.test", page.text)
    return match.group(0) if match else page.text


def test_button_only_when_google_is_available(client: TestClient, browser: TestClient) -> None:
    assert "Sign in with Google" not in client.get("/login").text
    refused = client.get("/login/google")
    assert refused.status_code == 404 and "not set up" in refused.text
    page = browser.get("/login?next=/inbox").text
    assert 'href="/login/google?next=/inbox"' in page


def test_button_with_real_google_configured(settings: Settings) -> None:
    google = settings.model_copy(
        update={
            "google_client_id": "x.apps.googleusercontent.com",
            "google_client_secret": SecretStr("s"),
        }
    )
    with TestClient(create_app(google)) as client:
        assert "Sign in with Google" in client.get("/login").text
        location = client.get("/login/google", follow_redirects=False).headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith("https://accounts.google.com/o/oauth2/auth?")
    assert query["scope"][0].split()[0] == "openid" and query["prompt"] == ["select_account"]
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/login/google/callback"]


def test_round_trip_signs_in_the_chosen_user(browser: TestClient, anna: Member) -> None:
    before = browser.cookies.get("tandem_session")
    callback = consent(start(browser, next="/inbox?status=open"), "anna@acme.test").callback
    landed = browser.get(callback, follow_redirects=False)
    assert landed.status_code == 303
    assert landed.headers["location"] == "/inbox?status=open"
    assert browser.cookies.get("tandem_session") != before
    assert signed_in_as(browser) == "anna@acme.test"


def test_without_next_it_lands_on_the_inbox(browser: TestClient, anna: Member) -> None:
    callback = consent(start(browser), "anna@acme.test").callback
    assert browser.get(callback).url.path == "/inbox"


def test_open_redirect_is_ignored(browser: TestClient, anna: Member) -> None:
    for target in ("https://evil.test", "//evil.test", "/\\evil.test"):
        callback = consent(start(browser, next=target), "anna@acme.test").callback
        assert browser.get(callback, follow_redirects=False).headers["location"] == "/"


def test_wrong_state_is_refused(browser: TestClient, anna: Member) -> None:
    arrived = consent(start(browser), "anna@acme.test")
    refused = browser.get(arrived.with_query(state="forged"))
    assert refused.status_code == 400
    assert "sign in again" in refused.text
    assert signed_in_as(browser) is None
    assert browser.get(arrived.callback).status_code == 400, "the attempt is used up"


def test_missing_state_is_refused(browser: TestClient, anna: Member) -> None:
    arrived = consent(start(browser), "anna@acme.test")
    code = parse_qs(urlsplit(arrived.callback).query)["code"][0]
    assert browser.get("/login/google/callback", params={"code": code}).status_code == 400
    assert browser.get("/login/google/callback").status_code == 400
    assert signed_in_as(browser) is None


def test_a_callback_works_once(
    browser: TestClient, google_settings: Settings, anna: Member
) -> None:
    arrived = consent(start(browser), "anna@acme.test")
    assert browser.get(arrived.callback).status_code == 200
    browser.cookies.clear()
    assert browser.get(arrived.callback).status_code == 400
    assert signed_in_as(browser) is None


def test_a_callback_from_another_browser_is_refused(
    browser: TestClient, google_settings: Settings, anna: Member
) -> None:
    arrived = consent(start(browser), "anna@acme.test")
    with TestClient(create_app(google_settings)) as other:
        assert other.get(arrived.callback).status_code == 400
        assert signed_in_as(other) is None


def test_unknown_email_is_refused_and_nobody_signed_in(browser: TestClient, anna: Member) -> None:
    refused = browser.get(consent(start(browser), "stranger@elsewhere.test").callback)
    assert refused.status_code == 403
    assert "No Tandem account for stranger@elsewhere.test; ask an admin to add you." in refused.text
    assert signed_in_as(browser) is None


def test_deactivated_user_is_refused(browser: TestClient, engine: Engine, anna: Member) -> None:
    with session_scope(engine) as session:
        user = session.get(User, anna.user_id)
        assert user is not None
        user.is_active = False
    refused = browser.get(consent(start(browser), "anna@acme.test").callback)
    assert refused.status_code == 403
    assert "No Tandem account for anna@acme.test" in refused.text
    assert signed_in_as(browser) is None


def test_the_first_google_sign_in_ties_the_account_to_it(
    browser: TestClient, engine: Engine, anna: Member
) -> None:
    """Later the Tandem account follows the Google account, not its address: renamed in
    Tandem it still opens, and another Google account holding the address does not."""
    browser.get(consent(start(browser), "anna@acme.test").callback)
    with session_scope(engine) as session:
        user = session.get(User, anna.user_id)
        assert user is not None and user.google_sub and user.google_sub.isdigit()
        user.email = "anna.petrova@acme.test"
    browser.cookies.clear()
    browser.get(consent(start(browser), "anna@acme.test").callback)
    assert signed_in_as(browser) == "anna.petrova@acme.test"

    with session_scope(engine) as session:
        user = session.get(User, anna.user_id)
        assert user is not None
        user.email, user.google_sub = "anna@acme.test", "another-google-account"
    browser.cookies.clear()
    refused = browser.get(consent(start(browser), "anna@acme.test").callback)
    assert refused.status_code == 403 and "tied to another Google account" in refused.text
    assert signed_in_as(browser) is None


def test_cancelled_consent_is_a_clear_refusal(browser: TestClient, anna: Member) -> None:
    arrived = consent(start(browser), "anna@acme.test")
    refused = browser.get(f"/login/google/callback?state={arrived.state}&error=access_denied")
    assert refused.status_code == 400 and "cancelled" in refused.text
    assert signed_in_as(browser) is None


def test_a_code_for_another_sign_in_is_refused(browser: TestClient, anna: Member) -> None:
    """A code obtained outside this browser's sign-in fails the PKCE check at the token
    endpoint, even when an attacker pairs it with the victim's own state."""
    stolen = consent(start(browser), "anna@acme.test")
    mine = consent(start(browser), "anna@acme.test")
    code = parse_qs(urlsplit(stolen.callback).query)["code"][0]
    refused = browser.get(mine.with_query(code=code))
    assert refused.status_code == 400
    assert signed_in_as(browser) is None


def _claims(email: str, nonce: str) -> dict[str, object]:
    now = int(time.time())
    return {
        "iss": "https://accounts.google.com",
        "aud": EMULATOR_CLIENT_ID,
        "sub": "1",
        "email": email,
        "email_verified": True,
        "nonce": nonce,
        "iat": now,
        "exp": now + 600,
    }


def test_an_id_token_signed_by_another_key_is_refused(
    google_settings: Settings, emulator: str
) -> None:
    key_id = next(iter(httpx.get(f"{emulator}/oauth2/v1/certs").json()))
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forger = crypt.RSASigner.from_string(private, key_id=key_id)
    forged = jwt.encode(forger, _claims("anna@acme.test", "n1")).decode()
    with pytest.raises(Forbidden, match="rejected"):
        verified_identity(settings=google_settings, token=forged, nonce="n1")


def _sign_in_code(settings: Settings, nonce: str) -> tuple[str, str]:
    """A code and its PKCE verifier from a sign-in Tandem began with `nonce`."""
    authorization = begin_sign_in(settings=settings, state="s", nonce=nonce)
    callback = consent(authorization.url, "anna@acme.test").callback
    return parse_qs(urlsplit(callback).query)["code"][0], authorization.code_verifier


def test_an_id_token_of_another_sign_in_is_refused(google_settings: Settings) -> None:
    """A token the emulator really signed, for a sign-in with another nonce (a replayed
    token), is refused; the same kind of token passes with its own nonce."""
    code, verifier = _sign_in_code(google_settings, "n1")
    with pytest.raises(Forbidden, match="another sign-in"):
        signed_in_identity(settings=google_settings, code=code, code_verifier=verifier, nonce="n2")
    code, verifier = _sign_in_code(google_settings, "n3")
    google = signed_in_identity(
        settings=google_settings, code=code, code_verifier=verifier, nonce="n3"
    )
    assert google.email == "anna@acme.test" and google.subject.isdigit()


def test_a_sign_in_left_open_expires() -> None:
    stored = asdict(PendingSignIn("st", "verifier", "nonce", "/", expires_at=1_000.0))
    assert claim_pending(stored, state="st", now=datetime.fromtimestamp(999, UTC)).next == "/"
    with pytest.raises(Invalid, match="expired"):
        claim_pending(stored, state="st", now=datetime.fromtimestamp(1_001, UTC))
