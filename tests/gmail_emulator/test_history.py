"""users.history.list: change records, filters, paging and the expiry of old start ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from googleapiclient.errors import HttpError


def test_history_reports_every_kind_of_change(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    users = gmail_account.service.users()
    start = users.getProfile(userId="me").execute()["historyId"]
    added = gmail_account.deliver(make_mail())
    users.messages().modify(
        userId="me", id=added["id"], body={"addLabelIds": ["STARRED"], "removeLabelIds": ["UNREAD"]}
    ).execute()
    users.messages().delete(userId="me", id=added["id"]).execute()
    history = users.history().list(userId="me", startHistoryId=start).execute()
    records = history["history"]
    assert [next(k for k in r if k not in {"id", "messages"}) for r in records] == [
        "messagesAdded",
        "labelsAdded",
        "labelsRemoved",
        "messagesDeleted",
    ]
    assert records[0]["messagesAdded"][0]["message"]["labelIds"] == ["INBOX", "UNREAD"]
    assert records[1]["labelsAdded"][0]["labelIds"] == ["STARRED"]
    assert records[2]["labelsRemoved"][0]["labelIds"] == ["UNREAD"]
    assert records[3]["messagesDeleted"][0]["message"]["id"] == added["id"]
    assert history["historyId"] == records[-1]["id"]
    assert [int(r["id"]) for r in records] == sorted(int(r["id"]) for r in records)


def test_history_filters_by_type_and_label_and_pages(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    users = gmail_account.service.users()
    start = users.getProfile(userId="me").execute()["historyId"]
    ids = [gmail_account.deliver(make_mail(f"m{i}"))["id"] for i in range(5)]
    users.messages().modify(userId="me", id=ids[0], body={"addLabelIds": ["STARRED"]}).execute()
    history = users.history()
    added_only = history.list(
        userId="me", startHistoryId=start, historyTypes="messageAdded"
    ).execute()
    assert len(added_only["history"]) == 5
    starred = history.list(userId="me", startHistoryId=start, labelId="STARRED").execute()
    assert [r["labelsAdded"][0]["message"]["id"] for r in starred["history"]] == [ids[0]]
    seen: list[str] = []
    request = history.list(userId="me", startHistoryId=start, maxResults=2)
    while request is not None:
        page = request.execute()
        seen += [r["id"] for r in page.get("history", [])]
        request = history.list_next(request, page)
    assert len(seen) == 6 and len(set(seen)) == 6
    latest = users.getProfile(userId="me").execute()["historyId"]
    assert "history" not in history.list(userId="me", startHistoryId=latest).execute()


def test_start_id_older_than_the_retained_window_is_404(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    users = gmail_account.service.users()
    start = users.getProfile(userId="me").execute()["historyId"]
    for i in range(4):
        gmail_account.deliver(make_mail(f"m{i}"))
    httpx.post(f"{gmail_account.emulator_url}/_emulator/faults", json={"history_window": 2})
    with pytest.raises(HttpError) as expired:
        users.history().list(userId="me", startHistoryId=start).execute()
    assert expired.value.status_code == 404
    recent = int(users.getProfile(userId="me").execute()["historyId"]) - 2
    kept = users.history().list(userId="me", startHistoryId=str(recent)).execute()
    assert len(kept["history"]) == 2
    httpx.post(f"{gmail_account.emulator_url}/_emulator/faults", json={})
    assert len(users.history().list(userId="me", startHistoryId=start).execute()["history"]) == 4
