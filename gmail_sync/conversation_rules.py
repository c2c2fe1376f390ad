"""The conversation rules a newly stored message applies: counts and times, the first
response, who the client is, a new participant, reopening on a client's reply, whether only
machines wrote into it (automated), and the status that imported history mirrors from Gmail.
Functions flush nothing and never commit."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from app.core.models import (
    AuditEvent,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    Priority,
    id_of,
    utcnow,
)
from gmail_sync.mime import bare_addresses

REOPENABLE = {ConversationStatus.CLOSED, ConversationStatus.PENDING, ConversationStatus.SNOOZED}


@dataclass
class NewConversation:
    """A conversation this batch creates, kept as plain values until one bulk insert (ORM
    objects cost more per attribute than the rest of ingesting a message)."""

    workspace_id: int
    mailbox_id: int
    gmail_thread_id: str
    subject: str
    created_at: datetime
    updated_at: datetime
    status: str = ConversationStatus.OPEN
    priority: str = Priority.NORMAL
    tags: list[str] = field(default_factory=list)
    contact_id: int | None = None
    message_count: int = 0
    is_unread: bool = False
    automated: bool = False
    first_message_at: datetime | None = None
    last_message_at: datetime | None = None
    last_inbound_at: datetime | None = None
    first_response_at: datetime | None = None
    first_response_seconds: int | None = None
    id: int | None = None
    participants: set[str] = field(default_factory=set)

    def row(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del values["id"], values["participants"]
        return values


AnyConversation = Conversation | NewConversation


@dataclass
class ThreadContext:
    """What the rules need to know beyond the message: who is already on each conversation
    (read once per batch), the senders' contacts and which threads sit in the inbox."""

    participants: dict[int, set[str]] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    inbox_threads: set[str] = field(default_factory=set)


def apply_message(
    session: Session,
    conversation: AnyConversation,
    row: dict[str, Any],
    context: ThreadContext,
    *,
    live: bool,
) -> None:
    """Folds one new message (its row values, which may gain `new_participant`) into its
    conversation; `live` mail may reopen it, history only mirrors Gmail's state."""
    when: datetime | None = row["date"]
    previous_last = conversation.last_message_at
    is_newest = when is not None and (previous_last is None or when >= previous_last)
    participants = _participants(session, conversation, context)
    inbound = row["direction"] == Direction.INBOUND
    if inbound and participants and row["from_address"] not in participants:
        row["new_participant"] = True
    participants |= {row["from_address"], *bare_addresses([*row["to"], *row["cc"]])}
    conversation.message_count += 1
    if when is not None:
        conversation.first_message_at = min(filter(None, [conversation.first_message_at, when]))
        conversation.last_message_at = max(filter(None, [previous_last, when]))
    if inbound:
        _apply_inbound(session, conversation, row, context, reopen=live and is_newest)
    elif _is_first_response(conversation, when):
        assert when is not None
        conversation.first_response_at = when
        first = conversation.first_message_at or when
        conversation.first_response_seconds = int((when - first).total_seconds())
    if not live and is_newest:
        in_inbox = row["gmail_thread_id"] in context.inbox_threads
        conversation.status = _history_status(in_inbox=in_inbox, inbound=inbound)
    conversation.updated_at = max(conversation.updated_at, when or conversation.updated_at)
    if isinstance(conversation, Conversation):
        session.add(conversation)


def _apply_inbound(
    session: Session,
    conversation: AnyConversation,
    row: dict[str, Any],
    context: ThreadContext,
    *,
    reopen: bool,
) -> None:
    """A live message from the client reopens a conversation the team had put aside (history
    never does: its status mirrors Gmail instead). Automated mail (an out-of-office answer to
    the team's reply, a bounce) reopens only an automated conversation: it must not put a
    person's conversation back into the team's open work."""
    when: datetime | None = row["date"]
    _file(conversation, automated=row["automated"] is not None)
    reopen = reopen and (conversation.automated or row["automated"] is None)
    if when is not None:
        conversation.last_inbound_at = max(filter(None, [conversation.last_inbound_at, when]))
    if row["is_unread"]:
        conversation.is_unread = True
    contact = context.contacts.get(row["from_address"])
    if conversation.contact_id is None and contact is not None:
        conversation.contact_id = contact.id
    if reopen and isinstance(conversation, Conversation) and conversation.status in REOPENABLE:
        session.add(
            AuditEvent(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                action="conversation.reopened",
                before={"status": conversation.status},
                after={"status": ConversationStatus.OPEN},
                details={"reason": "the client wrote", "gmail_id": row["gmail_id"]},
                created_at=utcnow(),
            )
        )
        conversation.status = ConversationStatus.OPEN
        conversation.snoozed_until = None
        conversation.closed_at = None


def _file(conversation: AnyConversation, *, automated: bool) -> None:
    """A conversation is automated while all its inbound mail is: the first inbound message
    decides, and a person writing in makes it ordinary work for good. Called before the
    message moves `last_inbound_at`, which is unset until the first inbound message."""
    if not automated:
        conversation.automated = False
    elif conversation.last_inbound_at is None:
        conversation.automated = True


def _is_first_response(conversation: AnyConversation, when: datetime | None) -> bool:
    return bool(
        conversation.first_response_at is None
        and conversation.last_inbound_at
        and when
        and when >= conversation.last_inbound_at
    )


def _history_status(*, in_inbox: bool, inbound: bool) -> str:
    """Imported history mirrors Gmail: archived threads are closed; in the inbox a thread the
    team answered last waits on the client (pending), otherwise it is open."""
    if not in_inbox:
        return ConversationStatus.CLOSED
    return ConversationStatus.OPEN if inbound else ConversationStatus.PENDING


def _participants(
    session: Session, conversation: AnyConversation, context: ThreadContext
) -> set[str]:
    """Everyone already on the thread; read once per conversation per batch."""
    if isinstance(conversation, NewConversation):
        return conversation.participants
    conversation_id = id_of(conversation)
    if conversation_id not in context.participants:
        rows = session.exec(
            select(Message.from_address, Message.to, Message.cc).where(
                Message.conversation_id == conversation_id
            )
        )
        found: set[str] = set()
        for sender, to, cc in rows:
            found |= {sender.lower(), *bare_addresses([*to, *cc])}
        context.participants[conversation_id] = found
    return context.participants[conversation_id]
