"""Which Tandem conversation a Gmail message belongs to, only ever within the agent's own
workspace: another workspace's thread is "not in Tandem", exactly like an unsynced one."""

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.core.models import Conversation, ConversationThread, Message, User


def find_conversation(
    session: Session, *, user: User, thread_id: str, message_id: str | None = None
) -> Conversation | None:
    """By the Gmail thread id (a conversation's own thread or one merged into it), else by the
    Gmail message id of one of its messages."""
    merged = select(ConversationThread.conversation_id).where(
        ConversationThread.workspace_id == user.workspace_id,
        ConversationThread.gmail_thread_id == thread_id,
    )
    matches = [
        col(Conversation.gmail_thread_id) == thread_id,
        col(Conversation.id).in_(merged),
    ]
    if message_id:
        matches.append(
            col(Conversation.id).in_(
                select(Message.conversation_id).where(
                    Message.workspace_id == user.workspace_id, Message.gmail_id == message_id
                )
            )
        )
    return session.exec(
        select(Conversation)
        .where(Conversation.workspace_id == user.workspace_id, or_(*matches))
        .order_by(col(Conversation.id))
        .limit(1)
    ).first()
