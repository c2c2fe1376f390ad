"""users.getProfile, labels, settings.sendAs, history.list, watch and stop.

Handlers take a `Call` and return the JSON Gmail returns. history.list answers 404 for a start
id older than the retained window, as Gmail does once history has expired.
"""

from __future__ import annotations

import bisect
import re
import time
from typing import Any

from gmail_emulator import errors
from gmail_emulator.calls import Call
from gmail_emulator.message_resources import MAX_PAGE
from gmail_emulator.model import (
    HISTORY_TYPES,
    LABEL_ADDED,
    LABEL_REMOVED,
    MESSAGE_ADDED,
    HistoryRecord,
    Mailbox,
    Watch,
)

_TOPIC = re.compile(r"^projects/[^/]+/topics/[^/]+$")
WATCH_DAYS_MS = 7 * 86_400_000
_HISTORY_KEYS = {
    MESSAGE_ADDED: "messagesAdded",
    "messageDeleted": "messagesDeleted",
    LABEL_ADDED: "labelsAdded",
    LABEL_REMOVED: "labelsRemoved",
}


def profile(call: Call) -> dict[str, Any]:
    mailbox = call.mailbox
    return {
        "emailAddress": mailbox.email,
        "messagesTotal": len(mailbox.messages),
        "threadsTotal": len(mailbox.threads),
        "historyId": str(mailbox.history_id),
    }


def _label(label_id: str) -> dict[str, Any]:
    label: dict[str, Any] = {"id": label_id, "name": label_id, "type": "system"}
    if not label_id.startswith("CATEGORY_") and label_id not in {"CHAT", "SENT", "DRAFT"}:
        label["messageListVisibility"] = "hide" if label_id in {"SPAM", "TRASH"} else "show"
        label["labelListVisibility"] = "labelShow"
    return label


def list_labels(call: Call) -> dict[str, Any]:
    return {"labels": [_label(label_id) for label_id in call.mailbox.label_index]}


def get_label(call: Call) -> dict[str, Any]:
    mailbox = call.mailbox
    label_id = call.path["id"]
    members = mailbox.label_index.get(label_id)
    if members is None:
        raise errors.not_found()
    unread = members & mailbox.label_index["UNREAD"]
    return {
        **_label(label_id),
        "messagesTotal": len(members),
        "messagesUnread": len(unread),
        "threadsTotal": len({mailbox.messages[m].thread_id for m in members}),
        "threadsUnread": len({mailbox.messages[m].thread_id for m in unread}),
    }


def list_send_as(call: Call) -> dict[str, Any]:
    mailbox = call.mailbox
    primary = {
        "sendAsEmail": mailbox.email,
        "displayName": mailbox.name,
        "replyToAddress": "",
        "signature": "",
        "isPrimary": True,
        "isDefault": True,
    }
    aliases = [
        {
            "sendAsEmail": alias,
            "displayName": mailbox.name,
            "replyToAddress": "",
            "signature": "",
            "isDefault": False,
            "treatAsAlias": True,
            "verificationStatus": "accepted",
        }
        for alias in mailbox.aliases
    ]
    return {"sendAs": [primary, *aliases]}


def watch(call: Call) -> dict[str, Any]:
    body = call.json()
    topic = body.get("topicName")
    if not isinstance(topic, str) or not _TOPIC.match(topic):
        raise errors.invalid_argument(
            "Invalid topicName does not match projects/SOME-PROJECT/topics/SOME-TOPIC"
        )
    behavior = body.get("labelFilterBehavior") or body.get("labelFilterAction") or "include"
    if behavior not in {"include", "exclude"}:
        raise errors.invalid_argument(f"Invalid labelFilterBehavior: {behavior}")
    labels = body.get("labelIds") or []
    expiration = int(time.time() * 1000) + WATCH_DAYS_MS
    call.store.set_watch(call.mailbox.email, Watch(topic, tuple(labels), behavior, expiration))
    return {"historyId": str(call.mailbox.history_id), "expiration": str(expiration)}


def stop(call: Call) -> None:
    call.store.set_watch(call.mailbox.email, None)


def list_history(call: Call) -> dict[str, Any]:
    mailbox = call.mailbox
    start = _start_history_id(call)
    records = _retained(mailbox, call.history_window)
    floor = records[0].id - 1 if records else mailbox.history_id
    if start < floor:
        raise errors.not_found()
    types = set(call.params("historyTypes")) or set(HISTORY_TYPES)
    label = call.param("labelId")
    limit = call.int_param("maxResults", 100, MAX_PAGE)
    token = call.param("pageToken")
    if token is not None and not token.isdigit():
        raise errors.invalid_argument("Invalid pageToken")
    after = int(token) if token else start
    page, next_token = _history_page(records, after, types, label, limit)
    response: dict[str, Any] = {}
    if page:
        response["history"] = page
    if next_token:
        response["nextPageToken"] = next_token
    response["historyId"] = str(mailbox.history_id)
    return response


def _start_history_id(call: Call) -> int:
    value = call.param("startHistoryId")
    if value is None or not value.isdigit():
        raise errors.invalid_argument("Invalid startHistoryId")
    return int(value)


def _retained(mailbox: Mailbox, window: int | None) -> list[HistoryRecord]:
    if window is None or window >= len(mailbox.history):
        return mailbox.history
    return mailbox.history[len(mailbox.history) - window :]


def _history_page(
    records: list[HistoryRecord], after: int, types: set[str], label: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    position = bisect.bisect_right(records, after, key=lambda record: record.id)
    page: list[dict[str, Any]] = []
    for record in records[position:]:
        if len(page) == limit:
            return page, str(page[-1]["id"])
        if record.kind not in types:
            continue
        if label and label not in record.labels_after and label not in record.changed:
            continue
        page.append(history_entry(record))
    return page, None


def history_entry(record: HistoryRecord) -> dict[str, Any]:
    message = {"id": record.message_id, "threadId": record.thread_id}
    change: dict[str, Any] = {"message": {**message, "labelIds": list(record.labels_after)}}
    if record.kind in {LABEL_ADDED, LABEL_REMOVED}:
        change["labelIds"] = list(record.changed)
    return {"id": str(record.id), "messages": [message], _HISTORY_KEYS[record.kind]: [change]}
