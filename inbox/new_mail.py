"""The mail a client just wrote: what most after-sync work reads.

One query for it, so every step means the same thing by "new mail": a message this sync run
stored, received live (never history imported at connection), inbound, and not a copy of a
message another of the team's mailboxes already holds; oldest first. Steps narrow it further
(a person's mail only, a conversation with an owner) with conditions of their own.
"""

from typing import Any

from sqlmodel import Session, col, select

from app.core.models import Conversation, Direction, Message
from gmail_sync.sync import SyncReport


def new_client_mail(
    session: Session, report: SyncReport, *narrower: Any
) -> list[tuple[Message, Conversation]]:
    live = report.live_message_ids
    if not live:
        return []
    rows = session.exec(
        select(Message, Conversation)
        .join(Conversation, col(Conversation.id) == col(Message.conversation_id))
        .where(
            col(Message.id).in_(live),
            col(Message.direction) == Direction.INBOUND,
            col(Message.duplicate_of_id).is_(None),
            *narrower,
        )
        .order_by(col(Message.date), col(Message.id))
    )
    return list(rows.all())


def opens_conversation(message: Message, conversation: Conversation) -> bool:
    """The message is the one the conversation began with: its subject is the client's own
    words, not an old mail's they replied to."""
    return message.date is not None and message.date == conversation.first_message_at
