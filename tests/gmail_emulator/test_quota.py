"""Quota units per method and mailbox, under Google's 2026 table and the older one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from googleapiclient.errors import HttpError


def test_units_follow_the_cost_tables(gmail_account: Any, make_mail: Callable[..., bytes]) -> None:
    delivered = gmail_account.deliver(make_mail())
    users = gmail_account.service.users()
    users.getProfile(userId="me").execute()
    users.messages().list(userId="me").execute()
    users.messages().get(userId="me", id=delivered["id"]).execute()
    users.threads().get(userId="me", id=delivered["threadId"]).execute()
    users.history().list(userId="me", startHistoryId="1000").execute()
    current = gmail_account.control.get("/_emulator/quota").json()
    legacy = gmail_account.control.get("/_emulator/quota", params={"table": "legacy"}).json()
    assert current["by_method"] == {
        "getProfile": 1,
        "messages.list": 5,
        "messages.get": 20,
        "threads.get": 40,
        "history.list": 2,
    }
    assert current["total"] == 68 and current["by_mailbox"] == {"support@acme.test": 68}
    assert legacy["by_method"]["messages.get"] == 5 and legacy["by_method"]["threads.get"] == 10
    assert legacy["total"] == 23


def test_failed_calls_cost_nothing_and_counters_can_be_zeroed(gmail_account: Any) -> None:
    users = gmail_account.service.users()
    gmail_account.control.post("/_emulator/faults", json={"error_rates": {"500": 1.0}})
    with pytest.raises(HttpError):
        users.getProfile(userId="me").execute()
    assert gmail_account.control.get("/_emulator/quota").json()["total"] == 0
    gmail_account.control.post("/_emulator/faults", json={})
    users.getProfile(userId="me").execute()
    assert gmail_account.control.get("/_emulator/quota").json()["total"] == 1
    gmail_account.control.delete("/_emulator/quota")
    assert gmail_account.control.get("/_emulator/quota").json()["total"] == 0
