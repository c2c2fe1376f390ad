"""Promised reply times and SLA clocks: what the team owes each client, and when.

A conversation's `sla_due_at` is when the next reply is due: it starts when a client writes and
nobody owes them an answer yet (first-response target before the team's first reply, the
next-response target after), and stops when the team replies. A promise (`promised_at`) is the
agent's own commitment: reminders go to the owner 30 minutes before and at the time; a reply sent
in time keeps it, a promise that lapses is broken, counted, and makes the conversation overdue
from the promised time until the team answers. Functions flush, never commit.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.core.claims import claim
from app.core.db import session_scope
from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageKind,
    MessageState,
    PromiseState,
    ReminderKind,
    User,
    id_of,
)
from app.core.notice_text import (
    PROMISE_DUE,
    PROMISE_SOON,
    SLA_OVERDUE,
    SLA_SOON,
    reminder_says,
)
from gmail_sync.sync import SyncReport
from inbox.reminders import cancel_reminders, create_reminder
from inbox.sla import policy_of, reply_due

HEADS_UP = timedelta(minutes=30)
#: Outbound mail that answers the client: Tandem's replies, and mail written in Gmail (no kind).
#: Acknowledgements and resolution messages neither stop the clock nor keep a promise.
TEAM_REPLIES = (MessageKind.REPLY, None)


def make_promise(
    session: Session, *, conversation: Conversation, user: User, due_at: datetime, now: datetime
) -> None:
    """Records the promise (replacing an earlier one) and schedules its reminders; a time
    given with any offset is kept, and written in its reminders, as UTC."""
    due_at = due_at.astimezone(UTC)
    if due_at <= now:
        raise Invalid(_("a promised reply time must be in the future"))
    cancel_reminders(session, conversation_id=id_of(conversation), kinds=[ReminderKind.PROMISE])
    before = conversation.promised_at
    conversation.promised_at, conversation.promise_state = due_at, PromiseState.PENDING
    conversation.promise_made_at = now
    session.add(conversation)
    owner = conversation.assignee_id or user.id
    subject = conversation.subject.strip() or None
    for at, says in (
        (due_at - HEADS_UP, reminder_says(PROMISE_SOON, subject, at=due_at)),
        (due_at, reminder_says(PROMISE_DUE, subject)),
    ):
        if at > now:
            create_reminder(
                session,
                conversation=conversation,
                user_id=owner,
                due_at=at,
                kind=ReminderKind.PROMISE,
                says=says,
                created_by_id=user.id,
            )
    _audit(session, conversation, "promise.made", now, actor=user, before=before)


def _audit(
    session: Session,
    conversation: Conversation,
    action: str,
    now: datetime,
    *,
    actor: User | None = None,
    before: datetime | None = None,
) -> None:
    session.add(
        AuditEvent(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            actor_id=actor.id if actor else None,
            action=action,
            before={"promised_at": before.isoformat() if before else None},
            after={
                "promised_at": conversation.promised_at.isoformat()
                if conversation.promised_at
                else None,
                "promise_state": conversation.promise_state,
            },
            created_at=now,
        )
    )


def run_reply_clocks(session: Session, report: SyncReport) -> None:
    """After a sync, in the order the mail was written: a client who wrote and is owed no answer
    yet starts the SLA clock; the team's own reply that reached Gmail some other way stops it
    and settles a pending promise, exactly as a reply sent through Tandem does. That is a reply
    written in Gmail itself (the mailbox owner, or the add-on's compose), or a reply of Tandem's
    whose send was cut off after Gmail took it, which the sync adopts."""
    live = report.live_message_ids
    if not live:
        return
    messages = session.exec(
        select(Message)
        .where(col(Message.id).in_(live))
        .where(col(Message.duplicate_of_id).is_(None), col(Message.automated).is_(None))
        .order_by(col(Message.date), col(Message.id))
    ).all()
    for message in messages:
        conversation = session.get(Conversation, message.conversation_id)
        if conversation is None:
            continue
        written = message.date or message.created_at
        if message.direction == Direction.INBOUND and conversation.sla_due_at is None:
            _start_clock(session, conversation, written)
        elif message.direction == Direction.OUTBOUND and message.kind in TEAM_REPLIES:
            _answered(session, conversation, written_at=written, answered_at=written, now=written)
    session.flush()


def _start_clock(session: Session, conversation: Conversation, received: datetime) -> None:
    policy = policy_of(session, conversation.workspace_id)
    answered = conversation.first_response_at is not None
    due = reply_due(policy, received, answered=answered, priority=conversation.priority)
    conversation.sla_due_at = due
    session.add(conversation)
    subject = conversation.subject.strip() or None
    for at, says in (
        (due - HEADS_UP, reminder_says(SLA_SOON, subject)),
        (due, reminder_says(SLA_OVERDUE, subject)),
    ):
        create_reminder(
            session,
            conversation=conversation,
            user_id=conversation.assignee_id,
            due_at=at,
            kind=ReminderKind.SLA,
            says=says,
        )


def retarget_reply_clock(session: Session, conversation: Conversation) -> None:
    """A conversation raised to urgent or lowered from it owes its waiting client a reply by
    the other target: the running clock starts again from the client's oldest unanswered
    mail, with the new priority's target, and its reminders move with it. A broken promise
    still keeps the conversation overdue from the promised time."""
    if conversation.sla_due_at is None:
        return
    waiting = _oldest_unanswered(session, id_of(conversation))
    if waiting is None:
        return
    cancel_reminders(session, conversation_id=id_of(conversation), kinds=[ReminderKind.SLA])
    _start_clock(session, conversation, waiting)
    promised = conversation.promised_at
    if conversation.promise_state == PromiseState.BROKEN and promised is not None:
        conversation.sla_due_at = min(conversation.sla_due_at, promised)
    session.flush()


def _oldest_unanswered(session: Session, conversation_id: int) -> datetime | None:
    written = func.coalesce(col(Message.date), col(Message.created_at))
    last_reply = select(func.max(written)).where(
        col(Message.conversation_id) == conversation_id,
        col(Message.direction) == Direction.OUTBOUND,
        col(Message.kind).in_([MessageKind.REPLY]) | col(Message.kind).is_(None),
        col(Message.state).in_([MessageState.SENT, MessageState.RECEIVED]),
        col(Message.automated).is_(None),
    )
    answered = session.exec(last_reply).one()
    unanswered = select(func.min(written)).where(
        col(Message.conversation_id) == conversation_id,
        col(Message.direction) == Direction.INBOUND,
        col(Message.duplicate_of_id).is_(None),
        col(Message.automated).is_(None),
    )
    if answered is not None:
        unanswered = unanswered.where(written > answered)
    oldest = session.exec(unanswered).one()
    return oldest.replace(tzinfo=UTC) if oldest is not None and oldest.tzinfo is None else oldest


def replies_sent(session: Session, *, message_ids: Sequence[int], now: datetime) -> None:
    """The team answered: the SLA clock stops, and a pending promise is kept (or, if its time
    already passed, broken) by a reply written after it was made — not by the reply that made
    it."""
    replies = session.exec(
        select(Message).where(
            col(Message.id).in_(message_ids),
            Message.kind == MessageKind.REPLY,
            Message.state == MessageState.SENT,
        )
    ).all()
    for reply in replies:
        conversation = session.get(Conversation, reply.conversation_id)
        if conversation is not None:
            answered = reply.date or now
            _answered(
                session, conversation, written_at=reply.created_at, answered_at=answered, now=now
            )
    session.flush()


def _answered(
    session: Session,
    conversation: Conversation,
    *,
    written_at: datetime,
    answered_at: datetime,
    now: datetime,
) -> None:
    conversation.sla_due_at = None
    cancel_reminders(session, conversation_id=id_of(conversation), kinds=[ReminderKind.SLA])
    made = conversation.promise_made_at
    if conversation.promise_state == PromiseState.PENDING and made and written_at > made:
        _settle_promise(session, conversation, answered_at, now)
    session.add(conversation)


def _settle_promise(
    session: Session, conversation: Conversation, answered_at: datetime, now: datetime
) -> None:
    promised = conversation.promised_at
    kept = promised is not None and answered_at <= promised
    conversation.promise_state = PromiseState.KEPT if kept else PromiseState.BROKEN
    cancel_reminders(session, conversation_id=id_of(conversation), kinds=[ReminderKind.PROMISE])
    _audit(session, conversation, "promise.kept" if kept else "promise.broken", now)


def break_lapsed_promises(engine: Engine, now: datetime) -> int:
    """Marks promises whose time passed without a reply as broken, each once (claimed with a
    conditional UPDATE); the conversation is overdue from the promised time on."""
    with session_scope(engine) as session:
        lapsed = session.exec(
            select(Conversation.id)
            .where(
                Conversation.promise_state == PromiseState.PENDING,
                col(Conversation.promised_at) <= now,
            )
            .limit(500)
        ).all()
    broken = 0
    for conversation_id in lapsed:
        with session_scope(engine) as session:
            claimed = claim(
                session,
                Conversation,
                col(Conversation.id) == conversation_id,
                col(Conversation.promise_state) == PromiseState.PENDING,
                values={"promise_state": PromiseState.BROKEN},
            )
            if not claimed:
                continue
            conversation = session.get(Conversation, conversation_id, populate_existing=True)
            assert conversation is not None and conversation.promised_at is not None
            if conversation.status == ConversationStatus.OPEN:
                due = conversation.sla_due_at
                promised = conversation.promised_at
                conversation.sla_due_at = promised if due is None else min(due, promised)
            _audit(session, conversation, "promise.broken", now)
            broken += 1
    return broken
