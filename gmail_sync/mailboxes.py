"""A mailbox's sync bookkeeping: requests for a sync, the lease that lets one worker at a time
sync it (across processes), quota spent per day, and its health after each run.

Sync timing is data: `next_sync_at` (polling) and `sync_requested_at` (push, API, connect) are
columns, and workers claim due mailboxes with a conditional UPDATE, so a second worker or a
second process is harmless. Functions flush, never commit.
"""

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from app.core.claims import claim as claim_rows
from app.core.claims import lease_free
from app.core.job_text import RECONNECT, said
from app.core.models import Mailbox, MailboxStatus, SyncState
from app.core.wakes import announce_sync_request

#: Shorter than the hourly renewal job's period, so a failed renewal is retried at its next run.
RENEWAL_CLAIM = timedelta(minutes=30)


def request_sync(*, session: Session, mailbox: Mailbox, now: datetime, full: bool = False) -> None:
    """Asks the next worker tick to sync this mailbox now (a full sync when `full`), and wakes
    the workers of other processes when the request commits."""
    mailbox.sync_requested_at = now
    mailbox.full_sync_requested = mailbox.full_sync_requested or full
    session.add(mailbox)
    session.flush()
    announce_sync_request(session)


def sync_requested(*, session: Session, now: datetime) -> bool:
    """Whether a connected mailbox with a free lease waits for a requested sync: what a worker
    without PostgreSQL's notifications looks for between its ticks."""
    query = select(Mailbox.id).where(
        col(Mailbox.sync_requested_at).is_not(None),
        col(Mailbox.credentials_encrypted).is_not(None),
        col(Mailbox.status) != MailboxStatus.NEEDS_REAUTH,
        lease_free(col(Mailbox.sync_lease_expires_at), now),
    )
    return session.exec(query.limit(1)).first() is not None


def due_mailbox_ids(
    *, session: Session, now: datetime, limit: int | None = None, passing: Collection[int] = ()
) -> list[int]:
    """Connected mailboxes whose poll is due or whose sync was requested, lease free, but
    those in `passing`; the requested ones (a push, a person waiting) first."""
    query = select(Mailbox.id).where(
        col(Mailbox.credentials_encrypted).is_not(None),
        col(Mailbox.status) != MailboxStatus.NEEDS_REAUTH,
        or_(col(Mailbox.sync_requested_at).is_not(None), col(Mailbox.next_sync_at) <= now),
        lease_free(col(Mailbox.sync_lease_expires_at), now),
    )
    if passing:
        query = query.where(col(Mailbox.id).not_in(passing))
    query = query.order_by(col(Mailbox.sync_requested_at).is_(None), col(Mailbox.next_sync_at))
    found = session.exec(query.limit(limit))
    return [int(mailbox_id) for mailbox_id in found if mailbox_id is not None]


def claim(
    *, session: Session, mailbox_id: int, owner: str, now: datetime, lease: timedelta
) -> bool:
    """Takes the mailbox's sync lease if nobody holds a live one; True when this caller has it."""
    claimed = claim_rows(
        session,
        Mailbox,
        col(Mailbox.id) == mailbox_id,
        lease_free(col(Mailbox.sync_lease_expires_at), now),
        values={
            "sync_lease_owner": owner,
            "sync_lease_expires_at": now + lease,
            "sync_state": SyncState.RUNNING,
        },
    )
    return bool(claimed)


def renew(
    *, session: Session, mailbox_id: int, owner: str, now: datetime, lease: timedelta
) -> bool:
    """Extends a lease this owner still holds; False means another worker took over."""
    renewed = claim_rows(
        session,
        Mailbox,
        col(Mailbox.id) == mailbox_id,
        col(Mailbox.sync_lease_owner) == owner,
        values={"sync_lease_expires_at": now + lease},
    )
    return bool(renewed)


def release(
    *, session: Session, mailbox: Mailbox, claimed_at: datetime, now: datetime, poll: timedelta
) -> None:
    """Ends a run; a request that arrived during the run survives so it runs again at once."""
    mailbox.sync_lease_owner = None
    mailbox.sync_lease_expires_at = None
    if mailbox.sync_requested_at is not None and mailbox.sync_requested_at <= claimed_at:
        mailbox.sync_requested_at = None
    if mailbox.status != MailboxStatus.NEEDS_REAUTH:
        mailbox.next_sync_at = now + poll
    session.add(mailbox)
    session.flush()


def record_quota(*, mailbox: Mailbox, units: int, now: datetime) -> None:
    """Adds units to today's count (UTC day), starting a new count on a new day."""
    today = now.date().isoformat()
    if mailbox.quota_day != today:
        mailbox.quota_day, mailbox.quota_units_today = today, 0
    mailbox.quota_units_today += units


def mark_synced(*, mailbox: Mailbox, now: datetime) -> None:
    mailbox.status = MailboxStatus.CONNECTED
    mailbox.sync_state = SyncState.IDLE
    mailbox.last_synced_at = now
    mailbox.last_error = None


def mark_needs_reauth(*, mailbox: Mailbox, reason: str) -> None:
    """Stops every retry until an admin reconnects: a dead grant never heals by itself."""
    mailbox.status = MailboxStatus.NEEDS_REAUTH
    mailbox.sync_state = SyncState.ERROR
    mailbox.last_error = said(RECONNECT, reason=reason)
    mailbox.next_sync_at = None
    mailbox.sync_requested_at = None


def mark_failed(*, mailbox: Mailbox, reason: str) -> None:
    """A passing failure: the cursor is kept and the next poll resumes where this run stopped."""
    mailbox.status = MailboxStatus.ERROR
    mailbox.sync_state = SyncState.ERROR
    mailbox.last_error = reason


def _watch_due(before: datetime) -> ColumnElement[bool]:
    return or_(col(Mailbox.watch_expires_at).is_(None), col(Mailbox.watch_expires_at) < before)


def mailboxes_needing_watch(*, session: Session, before: datetime) -> list[Mailbox]:
    query = select(Mailbox).where(
        col(Mailbox.credentials_encrypted).is_not(None),
        col(Mailbox.status) != MailboxStatus.NEEDS_REAUTH,
        _watch_due(before),
    )
    return list(session.exec(query))


def claim_watch_renewal(*, session: Session, mailbox_id: int, before: datetime) -> Mailbox | None:
    """Takes the renewal of a watch that lapses before `before`, or None when another worker
    took it first. The claim moves the watch's expiry past `before` by `RENEWAL_CLAIM`, which
    the renewal then replaces with Gmail's own; if the renewal fails, the hourly job finds the
    watch due again after that and tries once more."""
    claimed = claim_rows(
        session,
        Mailbox,
        col(Mailbox.id) == mailbox_id,
        _watch_due(before),
        values={"watch_expires_at": before + RENEWAL_CLAIM},
    )
    if not claimed:
        return None
    return session.get(Mailbox, mailbox_id, populate_existing=True)
