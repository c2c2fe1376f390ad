"""Injected faults as a client experiences them: error statuses, latency, revoked tokens."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError


def set_faults(account: Any, body: dict[str, Any]) -> httpx.Response:
    response = account.control.post("/_emulator/faults", json=body)
    response.raise_for_status()
    return response


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (429, "rateLimitExceeded"),
        (403, "userRateLimitExceeded"),
        (500, "backendError"),
        (503, "backendError"),
    ],
)
def test_error_rate_of_one_fails_every_call(gmail_account: Any, status: int, reason: str) -> None:
    set_faults(gmail_account, {"error_rates": {str(status): 1.0}})
    with pytest.raises(HttpError) as failed:
        gmail_account.service.users().getProfile(userId="me").execute(num_retries=0)
    assert failed.value.status_code == status
    assert failed.value.error_details[0]["reason"] == reason
    set_faults(gmail_account, {})
    assert gmail_account.service.users().getProfile(userId="me").execute()["emailAddress"]


def test_partial_rates_fail_about_that_share_of_batch_parts(gmail_account: Any) -> None:
    set_faults(gmail_account, {"error_rates": {"429": 0.3, "500": 0.2}, "seed": 7})
    service = gmail_account.service
    statuses: list[int] = []

    def collect(_id: str, _response: Any, exception: HttpError | None) -> None:
        statuses.append(exception.status_code if exception else 200)

    batch = service.new_batch_http_request(callback=collect)
    for _ in range(100):
        batch.add(service.users().labels().list(userId="me"))
    batch.execute()
    assert 15 <= statuses.count(429) <= 45
    assert 8 <= statuses.count(500) <= 35
    assert statuses.count(200) == 100 - statuses.count(429) - statuses.count(500)


def test_latency_delays_each_request(gmail_account: Any) -> None:
    set_faults(gmail_account, {"latency_ms": 150})
    started = time.perf_counter()
    gmail_account.service.users().getProfile(userId="me").execute()
    assert time.perf_counter() - started >= 0.15
    assert gmail_account.control.get("/_emulator/faults").json()["latency_ms"] == 150


def test_revoked_mailbox_gets_401_then_invalid_grant(gmail_account: Any) -> None:
    set_faults(gmail_account, {"revoke": ["support@acme.test"]})
    with pytest.raises(RefreshError, match="invalid_grant"):
        gmail_account.service.users().getProfile(userId="me").execute()


def test_expired_access_token_is_refreshed_transparently(gmail_account: Any) -> None:
    old_token = gmail_account.credentials.token
    set_faults(gmail_account, {"expire_access_tokens": ["support@acme.test"]})
    profile = gmail_account.service.users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == "support@acme.test"
    assert gmail_account.credentials.token != old_token


def test_invalid_fault_settings_are_refused(gmail_account: Any) -> None:
    response = gmail_account.control.post("/_emulator/faults", json={"error_rates": {"418": 1}})
    assert response.status_code == 400
    assert gmail_account.service.users().getProfile(userId="me").execute()
