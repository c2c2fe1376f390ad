"""users.threads.list and users.threads.get.

A thread is listed where its newest matching message falls in the newest-first message order,
so paging over threads never repeats one.
"""

from __future__ import annotations

from typing import Any

from gmail_emulator import errors
from gmail_emulator.calls import Call
from gmail_emulator.message_resources import (
    MAX_PAGE,
    message_resource,
    page_token,
    paged,
    request_filter,
)
from gmail_emulator.model import Mailbox, StoredMessage
from gmail_emulator.query import Filter

THREAD_FORMATS = ("full", "metadata", "minimal")


def thread_messages(mailbox: Mailbox, thread_id: str) -> list[StoredMessage]:
    members = [mailbox.messages[m] for m in mailbox.threads.get(thread_id, [])]
    return sorted(members, key=lambda m: (m.internal_date, m.seq))


def get(call: Call) -> dict[str, Any]:
    members = thread_messages(call.mailbox, call.path["id"])
    if not members:
        raise errors.not_found()
    fmt = call.choice("format", "full", THREAD_FORMATS)
    headers = call.params("metadataHeaders")
    return {
        "id": call.path["id"],
        "historyId": str(max(m.history_id for m in members)),
        "messages": [message_resource(m, fmt, headers) for m in members],
    }


def list_threads(call: Call) -> dict[str, Any]:
    mailbox = call.mailbox
    thread_filter = request_filter(call)
    limit = call.int_param("maxResults", 100, MAX_PAGE)

    def newest_match(message: StoredMessage) -> bool:
        return thread_filter.matches(message) and _newest_match(mailbox, message, thread_filter)

    page, more = paged(mailbox, call.param("pageToken"), limit, newest_match)
    response: dict[str, Any] = {}
    if page:
        response["threads"] = [_thread_entry(mailbox, message.thread_id) for message in page]
    if more:
        response["nextPageToken"] = page_token(page[-1])
    response["resultSizeEstimate"] = len(page) + more
    return response


def _newest_match(mailbox: Mailbox, message: StoredMessage, thread_filter: Filter) -> bool:
    for sibling_id in mailbox.threads[message.thread_id]:
        sibling = mailbox.messages[sibling_id]
        if sibling.order_key < message.order_key and thread_filter.matches(sibling):
            return False
    return True


def _thread_entry(mailbox: Mailbox, thread_id: str) -> dict[str, Any]:
    members = thread_messages(mailbox, thread_id)
    return {
        "id": thread_id,
        "snippet": members[-1].snippet,
        "historyId": str(max(m.history_id for m in members)),
    }
