"""Webhook events for mail that a sync stored: message.received / message.sent for every new
live message, conversation.created for a conversation that began with it. History imported
when a mailbox is connected fires nothing."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.core.models import Conversation, Direction, Message
from webhooks.events import Event, emit
from webhooks.payloads import conversation_data, message_data


def emit_sync_events(*, session: Session, message_ids: Sequence[int], now: datetime) -> int:
    """Queues the events for newly stored live messages; returns how many deliveries."""
    if not message_ids:
        return 0
    messages = session.exec(
        select(Message)
        .where(col(Message.id).in_(message_ids))
        .where(col(Message.duplicate_of_id).is_(None))
        .order_by(col(Message.date), col(Message.id))
    ).all()
    per_conversation = Counter(message.conversation_id for message in messages)
    queued = 0
    for conversation_id, count in per_conversation.items():
        conversation = session.get(Conversation, conversation_id)
        if conversation is not None and conversation.message_count == count:
            queued += emit(
                session=session,
                workspace_id=conversation.workspace_id,
                event=Event.CONVERSATION_CREATED,
                data=conversation_data(conversation),
                now=now,
            )
    for message in messages:
        event = (
            Event.MESSAGE_SENT
            if message.direction == Direction.OUTBOUND
            else Event.MESSAGE_RECEIVED
        )
        queued += emit(
            session=session,
            workspace_id=message.workspace_id,
            event=event,
            data=message_data(message),
            now=now,
        )
    return queued
