"""Full and incremental sync of one mailbox, resumable and safe to run from any worker.

A run takes the mailbox's lease first (`mailboxes.claim`), so two workers never sync one mailbox
at once. A full sync lists INBOX and SENT threads within the look-back window page by page,
skips threads whose historyId has not changed, fetches the rest in batches and commits after
every batch with its cursor, so a crash or restart resumes at the page it was on. An incremental
sync reads history.list from the stored historyId; when Gmail no longer has that id (404) it
falls back to a full sync, which the idempotent upserts keep free of duplicates.
"""

import logging
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.errors import Invalid, Unavailable
from app.core.metrics import MESSAGES_SYNCED, SYNC_RUNS
from app.core.models import Mailbox, Message, utcnow
from app.core.settings import Settings
from gmail_sync.client import GmailClient, HistoryExpired, RetryPolicy, mailbox_client
from gmail_sync.fetcher import ThreadBatch, ThreadFetcher
from gmail_sync.ingest import Ingested, ingest_messages, ingest_threads, known_thread_history
from gmail_sync.label_mirror import apply_labels, remove_messages
from gmail_sync.live_mail import announce_stored
from gmail_sync.mailbox_alerts import access_refused
from gmail_sync.mailboxes import (
    claim,
    mark_failed,
    mark_synced,
    record_quota,
    release,
    renew,
)
from gmail_sync.oauth import (
    ReauthRequired,
)
from gmail_sync.raw_fetch import add_raw

logger = logging.getLogger(__name__)

SYNCED_LABELS = ("INBOX", "SENT")
SKIPPED_LABELS = frozenset({"DRAFT", "SPAM", "CHAT"})
WORKER_ID = f"{socket.gethostname()[:40]}:{uuid.uuid4().hex[:8]}"


class LeaseLost(Exception):
    """Another worker took the mailbox over (this one stalled past its lease): stop quietly."""


@dataclass
class SyncReport:
    mailbox_id: int
    mode: str = "skipped"
    ingested: list[Ingested] = field(default_factory=list)
    error: str | None = None

    @property
    def live_message_ids(self) -> list[int]:
        """The messages this run stored that Gmail received after the mailbox was connected:
        what the after-sync work reacts to (history imported at connection never)."""
        return [item.message_id for item in self.ingested if item.created and item.live]


def sync_mailbox(
    *,
    engine: Engine,
    settings: Settings,
    mailbox_id: int,
    owner: str = WORKER_ID,
    clock: Callable[[], datetime] = utcnow,
    retry: RetryPolicy | None = None,
) -> SyncReport:
    """One sync run of a mailbox; never raises for Gmail trouble, which lands in its health.
    The lease is the run's own, not the process's: a process's sync job runs in several
    threads, and two of its runs on one mailbox would end each other's lease."""
    owner = f"{owner}:{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        claimed_at = clock()
        lease = timedelta(seconds=settings.sync_lease_seconds)
        if not claim(
            session=session, mailbox_id=mailbox_id, owner=owner, now=claimed_at, lease=lease
        ):
            return SyncReport(mailbox_id)
    run = _Run(engine, settings, mailbox_id, owner, clock)
    report = SyncReport(mailbox_id)
    try:
        run.open_client(retry or RetryPolicy(base_seconds=settings.gmail_retry_base_seconds))
        report = run.sync()
    except ReauthRequired as exc:
        report.error = reason = str(exc)
        run.update(
            lambda session, mailbox: access_refused(
                session=session, mailbox=mailbox, reason=reason, now=clock()
            )
        )
    except (Unavailable, Invalid) as exc:
        report.error = reason = str(exc)
        run.update(lambda _, mailbox: mark_failed(mailbox=mailbox, reason=reason))
    except LeaseLost:
        logger.warning("sync lease lost", extra={"mailbox_id": mailbox_id})
        return report
    finally:
        run.close(claimed_at)
    _count(report)
    return report


def _count(report: SyncReport) -> None:
    mailbox = str(report.mailbox_id)
    SYNC_RUNS.labels(mailbox, "error" if report.error else "ok").inc()
    MESSAGES_SYNCED.labels(mailbox).inc(sum(item.created for item in report.ingested))


