"""How the workspace's queues are doing, for its admins: for the reply outbox, webhook
deliveries, agent e-mail and reminders, how many rows wait, how many failed for good, and the
latest failures with their reasons. A row that failed never holds back the rows behind it, so
this is where an admin finds it. Reads only."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from app.core.models import (
    AgentEmail,
    AgentEmailState,
    Direction,
    Message,
    MessageState,
    Reminder,
    ReminderState,
    WebhookDelivery,
    WebhookDeliveryState,
)

#: Failures listed per queue, newest first.
SHOWN = 5


@dataclass(frozen=True)
class Failure:
    id: int
    error: str
    at: datetime | None


@dataclass(frozen=True)
class QueueHealth:
    name: str
    waiting: int
    failed: int
    latest_failures: list[Failure]


@dataclass(frozen=True)
class _Queue:
    """A queue's table, read alike: its rows' state, the time that orders its failures
    (a reply's last try, a delivery's or an e-mail's creation, a reminder's due time), its
    error."""

    name: str
    model: Any
    state: Any
    waiting: tuple[str, ...]
    failed: str
    error: Any
    changed: Any
    scope: tuple[Any, ...] = ()


_QUEUES = (
    _Queue(
        "replies",
        Message,
        Message.state,
        (MessageState.QUEUED, MessageState.SENDING),
        MessageState.FAILED,
        Message.send_error,
        Message.send_after,
        (Message.direction == Direction.OUTBOUND,),
    ),
    _Queue(
        "webhooks",
        WebhookDelivery,
        WebhookDelivery.state,
        (WebhookDeliveryState.PENDING,),
        WebhookDeliveryState.FAILED,
        WebhookDelivery.last_error,
        WebhookDelivery.created_at,
    ),
    _Queue(
        "agent_email",
        AgentEmail,
        AgentEmail.state,
        (AgentEmailState.PENDING,),
        AgentEmailState.FAILED,
        AgentEmail.last_error,
        AgentEmail.created_at,
    ),
    _Queue(
        "reminders",
        Reminder,
        Reminder.state,
        (ReminderState.PENDING,),
        ReminderState.FAILED,
        Reminder.last_error,
        Reminder.due_at,
    ),
)


def queue_health(session: Session, *, workspace_id: int) -> list[QueueHealth]:
    return [_health(session, queue, workspace_id) for queue in _QUEUES]


def _health(session: Session, queue: _Queue, workspace_id: int) -> QueueHealth:
    mine = (queue.model.workspace_id == workspace_id, *queue.scope)

    def count(*where: Any) -> int:
        return int(
            session.exec(select(func.count()).select_from(queue.model).where(*mine, *where)).one()
        )

    latest = session.exec(
        select(queue.model.id, queue.error, queue.changed)
        .where(*mine, queue.state == queue.failed)
        .order_by(col(queue.changed).desc(), col(queue.model.id).desc())
        .limit(SHOWN)
    ).all()
    return QueueHealth(
        name=queue.name,
        waiting=count(col(queue.state).in_(queue.waiting)),
        failed=count(queue.state == queue.failed),
        latest_failures=[Failure(int(row_id), error or "", at) for row_id, error, at in latest],
    )
