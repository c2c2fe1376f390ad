"""The batch endpoint through `new_batch_http_request()`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from googleapiclient.errors import HttpError


def test_a_batch_of_100_gets_answers_each_call_in_order(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    ids = [gmail_account.deliver(make_mail(f"Тема {i}"))["id"] for i in range(99)]
    service = gmail_account.service
    answers: dict[str, Any] = {}

    def collect(request_id: str, response: Any, exception: HttpError | None) -> None:
        answers[request_id] = exception or response

    batch = service.new_batch_http_request(callback=collect)
    for message_id in ids:
        batch.add(
            service.users().messages().get(userId="me", id=message_id, format="metadata"),
            request_id=message_id,
        )
    batch.add(service.users().messages().get(userId="me", id="ffffffffffffffff"), request_id="x")
    batch.execute()
    assert len(answers) == 100
    for number, message_id in enumerate(ids):
        headers = answers[message_id]["payload"]["headers"]
        assert {"name": "Subject", "value": f"Тема {number}"} in headers
    assert isinstance(answers["x"], HttpError) and answers["x"].status_code == 404
    quota = httpx.get(f"{gmail_account.emulator_url}/_emulator/quota").json()
    assert quota["calls"]["messages.get"] == 99


def test_batch_mixes_reads_and_writes(gmail_account: Any, make_mail: Callable[..., bytes]) -> None:
    delivered = gmail_account.deliver(make_mail())
    service = gmail_account.service
    results: list[Any] = []
    batch = service.new_batch_http_request(callback=lambda _id, resp, exc: results.append(resp))
    batch.add(
        service.users()
        .messages()
        .modify(userId="me", id=delivered["id"], body={"removeLabelIds": ["UNREAD"]})
    )
    batch.add(service.users().getProfile(userId="me"))
    batch.add(service.users().labels().get(userId="me", id="UNREAD"))
    batch.execute()
    assert results[0]["labelIds"] == ["INBOX"]
    assert results[1]["messagesTotal"] == 1
    assert results[2]["messagesUnread"] == 0


def test_more_than_100_calls_are_refused(gmail_account: Any) -> None:
    service = gmail_account.service
    batch = service.new_batch_http_request()
    for _ in range(101):
        batch.add(service.users().getProfile(userId="me"))
    with pytest.raises(HttpError) as refused:
        batch.execute()
    assert refused.value.status_code == 400