class _Run:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        mailbox_id: int,
        owner: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.engine, self.settings, self.mailbox_id = engine, settings, mailbox_id
        self.owner, self.clock = owner, clock
        self.client: GmailClient | None = None

    @contextmanager
    def transaction(self) -> Iterator[tuple[Session, Mailbox]]:
        """A committed step that still holds the lease (extending it)."""
        with session_scope(self.engine) as session:
            if not renew(
                session=session,
                mailbox_id=self.mailbox_id,
                owner=self.owner,
                now=self.clock(),
                lease=timedelta(seconds=self.settings.sync_lease_seconds),
            ):
                raise LeaseLost
            mailbox = session.get(Mailbox, self.mailbox_id)
            assert mailbox is not None, "a leased mailbox exists"
            yield session, mailbox

    def update(self, change: Callable[[Session, Mailbox], None]) -> None:
        with session_scope(self.engine) as session:
            mailbox = session.get(Mailbox, self.mailbox_id)
            if mailbox is not None:
                change(session, mailbox)
                session.add(mailbox)

    def open_client(self, retry: RetryPolicy) -> None:
        with self.transaction() as (_, mailbox):
            sealed = mailbox.credentials_encrypted
        self.client = mailbox_client(sealed, self.settings, retry)

    def close(self, claimed_at: datetime) -> None:
        """Stores refreshed tokens and quota spent, and hands the lease back."""
        client = self.client
        with session_scope(self.engine) as session:
            mailbox = session.get(Mailbox, self.mailbox_id)
            if mailbox is None:
                return
            if client is not None:
                record_quota(mailbox=mailbox, units=client.units_spent, now=self.clock())
                resealed = client.resealed(self.settings)
                if resealed and mailbox.credentials_encrypted:
                    mailbox.credentials_encrypted = resealed
            poll = timedelta(seconds=self.settings.poll_interval_seconds)
            if mailbox.sync_lease_owner == self.owner:
                release(
                    session=session,
                    mailbox=mailbox,
                    claimed_at=claimed_at,
                    now=self.clock(),
                    poll=poll,
                )
        if client is not None:
            client.close()

    def sync(self) -> SyncReport:
        report = SyncReport(self.mailbox_id)
        with self.transaction() as (_, mailbox):
            full = mailbox.full_sync_requested or mailbox.history_id is None
            full = full or mailbox.sync_cursor.get("mode") == "full"
        if not full:
            try:
                report.ingested += self.incremental()
                report.mode = "incremental"
            except HistoryExpired:
                logger.info("history expired, full sync", extra={"mailbox_id": self.mailbox_id})
                full = True
        if full:
            report.ingested += self.full()
            report.ingested += self.incremental()
            report.mode = "full"
        with self.transaction() as (_, mailbox):
            mark_synced(mailbox=mailbox, now=self.clock())
        return report

    def full(self) -> list[Ingested]:
        assert self.client is not None
        cursor = self._full_cursor()
        fetcher = ThreadFetcher(
            self.client,
            labels=SYNCED_LABELS,
            cursor=cursor,
            batch_size=self.settings.sync_batch_size,
            changed=self._changed_threads,
        )
        ingested: list[Ingested] = []
        for item in fetcher:
            with self.transaction() as (session, mailbox):
                if isinstance(item, ThreadBatch):
                    added = ingest_threads(
                        session=session, mailbox=mailbox, threads=item.threads, now=self.clock()
                    )
                    announce_stored(session, added)
                    mailbox.messages_synced += len(added)
                    mailbox.messages_total = max(mailbox.messages_total, mailbox.messages_synced)
                    ingested += added
                else:
                    cursor.update(label=item.label_index, page_token=item.next_page_token)
                    mailbox.sync_cursor = dict(cursor)
                session.add(mailbox)
        with self.transaction() as (session, mailbox):
            mailbox.history_id = max(mailbox.history_id or 0, int(cursor["start_history_id"]))
            mailbox.sync_cursor = {}
            mailbox.full_sync_requested = False
            stored = session.exec(
                select(func.count()).select_from(Message).where(Message.mailbox_id == mailbox.id)
            ).one()
            mailbox.messages_synced = mailbox.messages_total = int(stored)
            session.add(mailbox)
        return ingested

    def _full_cursor(self) -> dict[str, Any]:
        """The saved cursor of an interrupted full sync, or a new one that starts from the
        historyId read before listing, so changes made while listing are caught afterwards."""
        assert self.client is not None
        with self.transaction() as (_, mailbox):
            cursor = dict(mailbox.sync_cursor)
        if cursor.get("mode") == "full":
            return cursor
        since = self.clock() - timedelta(days=self.settings.sync_lookback_days)
        query = f"after:{int(since.timestamp())}"
        start_history_id = int(self.client.profile()["historyId"])
        total = sum(
            self.client.estimate_messages(label=label, query=query) for label in SYNCED_LABELS
        )
        cursor = {
            "mode": "full",
            "query": query,
            "label": 0,
            "page_token": None,
            "start_history_id": start_history_id,
        }
        with self.transaction() as (session, mailbox):
            mailbox.sync_cursor = cursor
            mailbox.messages_synced, mailbox.messages_total = 0, total
            session.add(mailbox)
        return cursor

    def _changed_threads(self, stubs: list[dict[str, Any]]) -> list[str]:
        """Threads Tandem has not stored at their current historyId (runs on the fetcher)."""
        with Session(self.engine) as session:
            known = known_thread_history(
                session=session, mailbox_id=self.mailbox_id, thread_ids=[s["id"] for s in stubs]
            )
        return [s["id"] for s in stubs if known.get(s["id"]) != int(s.get("historyId") or 0)]

    def incremental(self) -> list[Ingested]:
        """Applies every change since the stored historyId, in one transaction with the new id."""
        assert self.client is not None
        with self.transaction() as (_, mailbox):
            start = mailbox.history_id
        assert start is not None, "incremental sync follows a full one"
        changes = _HistoryChanges()
        page_token: str | None = None
        while True:
            page = self.client.history_page(start_history_id=start, page_token=page_token)
            changes.read(page.get("history", []))
            changes.latest = max(changes.latest, int(page.get("historyId") or start))
            page_token = page.get("nextPageToken")
            if page_token is None:
                break
        with self.transaction() as (session, _):
            unknown = changes.unknown_added(session, self.mailbox_id)
        fetched = self.client.get_messages(unknown) if unknown else {}
        found = [message for message in fetched.values() if message is not None]
        add_raw(self.client, found)
        with self.transaction() as (session, mailbox):
            added = ingest_messages(
                session=session, mailbox=mailbox, messages=found, now=self.clock()
            )
            announce_stored(session, added)
            apply_labels(session=session, mailbox=mailbox, labels=changes.labels)
            remove_messages(session=session, mailbox=mailbox, gmail_ids=changes.deleted)
            mailbox.history_id = max(start, changes.latest)
            mailbox.messages_synced += len([item for item in added if item.created])
            mailbox.messages_total = max(mailbox.messages_total, mailbox.messages_synced)
            session.add(mailbox)
        return added


