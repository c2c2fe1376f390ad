"""Mirrors what happens in Gmail to messages already stored: label changes (read, archived,
trashed) and messages deleted for ever, keeping each conversation's counts and unread dot true.
A deleted message takes its attachment rows with it; the conversation and its notes stay.
Functions flush, never commit."""

from sqlmodel import Session, col, select

from app.core.live import publish_change
from app.core.models import Attachment, Conversation, Direction, Mailbox, Message


def refresh_labels(session: Session, message: Message, labels: list[str]) -> None:
    if message.label_ids != labels:
        message.label_ids = labels
        message.is_unread = "UNREAD" in labels
        session.add(message)


def apply_labels(*, session: Session, mailbox: Mailbox, labels: dict[str, list[str]]) -> None:
    """Mirrors label changes made in Gmail (read, archived, trashed) on stored messages."""
    if not labels:
        return
    rows = session.exec(
        select(Message).where(Message.mailbox_id == mailbox.id, col(Message.gmail_id).in_(labels))
    )
    touched: set[int] = set()
    for message in rows:
        refresh_labels(session, message, labels[str(message.gmail_id)])
        touched.add(message.conversation_id)
    session.flush()
    for conversation_id in touched:
        _recount(session, conversation_id)


def remove_messages(*, session: Session, mailbox: Mailbox, gmail_ids: set[str]) -> None:
    """Forgets messages deleted for ever in Gmail; the conversation and its notes stay."""
    if not gmail_ids:
        return
    rows = list(
        session.exec(
            select(Message).where(
                Message.mailbox_id == mailbox.id, col(Message.gmail_id).in_(gmail_ids)
            )
        )
    )
    for message in rows:
        for attachment in session.exec(
            select(Attachment).where(Attachment.message_id == message.id)
        ):
            session.delete(attachment)
        session.delete(message)
    session.flush()
    for conversation_id in {message.conversation_id for message in rows}:
        _recount(session, conversation_id)


def _recount(session: Session, conversation_id: int) -> None:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return
    messages = session.exec(
        select(Message).where(
            Message.conversation_id == conversation_id, col(Message.duplicate_of_id).is_(None)
        )
    ).all()
    before = {"message_count": conversation.message_count, "is_unread": conversation.is_unread}
    conversation.message_count = len(messages)
    conversation.is_unread = any(m.is_unread and m.direction == Direction.INBOUND for m in messages)
    after = {"message_count": conversation.message_count, "is_unread": conversation.is_unread}
    if after != before:
        publish_change(
            session,
            conversation,
            {k: [before[k], after[k]] for k in before if before[k] != after[k]},
        )
    dates = [m.date for m in messages if m.date is not None]
    conversation.last_message_at = max(dates) if dates else conversation.last_message_at
    session.add(conversation)
