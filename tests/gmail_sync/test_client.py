"""The Gmail client's retry policy: backoff grows, is capped, honours Retry-After, gives up."""

from typing import Any

import httpx
import pytest

from app.core.errors import NotFound
from gmail_sync.client import GmailClient, GmailUnavailable, RetryPolicy


def test_backoff_doubles_up_to_the_cap_and_honours_retry_after() -> None:
    slept: list[float] = []
    policy = RetryPolicy(base_seconds=1, cap_seconds=32, sleep=slept.append, jitter=lambda: 1.0)
    for attempt in (0, 1, 3, 10):
        policy.wait(attempt, None)
    policy.wait(0, 50.0)
    assert slept == [1, 2, 8, 32, 50.0]


def test_jitter_spreads_the_waits() -> None:
    slept: list[float] = []
    RetryPolicy(base_seconds=4, sleep=slept.append, jitter=lambda: 0.25).wait(2, None)
    assert slept == [4.0]


def test_a_gmail_that_keeps_failing_is_given_up_on(
    gmail_account: Any, control: httpx.Client
) -> None:
    slept: list[float] = []
    policy = RetryPolicy(attempts=4, base_seconds=0.001, sleep=slept.append)
    client = GmailClient(gmail_account.credentials, gmail_account.emulator_url, retry=policy)
    control.post("/_emulator/faults", json={"error_rates": {"503": 1.0}}).raise_for_status()
    try:
        with pytest.raises(GmailUnavailable, match="503"):
            client.profile()
        with pytest.raises(GmailUnavailable):
            client.get_threads(["a", "b"])
    finally:
        control.post("/_emulator/faults", json={}).raise_for_status()
        client.close()
    assert len(slept) == 2 * 3, "three waits between four attempts, per call"


def test_rate_limits_are_retried_until_they_pass(gmail_account: Any, control: httpx.Client) -> None:
    client = GmailClient(
        gmail_account.credentials,
        gmail_account.emulator_url,
        retry=RetryPolicy(attempts=30, base_seconds=0.001),
    )
    control.post("/_emulator/faults", json={"error_rates": {"429": 0.5, "403": 0.2}, "seed": 3})
    try:
        for _ in range(10):
            assert client.profile()["emailAddress"] == gmail_account.email
    finally:
        control.post("/_emulator/faults", json={}).raise_for_status()
        client.close()
    assert client.units["getProfile"] == 10


def test_unknown_ids_are_not_found_not_retried(gmail_account: Any) -> None:
    client = GmailClient(
        gmail_account.credentials,
        gmail_account.emulator_url,
        retry=RetryPolicy(sleep=lambda _: pytest.fail("no retry for a 404")),
    )
    try:
        assert client.get_threads(["nope"]) == {"nope": None}
        with pytest.raises(NotFound):
            client.call("messages.get", client.users.messages().get(userId="me", id="nope"))
    finally:
        client.close()
