"""users.messages.* through google-api-python-client: formats, listing, search, changes."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def with_attachment() -> bytes:
    message = EmailMessage()
    message["From"] = "Ольга <olga@romashka.test>"
    message["To"] = "support@acme.test"
    message["Subject"] = "Счёт за март"
    message.set_content("Добрый день, счёт во вложении.")
    message.add_alternative("<p>Добрый день, <b>счёт</b> во вложении.</p>", subtype="html")
    message.add_attachment(
        b"%PDF-1.4 data", maintype="application", subtype="pdf", filename="счёт.pdf"
    )
    return message.as_bytes()


def test_delivered_message_comes_back_byte_for_byte_as_raw(gmail_account: Any) -> None:
    raw = (
        b"From: =?utf-8?b?0J7Qu9GM0LPQsA==?= <olga@romashka.test>\r\n"
        b"To: support@acme.test\r\nSubject: odd   spacing\r\n"
        b"X-Folded: first\r\n\tsecond\r\n\r\nbody without final newline"
    )
    delivered = gmail_account.deliver(raw)
    got = (
        gmail_account.service.users()
        .messages()
        .get(userId="me", id=delivered["id"], format="raw")
        .execute()
    )
    assert unb64(got["raw"]) == raw
    assert got["labelIds"] == ["INBOX", "UNREAD"]
    assert got["historyId"] == delivered["historyId"]
    assert got["sizeEstimate"] == len(raw)


def test_full_format_exposes_the_mime_tree_and_attachments(gmail_account: Any) -> None:
    delivered = gmail_account.deliver(with_attachment())
    messages = gmail_account.service.users().messages()
    got = messages.get(userId="me", id=delivered["id"]).execute()
    payload = got["payload"]
    assert payload["mimeType"] == "multipart/mixed"
    headers = {h["name"]: h["value"] for h in payload["headers"]}
    assert headers["Subject"] == "Счёт за март"
    assert headers["From"] == "Ольга <olga@romashka.test>"
    alternative, attachment = payload["parts"]
    plain, html = alternative["parts"]
    assert (plain["partId"], html["partId"], attachment["partId"]) == ("0.0", "0.1", "1")
    assert unb64(plain["body"]["data"]).decode() == "Добрый день, счёт во вложении.\n"
    assert html["mimeType"] == "text/html"
    assert attachment["filename"] == "счёт.pdf"
    assert "data" not in attachment["body"]
    fetched = (
        messages.attachments()
        .get(userId="me", messageId=delivered["id"], id=attachment["body"]["attachmentId"])
        .execute()
    )
    assert unb64(fetched["data"]) == b"%PDF-1.4 data"
    assert fetched["size"] == len(b"%PDF-1.4 data")
    assert got["snippet"] == "Добрый день, счёт во вложении."
    assert int(got["internalDate"]) > 0


def test_metadata_and_minimal_formats(gmail_account: Any, make_mail: Callable[..., bytes]) -> None:
    delivered = gmail_account.deliver(make_mail("Status?", cc="boss@example.test"))
    messages = gmail_account.service.users().messages()
    metadata = messages.get(
        userId="me", id=delivered["id"], format="metadata", metadataHeaders=["Subject", "Cc"]
    ).execute()
    assert [h["name"] for h in metadata["payload"]["headers"]] == ["Cc", "Subject"]
    assert "parts" not in metadata["payload"]
    minimal = messages.get(userId="me", id=delivered["id"], format="minimal").execute()
    assert "payload" not in minimal and "raw" not in minimal
    assert minimal["snippet"] == "Hi there"


def test_unknown_message_and_bad_arguments_get_google_errors(gmail_account: Any) -> None:
    messages = gmail_account.service.users().messages()
    with pytest.raises(HttpError) as missing:
        messages.get(userId="me", id="0000000000000000").execute()
    assert missing.value.status_code == 404
    assert missing.value.error_details[0]["reason"] == "notFound"
    with pytest.raises(HttpError) as bad_query:
        messages.list(userId="me", q="after:someday").execute()
    assert bad_query.value.status_code == 400
    assert bad_query.value.error_details[0]["reason"] == "invalidArgument"
    with pytest.raises(HttpError) as bad_token:
        messages.list(userId="me", pageToken="not-a-token").execute()
    assert bad_token.value.status_code == 400


def test_list_pages_newest_first(gmail_account: Any, make_mail: Callable[..., bytes]) -> None:
    ids = [
        gmail_account.deliver(make_mail(f"n{i}", date=datetime(2026, 3, 1 + i, tzinfo=UTC)))["id"]
        for i in range(7)
    ]
    messages = gmail_account.service.users().messages()
    seen: list[str] = []
    request = messages.list(userId="me", maxResults=3)
    while request is not None:
        page = request.execute()
        seen += [m["id"] for m in page.get("messages", [])]
        request = messages.list_next(request, page)
    assert seen == list(reversed(ids))


def test_search_by_place_sender_and_dates(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    early = gmail_account.deliver(
        make_mail("early", sender="Ann <ann@a.test>", date=datetime(2026, 1, 5, tzinfo=UTC)),
        history=True,
    )
    late = gmail_account.deliver(
        make_mail("late", sender="Bob <bob@b.test>", date=datetime(2026, 2, 5, tzinfo=UTC)),
        history=True,
    )
    service = gmail_account.service
    service.users().messages().send(userId="me", body={"raw": b64(make_mail("out"))}).execute()

    def ids(**query: Any) -> set[str]:
        found = service.users().messages().list(userId="me", **query).execute()
        return {m["id"] for m in found.get("messages", [])}

    assert ids(q="in:inbox") == {early["id"], late["id"]}
    assert len(ids(q="in:sent")) == 1
    assert ids(labelIds=["SENT"]) == ids(q="in:sent")
    assert ids(q="from:ann@a.test") == {early["id"]}
    assert ids(q="after:2026/01/20") == {late["id"]} | ids(q="in:sent")
    assert ids(q="before:2026/01/20") == {early["id"]}
    assert ids(q="in:inbox -from:bob") == {early["id"]}


def test_modify_and_delete(gmail_account: Any, make_mail: Callable[..., bytes]) -> None:
    delivered = gmail_account.deliver(make_mail())
    messages = gmail_account.service.users().messages()
    changed = messages.modify(
        userId="me",
        id=delivered["id"],
        body={"removeLabelIds": ["UNREAD"], "addLabelIds": ["STARRED"]},
    ).execute()
    assert changed["labelIds"] == ["INBOX", "STARRED"]
    with pytest.raises(HttpError) as invalid:
        messages.modify(userId="me", id=delivered["id"], body={"addLabelIds": ["NOPE"]}).execute()
    assert invalid.value.status_code == 400
    messages.delete(userId="me", id=delivered["id"]).execute()
    assert messages.list(userId="me").execute() == {"resultSizeEstimate": 0}


def test_insert_and_import_keep_given_labels_and_dates(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    messages = gmail_account.service.users().messages()
    dated = make_mail("archived", date=datetime(2025, 12, 24, 18, 0, tzinfo=UTC))
    imported = messages.import_(
        userId="me", body={"raw": b64(dated), "labelIds": ["INBOX"]}
    ).execute()
    inserted = messages.insert(
        userId="me", body={"raw": b64(dated), "labelIds": ["STARRED"]}
    ).execute()
    assert imported["labelIds"] == ["INBOX"] and inserted["labelIds"] == ["STARRED"]
    got = messages.get(userId="me", id=imported["id"], format="minimal").execute()
    assert got["internalDate"] == str(
        int(datetime(2025, 12, 24, 18, tzinfo=UTC).timestamp() * 1000)
    )
    received = messages.get(userId="me", id=inserted["id"], format="minimal").execute()
    assert int(received["internalDate"]) > int(got["internalDate"])


def test_send_through_json_and_upload_lands_in_sent(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    messages = gmail_account.service.users().messages()
    first = make_mail("Reply one", sender="support@acme.test", to="client@example.test")
    second = make_mail("Reply two", sender="help@acme.test", to="client@example.test")
    sent_json = messages.send(userId="me", body={"raw": b64(first)}).execute()
    upload = MediaInMemoryUpload(second, mimetype="message/rfc822")
    sent_upload = messages.send(userId="me", media_body=upload).execute()
    assert sent_json["labelIds"] == ["SENT"] and sent_upload["labelIds"] == ["SENT"]
    listing = httpx.get(f"{gmail_account.emulator_url}/_emulator/mailboxes/support@acme.test/sent")
    sent = listing.json()["messages"]
    assert [m["id"] for m in sent] == [sent_json["id"], sent_upload["id"]]
    raw_second = unb64(sent[1]["raw"])
    assert raw_second.endswith(second) and b"Message-ID: <" in raw_second
    with pytest.raises(HttpError) as empty:
        messages.send(userId="me", body={}).execute()
    assert empty.value.status_code == 400


def _odd_dated(subject: str, date_line: bytes | None) -> bytes:
    head = b"From: Client <client@example.test>\r\nTo: support@acme.test\r\nSubject: "
    date = b"Date: " + date_line + b"\r\n" if date_line is not None else b""
    return head + subject.encode() + b"\r\n" + date + b"\r\nHello\r\n"


ODD_DATES = {
    "decades old": b"Tue, 01 Jan 2002 10:00:00 +0000",
    "far future": b"Sat, 01 Jan 2050 10:00:00 +0000",
    "unreadable": b"yesterday-ish",
    "missing": None,
}


def test_delivered_mail_is_dated_when_gmail_receives_it_whatever_its_date_header(
    gmail_account: Any, control: httpx.Client
) -> None:
    before = datetime.now(UTC).timestamp() * 1000
    delivered = [gmail_account.deliver(_odd_dated(s, d)) for s, d in ODD_DATES.items()]
    mbox = b"From MAILER-DAEMON Thu Jan  1 00:00:00 2004\n" + _odd_dated(
        "in an mbox", ODD_DATES["decades old"]
    ).replace(b"\r\n", b"\n")
    loaded = control.post(f"/_emulator/mailboxes/{gmail_account.email}/mbox", content=mbox).json()
    after = datetime.now(UTC).timestamp() * 1000
    messages = gmail_account.service.users().messages()
    ids = [item["id"] for item in delivered] + loaded["ids"]
    dates = [
        int(messages.get(userId="me", id=i, format="minimal").execute()["internalDate"])
        for i in ids
    ]
    assert all(before - 1000 <= date <= after + 1000 for date in dates)
    recent = messages.list(userId="me", q="newer_than:1d").execute()["messages"]
    assert {m["id"] for m in recent} == set(ids)


def test_history_is_seeded_by_the_date_header_only_when_asked(
    gmail_account: Any, control: httpx.Client
) -> None:
    seeded = gmail_account.deliver(_odd_dated("old", ODD_DATES["decades old"]), history=True)
    undated = gmail_account.deliver(_odd_dated("undated", None), history=True)
    messages = gmail_account.service.users().messages()

    def internal_date(gmail_id: str) -> datetime:
        found = messages.get(userId="me", id=gmail_id, format="minimal").execute()
        return datetime.fromtimestamp(int(found["internalDate"]) / 1000, UTC)

    assert internal_date(seeded["id"]) == datetime(2002, 1, 1, 10, tzinfo=UTC)
    assert internal_date(undated["id"]) > datetime.now(UTC) - timedelta(minutes=1)
    refused = control.post(
        f"/_emulator/mailboxes/{gmail_account.email}/messages",
        params={"internalDateSource": "whenever"},
        content=_odd_dated("x", None),
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["errors"][0]["reason"] == "invalidArgument"
