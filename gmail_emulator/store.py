"""The mailboxes and every change to them: messages, labels, threads and the history log.

All reads and writes happen on the server's event loop thread, so the store takes no locks.
Lookups go through dicts and a sorted order index (never scans), the history is append-only, and
each change is written through to a `Sink` (in memory: nothing; with --state: SQLite) and
announced to listeners (push notifications) after it is applied.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol

from gmail_emulator import errors
from gmail_emulator.messages import summarize
from gmail_emulator.model import (
    LABEL_ADDED,
    LABEL_REMOVED,
    MESSAGE_ADDED,
    MESSAGE_DELETED,
    SYSTEM_LABELS,
    HistoryRecord,
    Mailbox,
    StoredMessage,
    Watch,
)
from gmail_emulator.threads import joins_thread, subject_key, thread_of_reply

FIRST_HISTORY_ID = 1000
_ID_BASE = 0x18F3A0C000000000

Listener = Callable[[Mailbox, HistoryRecord], None]

#: Gmail's internalDateSource values.
RECEIVED_TIME, DATE_HEADER = "receivedTime", "dateHeader"


class Sink(Protocol):
    """Where the store writes each change through to (see `persistence`)."""

    def mailbox_saved(self, mailbox: Mailbox) -> None: ...
    def message_saved(self, email: str, message: StoredMessage) -> None: ...
    def message_deleted(self, email: str, message_id: str) -> None: ...
    def history_appended(self, email: str, record: HistoryRecord) -> None: ...
    def commit(self) -> None: ...


class NullSink:
    """Keeps nothing: the default, in-memory emulator."""

    def mailbox_saved(self, mailbox: Mailbox) -> None:
        return None

    def message_saved(self, email: str, message: StoredMessage) -> None:
        return None

    def message_deleted(self, email: str, message_id: str) -> None:
        return None

    def history_appended(self, email: str, record: HistoryRecord) -> None:
        return None

    def commit(self) -> None:
        return None


class Store:
    def __init__(self, sink: Sink | None = None) -> None:
        self.mailboxes: dict[str, Mailbox] = {}
        self.sink: Sink = sink or NullSink()
        self.listeners: list[Listener] = []
        self._next_seq = 1
        self._bulk = False

    def reset(self) -> None:
        self.mailboxes.clear()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Commits the sink once for many changes (loading an mbox or a seed)."""
        self._bulk = True
        try:
            yield
        finally:
            self._bulk = False
            self.sink.commit()

    def _commit(self) -> None:
        if not self._bulk:
            self.sink.commit()

    def mailbox(self, email: str) -> Mailbox:
        found = self.mailboxes.get(email.lower())
        if found is None:
            raise errors.not_found()
        return found

    def create_mailbox(self, email: str, name: str, aliases: Iterable[str]) -> Mailbox:
        key = email.strip().lower()
        if key in self.mailboxes:
            raise errors.ApiError(409, "alreadyExists", f"Mailbox {key} already exists.")
        mailbox = Mailbox(key, name, [a.strip().lower() for a in aliases], FIRST_HISTORY_ID)
        mailbox.label_index = {label: set() for label in SYSTEM_LABELS}
        self.mailboxes[key] = mailbox
        self.sink.mailbox_saved(mailbox)
        self._commit()
        return mailbox

    def add_message(
        self,
        email: str,
        raw: bytes,
        labels: Iterable[str],
        date_source: str = RECEIVED_TIME,
        thread_id: str | None = None,
        sent: bool = False,
    ) -> StoredMessage:
        """Stores `raw` as a new message and threads it; `thread_id` is a send's requested thread.

        `date_source` is Gmail's internalDateSource: mail Gmail receives is dated when it
        arrived (`receivedTime`), whatever its Date header says; `dateHeader` dates it by that
        header instead (seeding history, `messages.import`), or now when it has none.
        """
        mailbox = self.mailbox(email)
        label_list = self._checked_labels(mailbox, labels)
        summary = summarize(raw)
        key = subject_key(summary.subject)
        seq = self._take_seq()
        message_id = f"{_ID_BASE + seq:016x}"
        now = int(time.time() * 1000)
        date = (summary.date_ms or now) if date_source == DATE_HEADER else now
        message = StoredMessage(
            message_id, message_id, raw, label_list, date, 0, seq, summary, key, sent
        )
        message.thread_id = self._thread_for(mailbox, message, thread_id) or message_id
        self._index(mailbox, message)
        self._record(mailbox, MESSAGE_ADDED, message)
        self._commit()
        return message

    def load_message(self, email: str, message: StoredMessage) -> None:
        """Re-indexes a message read back from the state file (no history, no sink)."""
        mailbox = self.mailbox(email)
        self._next_seq = max(self._next_seq, message.seq + 1)
        self._index(mailbox, message)

    def modify(
        self, email: str, message_id: str, add: Iterable[str], remove: Iterable[str]
    ) -> StoredMessage:
        mailbox = self.mailbox(email)
        message = self.message(mailbox, message_id)
        added = [x for x in self._checked_labels(mailbox, add) if x not in message.labels]
        removed = [x for x in self._checked_labels(mailbox, remove) if x in message.labels]
        for label in added:
            message.labels.append(label)
            mailbox.label_index[label].add(message.id)
        for label in removed:
            message.labels.remove(label)
            mailbox.label_index[label].discard(message.id)
        if added:
            self._record(mailbox, LABEL_ADDED, message, tuple(added))
        if removed:
            self._record(mailbox, LABEL_REMOVED, message, tuple(removed))
        self._commit()
        return message

    def delete(self, email: str, message_id: str) -> None:
        mailbox = self.mailbox(email)
        message = self.message(mailbox, message_id)
        del mailbox.messages[message.id]
        for label in message.labels:
            mailbox.label_index[label].discard(message.id)
        siblings = mailbox.threads[message.thread_id]
        siblings.remove(message.id)
        if not siblings:
            del mailbox.threads[message.thread_id]
        position = bisect.bisect_left(mailbox.order, (*message.order_key, message.id))
        del mailbox.order[position]
        if message.summary.message_id and (
            mailbox.by_message_id.get(message.summary.message_id) == message.id
        ):
            del mailbox.by_message_id[message.summary.message_id]
        self.sink.message_deleted(mailbox.email, message.id)
        self._record(mailbox, MESSAGE_DELETED, message)
        self._commit()

    def set_watch(self, email: str, watch: Watch | None) -> Mailbox:
        mailbox = self.mailbox(email)
        mailbox.watch = watch
        self.sink.mailbox_saved(mailbox)
        self._commit()
        return mailbox

    @staticmethod
    def message(mailbox: Mailbox, message_id: str) -> StoredMessage:
        found = mailbox.messages.get(message_id)
        if found is None:
            raise errors.not_found()
        return found

    def _take_seq(self) -> int:
        seq = self._next_seq
        self._next_seq += 1
        return seq

    @staticmethod
    def _checked_labels(mailbox: Mailbox, labels: Iterable[str]) -> list[str]:
        checked: list[str] = []
        for label in labels:
            if label not in mailbox.label_index:
                raise errors.invalid_argument(f"Invalid label: {label}")
            if label not in checked:
                checked.append(label)
        return checked

    @staticmethod
    def _thread_for(mailbox: Mailbox, message: StoredMessage, requested: str | None) -> str | None:
        def lookup(reference: str) -> tuple[str, str] | None:
            gmail_id = mailbox.by_message_id.get(reference)
            found = mailbox.messages.get(gmail_id) if gmail_id else None
            return (found.thread_id, found.subject_key) if found else None

        references = message.summary.references
        if message.sent:
            if requested and joins_thread(requested, references, message.subject_key, lookup):
                return requested
            return None
        return thread_of_reply(references, message.subject_key, lookup)

    @staticmethod
    def _index(mailbox: Mailbox, message: StoredMessage) -> None:
        mailbox.messages[message.id] = message
        mailbox.threads.setdefault(message.thread_id, []).append(message.id)
        bisect.insort(mailbox.order, (*message.order_key, message.id))
        for label in message.labels:
            mailbox.label_index.setdefault(label, set()).add(message.id)
        if message.summary.message_id:
            mailbox.by_message_id.setdefault(message.summary.message_id, message.id)

    def _record(
        self, mailbox: Mailbox, kind: str, message: StoredMessage, changed: tuple[str, ...] = ()
    ) -> None:
        mailbox.history_id += 1
        message.history_id = mailbox.history_id
        record = HistoryRecord(
            mailbox.history_id, kind, message.id, message.thread_id, tuple(message.labels), changed
        )
        mailbox.history.append(record)
        if kind != MESSAGE_DELETED:
            self.sink.message_saved(mailbox.email, message)
        self.sink.history_appended(mailbox.email, record)
        self.sink.mailbox_saved(mailbox)
        for listener in self.listeners:
            listener(mailbox, record)
