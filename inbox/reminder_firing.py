"""Fires due reminders exactly once: one conditional UPDATE claims a chunk of due pending rows
(pending -> fired, with the worker's id and the firing time) and the same transaction delivers
them, so a reminder is either fired and delivered or, after a crash, still pending.

Two processes never fire one reminder twice: the UPDATE re-checks `state = pending` on every row
it changes (PostgreSQL also skips rows another worker has locked, so both work in parallel;
SQLite has one writer at a time). It never sends anything itself: email is queued as rows.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.core.claims import claim
from app.core.db import session_scope
from app.core.models import Conversation, Reminder, ReminderKind, ReminderState
from inbox.followups import FollowupOutcome, run_followup
from inbox.reminder_delivery import deliver_reminders

#: Rows claimed per transaction: large enough that a burst of 10,000 takes a few dozen
#: transactions, small enough that one never holds SQLite's write lock for long.
CHUNK = 500

Clock = Callable[[], datetime]


def claim_due(session: Session, *, now: datetime, worker: str, limit: int) -> list[int]:
    """Marks up to `limit` due pending reminders fired by `worker`; returns their ids."""
    due = (
        select(Reminder.id)
        .where(col(Reminder.state) == ReminderState.PENDING, col(Reminder.due_at) <= now)
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
    )
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return claim(
        session,
        Reminder,
        col(Reminder.id).in_(due.scalar_subquery()),
        col(Reminder.state) == ReminderState.PENDING,
        values={"state": ReminderState.FIRED, "claimed_by": worker, "fired_at": now},
    )


def fire_claimed(session: Session, *, reminder_ids: list[int], now: datetime) -> None:
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
            outcome = run_followup(session, reminder=reminder, conversation=conversation, now=now)
        if outcome == FollowupOutcome.REMIND:
            to_deliver.append(reminder)
        elif outcome == FollowupOutcome.DONE:
            reminder.state = ReminderState.DONE
            session.add(reminder)
    deliver_reminders(session, reminders=to_deliver, conversations=conversations, now=now)
    session.flush()


def fire_due(engine: Engine, *, clock: Clock, worker: str, chunk: int = CHUNK) -> int:
    """Fires every reminder due at `clock()`, a chunk per transaction; returns how many.

    Each chunk reads the clock again, so `fired_at` is when the chunk really fired.
    """
    fired = 0
    while True:
        with session_scope(engine) as session:
            now = clock()
            claimed = claim_due(session, now=now, worker=worker, limit=chunk)
            if claimed:
                fire_claimed(session, reminder_ids=claimed, now=now)
        fired += len(claimed)
        if len(claimed) < chunk:
            return fired


def next_due_at(engine: Engine) -> datetime | None:
    """The earliest pending due time (one index probe), to wake up for it."""
    with session_scope(engine) as session:
        earliest = session.exec(
            select(func.min(Reminder.due_at)).where(col(Reminder.state) == ReminderState.PENDING)
        ).one()
    return earliest
