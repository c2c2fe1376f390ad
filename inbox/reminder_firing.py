"""Fires due reminders exactly once: one conditional UPDATE claims a chunk of due pending rows
(pending -> fired, with the worker's id and the firing time) and the same transaction delivers
them, so a reminder is either fired and delivered or, after a crash, still pending.

Two processes never fire one reminder twice: the UPDATE re-checks `state = pending` on every row
it changes (PostgreSQL also skips rows another worker has locked, so both work in parallel;
SQLite has one writer at a time). It never sends anything itself: email is queued as rows.

One bad row never holds back the others: when a chunk fails, its reminders are fired one at a
time, and the one that fails alone is retried later (`BACKOFF`), then marked failed with its
error, for the team to see.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from app.core.claims import claim
from app.core.db import session_scope
from app.core.models import Conversation, Reminder, ReminderKind, ReminderState
from inbox.followups import FollowupOutcome, run_followup
from inbox.rating_links import RatingLinks
from inbox.reminder_delivery import deliver_reminders

#: Rows claimed per transaction: large enough that a burst of 10,000 takes a few dozen
#: transactions, small enough that one never holds SQLite's write lock for long.
CHUNK = 500

Clock = Callable[[], datetime]
#: When a reminder whose firing failed is tried again; after the last, it is marked failed.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
logger = logging.getLogger(__name__)


def claim_due(session: Session, *, now: datetime, worker: str, limit: int) -> list[int]:
    """Marks up to `limit` due pending reminders fired by `worker`; returns their ids. A
    reminder whose firing failed waits for its `retry_at`.

    On PostgreSQL the due rows are chosen in a CTE, which it evaluates once: as a plain `IN
    (subquery)` with SKIP LOCKED it may re-run the subquery for each row it updates, each time
    skipping the rows already taken, and so claim far more than `limit`. SQLite gets the plain
    subquery: its Python driver opens no transaction for a statement that starts with WITH,
    which would commit the claim on its own, apart from the delivery."""
    due = (
        select(Reminder.id)
        .where(col(Reminder.state) == ReminderState.PENDING, col(Reminder.due_at) <= now)
        .where(or_(col(Reminder.retry_at).is_(None), col(Reminder.retry_at) <= now))
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
    )
    chosen: Any = due.scalar_subquery()
    if session.get_bind().dialect.name == "postgresql":
        chosen = select(due.with_for_update(skip_locked=True).cte("due").c.id)
    return claim(
        session,
        Reminder,
        col(Reminder.id).in_(chosen),
        col(Reminder.state) == ReminderState.PENDING,
        values={"state": ReminderState.FIRED, "claimed_by": worker, "fired_at": now},
    )


def fire_claimed(
    session: Session, *, reminder_ids: list[int], links: RatingLinks, now: datetime
) -> None:
    """Runs follow-ups and delivers the rest; follow-ups that need no reminder become done."""
    reminders = list(
        session.exec(
            select(Reminder).where(col(Reminder.id).in_(reminder_ids)).order_by(col(Reminder.id))
        )
    )
    conversation_ids = {r.conversation_id for r in reminders if r.conversation_id is not None}
    conversations = {
        conversation.id: conversation
        for conversation in session.exec(
            select(Conversation).where(col(Conversation.id).in_(conversation_ids))
        )
    }
    to_deliver: list[Reminder] = []
    for reminder in reminders:
        conversation = conversations.get(reminder.conversation_id)
        outcome = FollowupOutcome.REMIND
        if reminder.kind == ReminderKind.FOLLOWUP:
            outcome = run_followup(
                session, reminder=reminder, conversation=conversation, links=links, now=now
            )
        if outcome == FollowupOutcome.REMIND:
            to_deliver.append(reminder)
        elif outcome == FollowupOutcome.DONE:
            reminder.state = ReminderState.DONE
            session.add(reminder)
    deliver_reminders(session, reminders=to_deliver, conversations=conversations, now=now)
    session.flush()


def fire_due(
    engine: Engine, *, clock: Clock, worker: str, links: RatingLinks, chunk: int = CHUNK
) -> int:
    """Fires every reminder due at `clock()`, a chunk per transaction; returns how many.

    Each chunk reads the clock again, so `fired_at` is when the chunk really fired.
    """
    fired = 0
    while True:
        try:
            claimed = _fire_chunk(engine, clock, worker, links, chunk)
        except Exception:  # a bad row: the chunk rolled back; fire its rows one at a time
            logger.exception("a chunk of reminders failed; firing them one by one")
            return fired + _fire_singly(engine, clock=clock, worker=worker, links=links)
        fired += claimed
        if claimed < chunk:
            return fired


def _fire_chunk(engine: Engine, clock: Clock, worker: str, links: RatingLinks, limit: int) -> int:
    with session_scope(engine) as session:
        now = clock()
        claimed = claim_due(session, now=now, worker=worker, limit=limit)
        if claimed:
            fire_claimed(session, reminder_ids=claimed, links=links, now=now)
    return len(claimed)


def _fire_singly(engine: Engine, *, clock: Clock, worker: str, links: RatingLinks) -> int:
    """Fires due reminders one per transaction (claim and delivery together, as in a chunk);
    one that fails is rolled back and set aside (`_failed`), and the rest still fire. The next
    run goes back to chunks."""
    fired = 0
    while True:
        claimed: list[int] = []
        now = clock()
        try:
            with session_scope(engine) as session:
                claimed = claim_due(session, now=now, worker=worker, limit=1)
                if claimed:
                    fire_claimed(session, reminder_ids=claimed, links=links, now=now)
        except Exception as exc:
            if not claimed:
                raise  # claiming failed, which is no single row's fault
            logger.exception("a reminder failed to fire", extra={"reminder_id": claimed[0]})
            _failed(engine, reminder_id=claimed[0], error=f"{type(exc).__name__}: {exc}", now=now)
            continue
        if not claimed:
            return fired
        fired += 1


def _failed(engine: Engine, *, reminder_id: int, error: str, now: datetime) -> None:
    """The rolled-back reminder (still pending) waits for its next try, or is failed for
    good after the last one."""
    with session_scope(engine) as session:
        reminder = session.get(Reminder, reminder_id)
        if reminder is None:
            return
        reminder.attempts += 1
        reminder.last_error = error[:2000]
        if reminder.attempts > len(BACKOFF):
            reminder.state, reminder.retry_at = ReminderState.FAILED, None
        else:
            reminder.retry_at = now + BACKOFF[reminder.attempts - 1]
        session.add(reminder)


def next_due_at(engine: Engine) -> datetime | None:
    """The earliest pending due time (one index probe), to wake up for it."""
    with session_scope(engine) as session:
        earliest = session.exec(
            select(func.min(Reminder.due_at)).where(col(Reminder.state) == ReminderState.PENDING)
        ).one()
    return earliest
