"""Whether anyone on the team has read a conversation yet: the unread dot in the inbox.

Sync sets it from Gmail's UNREAD label when mail arrives, and recounts it from the messages'
flags; a teammate opening the conversation clears it for the whole team, since a shared inbox
asks "has someone looked at this?" rather than "have I?". Gmail's own label is left alone: it
is the mailbox owner's. Reading changes nothing about the conversation itself, so it is
neither audited nor sent to webhooks; only the team's open tabs are told, to move the dot.
"""

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.live import publish_change
from app.core.models import Conversation, Direction, Message


def mark_read(session: Session, conversation: Conversation) -> None:
    if not conversation.is_unread:
        return
    conversation.is_unread = False
    session.add(conversation)
    publish_change(session, conversation, {"is_unread": [True, False]})
    session.execute(
        update(Message)
        .where(col(Message.conversation_id) == conversation.id, col(Message.is_unread))
        .values(is_unread=False)
    )


def mark_unread(session: Session, conversation: Conversation) -> None:
    """Back to unread (for a teammate to pick up): the newest client message is unread again,
    so the next recount by sync agrees."""
    newest = session.exec(
        select(Message)
        .where(
            Message.conversation_id == conversation.id,
            Message.direction == Direction.INBOUND,
            col(Message.duplicate_of_id).is_(None),
        )
        .order_by(col(Message.date).desc(), col(Message.id).desc())
    ).first()
    if newest is None:
        return
    if not conversation.is_unread:
        publish_change(session, conversation, {"is_unread": [False, True]})
    newest.is_unread = conversation.is_unread = True
    session.add_all([newest, conversation])
