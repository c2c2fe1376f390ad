"""Google's certificates are cached for as long as their Cache-Control max-age says: checked
against the emulator's /oauth2/v1/certs, which counts its fetches."""

import time
import uuid

import httpx

from gmail_sync.id_tokens import google_claims
from tests.gmail_emulator.test_accounts import CLIENT_ID, OPENID, token_for


def _fetches(control: httpx.Client) -> int:
    count: int = control.get("/_emulator/certs").json()["fetches"]
    return count


def test_certificates_are_fetched_again_only_after_their_max_age(
    control: httpx.Client, emulator_url: str
) -> None:
    control.post("/_emulator/accounts", json={"email": "anna@acme.test", "name": "Anna"})
    raw = token_for(emulator_url, "anna@acme.test", OPENID, nonce="n-1")["id_token"]
    # HTTP dates have whole seconds, so a max-age of N can mean as little as N - 1 seconds.
    assert control.post("/_emulator/certs", json={"max_age": 4}).json() == {
        "fetches": 0,
        "max_age": 4,
    }
    # A URL of this test's own, so no earlier test's cached copy answers.
    certs_url = f"{emulator_url}/oauth2/v1/certs?test={uuid.uuid4().hex}"

    for _ in range(2):
        claims = google_claims(raw, audience=CLIENT_ID, certs_url=certs_url)
        assert claims["email"] == "anna@acme.test"
    assert _fetches(control) == 1

    time.sleep(4.5)
    assert google_claims(raw, audience=CLIENT_ID, certs_url=certs_url)["email"] == "anna@acme.test"
    assert _fetches(control) == 2


def test_certificates_that_forbid_caching_are_fetched_every_time(
    control: httpx.Client, emulator_url: str
) -> None:
    control.post("/_emulator/accounts", json={"email": "anna@acme.test", "name": "Anna"})
    raw = token_for(emulator_url, "anna@acme.test", OPENID, nonce="n-2")["id_token"]
    control.post("/_emulator/certs", json={"max_age": 0})
    certs_url = f"{emulator_url}/oauth2/v1/certs?test={uuid.uuid4().hex}"
    for _ in range(2):
        google_claims(raw, audience=CLIENT_ID, certs_url=certs_url)
    assert _fetches(control) == 2


def test_a_bad_max_age_is_refused(control: httpx.Client) -> None:
    answer = control.post("/_emulator/certs", json={"max_age": "soon"})
    assert answer.status_code == 400
    assert "max_age" in answer.text
