"""getProfile, labels, settings.sendAs and the control API's mailbox and mbox endpoints."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
from googleapiclient.http import MediaInMemoryUpload


def test_profile_and_label_counts_track_the_mailbox(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    first = gmail_account.deliver(make_mail("One", message_id="<one@c.test>"))
    gmail_account.deliver(make_mail("Re: One", in_reply_to="<one@c.test>"))
    gmail_account.deliver(make_mail("Two"))
    users = gmail_account.service.users()
    users.messages().modify(
        userId="me", id=first["id"], body={"removeLabelIds": ["UNREAD"]}
    ).execute()
    profile = users.getProfile(userId="me").execute()
    assert (profile["messagesTotal"], profile["threadsTotal"]) == (3, 2)
    inbox = users.labels().get(userId="me", id="INBOX").execute()
    assert (inbox["messagesTotal"], inbox["messagesUnread"]) == (3, 2)
    assert (inbox["threadsTotal"], inbox["threadsUnread"]) == (2, 2)
    labels = {label["id"] for label in users.labels().list(userId="me").execute()["labels"]}
    assert {"INBOX", "SENT", "UNREAD", "SPAM", "TRASH"} <= labels


def test_send_as_lists_the_address_and_its_aliases(gmail_account: Any) -> None:
    send_as = gmail_account.service.users().settings().sendAs().list(userId="me").execute()
    addresses = [(s["sendAsEmail"], s.get("isPrimary", False)) for s in send_as["sendAs"]]
    assert addresses == [("support@acme.test", True), ("help@acme.test", False)]
    assert send_as["sendAs"][0]["displayName"] == "Acme Support"


def test_spam_and_trash_stay_out_of_lists_unless_asked(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    delivered = gmail_account.deliver(make_mail())
    messages = gmail_account.service.users().messages()
    messages.modify(userId="me", id=delivered["id"], body={"addLabelIds": ["SPAM"]}).execute()
    assert "messages" not in messages.list(userId="me").execute()
    assert len(messages.list(userId="me", includeSpamTrash=True).execute()["messages"]) == 1
    assert len(messages.list(userId="me", q="in:spam").execute()["messages"]) == 1


def test_insert_through_a_multipart_upload(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    raw = make_mail("Uploaded")
    upload = MediaInMemoryUpload(raw, mimetype="message/rfc822")
    inserted = (
        gmail_account.service.users()
        .messages()
        .insert(userId="me", body={"labelIds": ["INBOX"]}, media_body=upload)
        .execute()
    )
    got = (
        gmail_account.service.users()
        .messages()
        .get(userId="me", id=inserted["id"], format="raw")
        .execute()
    )
    assert base64.urlsafe_b64decode(got["raw"]) == raw
    assert got["labelIds"] == ["INBOX"]


def test_mbox_upload_and_mailbox_control(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    control: httpx.Client = gmail_account.control
    mbox = b"".join(
        b"From a@x.test Mon Mar  2 09:00:00 2026\n" + make_mail(f"m{i}") + b"\n" for i in range(3)
    )
    loaded = control.post("/_emulator/mailboxes/support@acme.test/mbox", content=mbox).json()
    assert loaded["count"] == 3
    listed = gmail_account.service.users().messages().list(userId="me").execute()
    assert {m["id"] for m in listed["messages"]} == set(loaded["ids"])
    duplicate = control.post("/_emulator/mailboxes", json={"email": "support@acme.test"})
    assert duplicate.status_code == 409
    unknown = control.post("/_emulator/mailboxes/nobody@acme.test/messages", content=b"x")
    assert unknown.status_code == 404
    mailboxes = control.get("/_emulator/mailboxes").json()["mailboxes"]
    assert [(m["email"], m["messagesTotal"]) for m in mailboxes] == [("support@acme.test", 3)]


def test_control_api_refuses_malformed_json(gmail_account: Any) -> None:
    response = gmail_account.control.post("/_emulator/faults", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
