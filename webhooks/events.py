"""The event outbox: `emit` writes one pending delivery per subscription that wants the event.

It never sends anything (the delivery job does, after the caller's transaction commits) and
never commits; events marked internal (note.created, reminder.due) never reach a client-facing
subscription.
"""

import json
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Note, WebhookDelivery, WebhookSubscription, id_of
from webhooks.payloads import note_data


class Event(StrEnum):
    CONVERSATION_CREATED = "conversation.created"
    CONVERSATION_UPDATED = "conversation.updated"
    CONVERSATION_CLOSED = "conversation.closed"
    MESSAGE_RECEIVED = "message.received"
    MESSAGE_SENT = "message.sent"
    NOTE_CREATED = "note.created"
    REMINDER_DUE = "reminder.due"
    CSAT_RECEIVED = "csat.received"


#: Events a subscription can ask for; `ping` (the test event) goes to one subscription only.
EVENTS = frozenset(Event)
PING = "ping"
#: Events carrying internal team context: only subscriptions marked internal receive them
#: (a reminder's text is the team's own words).
INTERNAL_EVENTS = frozenset({Event.NOTE_CREATED, Event.REMINDER_DUE})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """The data as plain JSON (times become ISO 8601 text), so the stored body never changes."""
    result: dict[str, Any] = json.loads(json.dumps(data, default=_jsonable))
    return result


def emit(
    *,
    session: Session,
    workspace_id: int,
    event: str,
    data: dict[str, Any],
    now: datetime,
    internal_only: bool = False,
) -> int:
    """Queues `event` for every active subscription of the workspace that asked for it and
    returns how many deliveries were queued. Internal events go to internal subscriptions only,
    whatever `internal_only` says."""
    if event not in EVENTS:
        raise Invalid(_("unknown webhook event %(event)r") % {"event": event})
    query = select(WebhookSubscription).where(
        col(WebhookSubscription.workspace_id) == workspace_id,
        col(WebhookSubscription.is_active).is_(True),
    )
    if internal_only or event in INTERNAL_EVENTS:
        query = query.where(col(WebhookSubscription.is_internal).is_(True))
    payload = normalize(data)
    queued = 0
    subscriptions = session.exec(query.order_by(col(WebhookSubscription.id))).all()
    for subscription in subscriptions:
        if event in subscription.events:
            queue(session=session, subscription=subscription, event=event, data=payload, now=now)
            queued += 1
    session.flush()
    return queued


def queue(
    *,
    session: Session,
    subscription: WebhookSubscription,
    event: str,
    data: dict[str, Any],
    now: datetime,
) -> WebhookDelivery:
    """One pending delivery of `event` to `subscription`, due at once."""
    delivery = WebhookDelivery(
        workspace_id=subscription.workspace_id,
        subscription_id=id_of(subscription),
        event=event,
        payload=normalize(data),
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    return delivery


def queue_ping(
    *, session: Session, subscription: WebhookSubscription, now: datetime
) -> WebhookDelivery:
    """A `ping` to one subscription, whatever events it asked for: checks the receiver works."""
    delivery = queue(
        session=session,
        subscription=subscription,
        event=PING,
        data={"webhook_id": id_of(subscription)},
        now=now,
    )
    session.flush()
    return delivery


def note_created(*, session: Session, note: Note, now: datetime) -> int:
    """note.created, which only internal subscriptions receive."""
    return emit(
        session=session,
        workspace_id=note.workspace_id,
        event=Event.NOTE_CREATED,
        data=note_data(note),
        now=now,
        internal_only=True,
    )
