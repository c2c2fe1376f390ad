"""The optional SQLite state file (--state): mailboxes, messages, history, tokens, push
subscriptions.

The in-memory store stays the source of truth while running; this module writes each change
through and reads everything back at start-up, so a restarted emulator keeps its mailboxes and
honours the tokens it issued.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict

from gmail_emulator.messages import summarize
from gmail_emulator.model import SYSTEM_LABELS, HistoryRecord, Mailbox, StoredMessage, Watch
from gmail_emulator.push import Pusher, Subscription
from gmail_emulator.store import Store
from gmail_emulator.threads import subject_key
from gmail_emulator.tokens import Token, Tokens

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailbox (email TEXT PRIMARY KEY, name TEXT, aliases TEXT,
    history_id INTEGER, watch TEXT);
CREATE TABLE IF NOT EXISTS message (id TEXT PRIMARY KEY, email TEXT, thread_id TEXT, raw BLOB,
    labels TEXT, internal_date INTEGER, history_id INTEGER, seq INTEGER, sent INTEGER);
CREATE TABLE IF NOT EXISTS history (email TEXT, id INTEGER, kind TEXT, message_id TEXT,
    thread_id TEXT, labels_after TEXT, changed TEXT, PRIMARY KEY (email, id));
CREATE TABLE IF NOT EXISTS token (value TEXT PRIMARY KEY, kind TEXT, email TEXT,
    client_id TEXT, scope TEXT, expires_at REAL);
CREATE TABLE IF NOT EXISTS subscription (name TEXT PRIMARY KEY, topic TEXT, url TEXT);
"""
_TABLES = ("mailbox", "message", "history", "token", "subscription")


class SqliteState:
    """A `store.Sink` and `tokens.TokenSink` writing to one SQLite file."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level="DEFERRED")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def commit(self) -> None:
        self.db.commit()

    def clear(self) -> None:
        for table in _TABLES:
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        self.db.commit()

    def mailbox_saved(self, mailbox: Mailbox) -> None:
        watch = json.dumps(asdict(mailbox.watch)) if mailbox.watch else None
        self.db.execute(
            "INSERT OR REPLACE INTO mailbox VALUES (?, ?, ?, ?, ?)",
            (
                mailbox.email,
                mailbox.name,
                json.dumps(mailbox.aliases),
                mailbox.history_id,
                watch,
            ),
        )

    def message_saved(self, email: str, message: StoredMessage) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO message VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.id,
                email,
                message.thread_id,
                message.raw,
                json.dumps(message.labels),
                message.internal_date,
                message.history_id,
                message.seq,
                int(message.sent),
            ),
        )

    def message_deleted(self, email: str, message_id: str) -> None:
        self.db.execute("DELETE FROM message WHERE id = ?", (message_id,))

    def history_appended(self, email: str, record: HistoryRecord) -> None:
        self.db.execute(
            "INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                email,
                record.id,
                record.kind,
                record.message_id,
                record.thread_id,
                json.dumps(record.labels_after),
                json.dumps(record.changed),
            ),
        )

    def token_saved(self, token: Token) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO token VALUES (?, ?, ?, ?, ?, ?)",
            (token.value, token.kind, token.email, token.client_id, token.scope, token.expires_at),
        )

    def token_deleted(self, value: str) -> None:
        self.db.execute("DELETE FROM token WHERE value = ?", (value,))

    def subscription_saved(self, subscription: Subscription) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO subscription VALUES (?, ?, ?)",
            (subscription.name, subscription.topic, subscription.url),
        )
        self.db.commit()

    def load(self, store: Store, tokens: Tokens, pusher: Pusher) -> None:
        """Rebuilds the in-memory state from the file."""
        self._load_mailboxes(store)
        self._load_messages(store)
        for row in self.db.execute("SELECT * FROM token"):
            token = Token(*row)
            tokens.tokens[token.value] = token
        for name, topic, url in self.db.execute("SELECT * FROM subscription"):
            pusher.subscribe(Subscription(name, topic, url))

    def _load_mailboxes(self, store: Store) -> None:
        for email, name, aliases, history_id, watch in self.db.execute("SELECT * FROM mailbox"):
            mailbox = Mailbox(email, name, json.loads(aliases), history_id)
            mailbox.label_index = {label: set() for label in SYSTEM_LABELS}
            if watch:
                fields = json.loads(watch)
                fields["label_ids"] = tuple(fields["label_ids"])
                mailbox.watch = Watch(**fields)
            store.mailboxes[email] = mailbox
        for email, *fields in self.db.execute("SELECT * FROM history ORDER BY email, id"):
            record_id, kind, message_id, thread_id, labels_after, changed = fields
            store.mailboxes[email].history.append(
                HistoryRecord(
                    record_id,
                    kind,
                    message_id,
                    thread_id,
                    tuple(json.loads(labels_after)),
                    tuple(json.loads(changed)),
                )
            )

    def _load_messages(self, store: Store) -> None:
        query = "SELECT * FROM message ORDER BY seq"
        for (
            message_id,
            email,
            thread_id,
            raw,
            labels,
            date,
            history_id,
            seq,
            sent,
        ) in self.db.execute(query):
            summary = summarize(raw)
            message = StoredMessage(
                message_id,
                thread_id,
                raw,
                json.loads(labels),
                date,
                history_id,
                seq,
                summary,
                subject_key(summary.subject),
                bool(sent),
            )
            store.load_message(email, message)
