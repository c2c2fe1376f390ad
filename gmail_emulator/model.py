"""The emulator's records: mailboxes, stored messages, history records, watches.

Plain dataclasses with no behaviour beyond trivial accessors; `store` owns every mutation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gmail_emulator.messages import Summary, snippet_of

SYSTEM_LABELS = (
    "INBOX",
    "SENT",
    "UNREAD",
    "STARRED",
    "IMPORTANT",
    "SPAM",
    "TRASH",
    "DRAFT",
    "CHAT",
    "CATEGORY_PERSONAL",
    "CATEGORY_SOCIAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_UPDATES",
    "CATEGORY_FORUMS",
)
HIDDEN_BY_DEFAULT = frozenset({"SPAM", "TRASH"})

MESSAGE_ADDED = "messageAdded"
MESSAGE_DELETED = "messageDeleted"
LABEL_ADDED = "labelAdded"
LABEL_REMOVED = "labelRemoved"
HISTORY_TYPES = (MESSAGE_ADDED, MESSAGE_DELETED, LABEL_ADDED, LABEL_REMOVED)


@dataclass
class StoredMessage:
    id: str
    thread_id: str
    raw: bytes
    labels: list[str]
    internal_date: int
    history_id: int
    seq: int
    summary: Summary
    subject_key: str
    sent: bool = False
    _snippet: str | None = field(default=None, repr=False)

    @property
    def snippet(self) -> str:
        """Computed on first use: loading a large mailbox parses only headers."""
        if self._snippet is None:
            self._snippet = snippet_of(self.raw)
        return self._snippet

    @property
    def order_key(self) -> tuple[int, int]:
        """Sorts newest first, as Gmail lists messages."""
        return (-self.internal_date, -self.seq)


@dataclass(frozen=True)
class HistoryRecord:
    id: int
    kind: str
    message_id: str
    thread_id: str
    labels_after: tuple[str, ...]
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Watch:
    topic: str
    label_ids: tuple[str, ...]
    behavior: str
    expiration_ms: int


@dataclass
class Mailbox:
    email: str
    name: str
    aliases: list[str]
    history_id: int
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    threads: dict[str, list[str]] = field(default_factory=dict)
    by_message_id: dict[str, str] = field(default_factory=dict)
    order: list[tuple[int, int, str]] = field(default_factory=list)
    history: list[HistoryRecord] = field(default_factory=list)
    label_index: dict[str, set[str]] = field(default_factory=dict)
    watch: Watch | None = None
