"""Gmail's threading rules and users.threads.* as a client sees them."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def test_reply_with_references_and_matching_subject_joins_the_thread(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    first = gmail_account.deliver(make_mail("Printer on fire", message_id="<a@client.test>"))
    reply = gmail_account.deliver(
        make_mail(
            "RE: Fwd: printer on  FIRE", message_id="<b@client.test>", in_reply_to="<a@client.test>"
        )
    )
    russian = gmail_account.deliver(
        make_mail("Ответ: Printer on fire", in_reply_to="<b@client.test>")
    )
    assert reply["threadId"] == first["threadId"] == russian["threadId"] == first["id"]


def test_same_subject_without_references_or_other_subject_starts_a_new_thread(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    first = gmail_account.deliver(make_mail("Invoice", message_id="<inv@client.test>"))
    same_subject = gmail_account.deliver(make_mail("Re: Invoice"))
    other_subject = gmail_account.deliver(
        make_mail("Something else", in_reply_to="<inv@client.test>")
    )
    assert same_subject["threadId"] != first["threadId"]
    assert other_subject["threadId"] != first["threadId"]


def test_send_joins_the_requested_thread_only_when_headers_match(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    incoming = gmail_account.deliver(make_mail("Refund", message_id="<r1@client.test>"))
    messages = gmail_account.service.users().messages()
    reply = make_mail("Re: Refund", sender="support@acme.test", in_reply_to="<r1@client.test>")
    joined = messages.send(
        userId="me", body={"raw": b64(reply), "threadId": incoming["threadId"]}
    ).execute()
    assert joined["threadId"] == incoming["threadId"]
    unrelated = make_mail("Re: Refund", sender="support@acme.test")
    apart = messages.send(
        userId="me", body={"raw": b64(unrelated), "threadId": incoming["threadId"]}
    ).execute()
    assert apart["threadId"] != incoming["threadId"]
    without_thread_id = messages.send(userId="me", body={"raw": b64(reply)}).execute()
    assert without_thread_id["threadId"] != incoming["threadId"]


def test_threads_list_and_get(gmail_account: Any, make_mail: Callable[..., bytes]) -> None:
    old = gmail_account.deliver(
        make_mail("Old", message_id="<o1@c.test>", date=datetime(2026, 1, 1, tzinfo=UTC))
    )
    gmail_account.deliver(
        make_mail("New", message_id="<n1@c.test>", date=datetime(2026, 1, 2, tzinfo=UTC))
    )
    gmail_account.deliver(
        make_mail(
            "Re: Old",
            body="Any update?",
            in_reply_to="<o1@c.test>",
            date=datetime(2026, 1, 3, tzinfo=UTC),
        )
    )
    threads = gmail_account.service.users().threads()
    first_page = threads.list(userId="me", maxResults=1).execute()
    second_page = threads.list(
        userId="me", maxResults=1, pageToken=first_page["nextPageToken"]
    ).execute()
    assert first_page["threads"][0]["id"] == old["threadId"]
    assert first_page["threads"][0]["snippet"] == "Any update?"
    assert second_page["threads"][0]["id"] != old["threadId"]
    assert "nextPageToken" not in second_page
    thread = threads.get(userId="me", id=old["threadId"]).execute()
    subjects = [
        next(h["value"] for h in m["payload"]["headers"] if h["name"] == "Subject")
        for m in thread["messages"]
    ]
    assert subjects == ["Old", "Re: Old"]
    minimal = threads.get(userId="me", id=old["threadId"], format="minimal").execute()
    assert all("payload" not in m for m in minimal["messages"])
    assert minimal["historyId"] == max(m["historyId"] for m in minimal["messages"])