class _HistoryChanges:
    """What a run of history records adds, relabels and deletes, last word winning."""

    def __init__(self) -> None:
        self.added: dict[str, list[str]] = {}
        self.labels: dict[str, list[str]] = {}
        self.deleted: set[str] = set()
        self.latest = 0

    def read(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            self.latest = max(self.latest, int(record.get("id") or 0))
            for entry in record.get("messagesAdded", []):
                message = entry["message"]
                self.added[message["id"]] = list(message.get("labelIds", []))
                self.deleted.discard(message["id"])
            for key in ("labelsAdded", "labelsRemoved"):
                for entry in record.get(key, []):
                    message = entry["message"]
                    self.labels[message["id"]] = list(message.get("labelIds", []))
            for entry in record.get("messagesDeleted", []):
                self.deleted.add(entry["message"]["id"])

    def unknown_added(self, session: Session, mailbox_id: int) -> list[str]:
        """New messages worth fetching: not drafts or spam, not deleted since, not stored yet."""
        wanted = [
            gmail_id
            for gmail_id, labels in self.added.items()
            if gmail_id not in self.deleted
            and SKIPPED_LABELS.isdisjoint(self.labels.get(gmail_id, labels))
        ]
        if not wanted:
            return []
        stored = session.exec(
            select(Message.gmail_id).where(
                Message.mailbox_id == mailbox_id, col(Message.gmail_id).in_(wanted)
            )
        )
        known = set(stored)
        return [gmail_id for gmail_id in wanted if gmail_id not in known]
