"""users.messages.* and users.messages.attachments.get: Gmail's message resource shapes.

Handlers take a `Call` and return the JSON Gmail returns; they mutate only through the store.
"""

from __future__ import annotations

import base64
import bisect
import time
from collections.abc import Callable, Iterator
from typing import Any

from gmail_emulator import errors
from gmail_emulator.calls import Call
from gmail_emulator.messages import (
    attachment_bytes,
    b64url,
    metadata_payload,
    payload_of,
)
from gmail_emulator.model import Mailbox, StoredMessage
from gmail_emulator.query import Filter, compile_filter
from gmail_emulator.store import DATE_HEADER, RECEIVED_TIME

FORMATS = ("full", "metadata", "minimal", "raw")
MAX_PAGE = 500


def message_resource(
    message: StoredMessage, fmt: str = "minimal", headers: list[str] | None = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {"id": message.id, "threadId": message.thread_id}
    if message.labels:
        resource["labelIds"] = list(message.labels)
    resource["snippet"] = message.snippet
    if fmt == "full":
        resource["payload"] = payload_of(message.id, message.raw)
    elif fmt == "metadata":
        resource["payload"] = metadata_payload(message.raw, headers or [])
    resource["sizeEstimate"] = len(message.raw)
    resource["historyId"] = str(message.history_id)
    resource["internalDate"] = str(message.internal_date)
    if fmt == "raw":
        resource["raw"] = b64url(message.raw)
    return resource


def reference(message: StoredMessage) -> dict[str, Any]:
    return {"id": message.id, "threadId": message.thread_id}


def labelled(message: StoredMessage) -> dict[str, Any]:
    return {**reference(message), "labelIds": list(message.labels)}


def get(call: Call) -> dict[str, Any]:
    message = call.store.message(call.mailbox, call.path["id"])
    fmt = call.choice("format", "full", FORMATS)
    return message_resource(message, fmt, call.params("metadataHeaders"))


def list_messages(call: Call) -> dict[str, Any]:
    message_filter = request_filter(call)
    limit = call.int_param("maxResults", 100, MAX_PAGE)
    page, more = paged(call.mailbox, call.param("pageToken"), limit, message_filter.matches)
    response: dict[str, Any] = {}
    if page:
        response["messages"] = [reference(message) for message in page]
    if more:
        response["nextPageToken"] = page_token(page[-1])
    response["resultSizeEstimate"] = len(page) + more
    return response


def paged(
    mailbox: Mailbox, token: str | None, limit: int, accept: Callable[[StoredMessage], bool]
) -> tuple[list[StoredMessage], int]:
    """Up to `limit` accepted messages after the token, and how many more are accepted after."""
    page: list[StoredMessage] = []
    more = 0
    for message in scan(mailbox, token):
        if accept(message):
            if len(page) < limit:
                page.append(message)
            else:
                more += 1
    return page, more


def request_filter(call: Call) -> Filter:
    return compile_filter(
        call.params("labelIds"), call.param("q"), call.bool_param("includeSpamTrash", False)
    )


def scan(mailbox: Mailbox, token: str | None) -> Iterator[StoredMessage]:
    """Messages newest first, starting after the message a page token names."""
    start = 0
    if token:
        try:
            key = base64.urlsafe_b64decode(token.encode()).decode().split(":")
            start = bisect.bisect_right(mailbox.order, (int(key[0]), int(key[1]), key[2]))
        except (ValueError, IndexError, UnicodeDecodeError) as exc:
            raise errors.invalid_argument("Invalid pageToken") from exc
    for position in range(start, len(mailbox.order)):
        yield mailbox.messages[mailbox.order[position][2]]


def page_token(last: StoredMessage) -> str:
    first, second = last.order_key
    return base64.urlsafe_b64encode(f"{first}:{second}:{last.id}".encode()).decode()


def send(call: Call) -> dict[str, Any]:
    raw, metadata = call.message_input()
    raw = _with_message_id(raw, call.mailbox.email)
    thread_id = metadata.get("threadId")
    message = call.store.add_message(
        call.mailbox.email,
        raw,
        ["SENT"],
        thread_id=thread_id if isinstance(thread_id, str) else None,
        sent=True,
    )
    return labelled(message)


def _with_message_id(raw: bytes, email: str) -> bytes:
    """Gmail adds a Message-ID to outgoing mail that has none, so replies can thread."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].lower()
    if b"\nmessage-id:" in b"\n" + head:
        return raw
    domain = email.rsplit("@", 1)[-1]
    newline = b"\r\n" if b"\r\n" in raw else b"\n"
    stamp = f"<emulator.{time.time_ns()}@{domain}>".encode()
    return b"Message-ID: " + stamp + newline + raw


def insert(call: Call) -> dict[str, Any]:
    return _store_input(call, RECEIVED_TIME)


def import_message(call: Call) -> dict[str, Any]:
    return _store_input(call, DATE_HEADER)


def _store_input(call: Call, default_source: str) -> dict[str, Any]:
    raw, metadata = call.message_input()
    labels = metadata.get("labelIds") or []
    if not isinstance(labels, list):
        raise errors.invalid_argument("labelIds must be a list")
    source = call.choice("internalDateSource", default_source, (RECEIVED_TIME, DATE_HEADER))
    message = call.store.add_message(call.mailbox.email, raw, labels, date_source=source)
    return labelled(message)


def modify(call: Call) -> dict[str, Any]:
    body = call.json()
    add, remove = body.get("addLabelIds") or [], body.get("removeLabelIds") or []
    if not isinstance(add, list) or not isinstance(remove, list):
        raise errors.invalid_argument("addLabelIds and removeLabelIds must be lists")
    message = call.store.modify(call.mailbox.email, call.path["id"], add, remove)
    return labelled(message)


def delete(call: Call) -> None:
    call.store.delete(call.mailbox.email, call.path["id"])


def get_attachment(call: Call) -> dict[str, Any]:
    message = call.store.message(call.mailbox, call.path["messageId"])
    data = attachment_bytes(message.id, message.raw, call.path["id"])
    if data is None:
        raise errors.not_found()
    return {"attachmentId": call.path["id"], "size": len(data), "data": b64url(data)}
