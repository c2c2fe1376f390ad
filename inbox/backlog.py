"""The work waiting in the database, across every workspace, for the metrics scrape: the
outboxes (replies, webhook deliveries, agent e-mail) and the timers (reminders, snoozes).
Read at scrape time rather than counted by whoever does the work, so the figures are true
however many web and worker processes share the database, and whichever of them is asked."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from app.core.models import (
    AgentEmail,
    AgentEmailState,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageState,
    Reminder,
    ReminderState,
    WebhookDelivery,
    WebhookDeliveryState,
)


@dataclass(frozen=True)
class Backlog:
    """One queue or timer: `waiting` rows not done yet, `due` of them whose time has come,
    and `lag_seconds`, how long the oldest due one has waited past its time (0 when none)."""

    name: str
    kind: str
    waiting: int
    due: int
    lag_seconds: float


@dataclass(frozen=True)
class _Source:
    name: str
    kind: str
    model: Any
    waiting: tuple[Any, ...]
    due_at: Any
    due_only: tuple[Any, ...] = ()


_SOURCES = (
    _Source(
        "replies",
        "outbox",
        Message,
        (
            col(Message.direction) == Direction.OUTBOUND,
            col(Message.state).in_((MessageState.QUEUED, MessageState.SENDING)),
        ),
        Message.send_after,
        (col(Message.state) == MessageState.QUEUED,),
    ),
    _Source(
        "webhooks",
        "outbox",
        WebhookDelivery,
        (col(WebhookDelivery.state) == WebhookDeliveryState.PENDING,),
        WebhookDelivery.next_attempt_at,
    ),
    _Source(
        "agent_email",
        "outbox",
        AgentEmail,
        (col(AgentEmail.state) == AgentEmailState.PENDING,),
        AgentEmail.next_attempt_at,
    ),
    _Source(
        "reminders",
        "timer",
        Reminder,
        (col(Reminder.state) == ReminderState.PENDING,),
        Reminder.due_at,
    ),
    _Source(
        "snoozes",
        "timer",
        Conversation,
        (col(Conversation.status) == ConversationStatus.SNOOZED,),
        Conversation.snoozed_until,
    ),
)


def backlog(session: Session, *, now: datetime) -> list[Backlog]:
    return [_read(session, source, now) for source in _SOURCES]


def _read(session: Session, source: _Source, now: datetime) -> Backlog:
    waiting = session.exec(select(func.count()).select_from(source.model).where(*source.waiting))
    due_where = (*source.waiting, *source.due_only, col(source.due_at) <= now)
    due, oldest = session.exec(
        select(func.count(), func.min(source.due_at)).select_from(source.model).where(*due_where)
    ).one()
    lag = (now - oldest).total_seconds() if oldest is not None else 0.0
    return Backlog(source.name, source.kind, int(waiting.one()), int(due), max(lag, 0.0))
