"""Turns fetched Gmail messages into conversations, messages, contacts and attachment rows.

Idempotent by construction: a message already stored (same mailbox, same Gmail id) only has its
labels refreshed, so a second sync, a resumed one or a fallback full sync never duplicates a row.
It applies the conversation rules: one Gmail thread is one conversation; mail that reached two
connected mailboxes (same RFC Message-ID) is one conversation; outbound means sent by the mailbox
or one of its aliases; an inbound message reopens a closed, pending or snoozed conversation; a
sender who was not on the thread yet is flagged as a new participant. Functions flush, never
commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.models import (
    Attachment,
    AuditEvent,
    Contact,
    Conversation,
    ConversationStatus,
    ConversationThread,
    Direction,
    Mailbox,
    Message,
    MessageState,
    id_of,
)
from gmail_sync.mime import ParsedMessage, bare_addresses, parse_gmail_message

REOPENABLE = {ConversationStatus.CLOSED, ConversationStatus.PENDING, ConversationStatus.SNOOZED}


@dataclass(frozen=True)
class Ingested:
    """One stored message; `live` when it arrived after the mailbox was connected, which is
    what allows automatic follow-ups (acknowledgements, SLA timers): history never fires them."""

    message_id: int
    conversation_id: int
    created: bool
    live: bool


@dataclass
class _Batch:
    """What one batch of threads already has in the database, read in a few queries."""

    known: dict[str, Message] = field(default_factory=dict)
    links: dict[str, ConversationThread] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    participants: dict[int, set[str]] = field(default_factory=dict)
    inbox_threads: set[str] = field(default_factory=set)


def ingest_threads(
    *, session: Session, mailbox: Mailbox, threads: Iterable[dict[str, Any]], now: datetime
) -> list[Ingested]:
    """Stores every message of the given Gmail threads (format=full), oldest first."""
    threads = list(threads)
    messages = [m for thread in threads for m in thread.get("messages", [])]
    batch = _prefetch(session, mailbox, messages)
    results = [
        _ingest(session, mailbox, resource, batch, now) for resource in _oldest_first(messages)
    ]
    for thread in threads:
        link = batch.links.get(thread["id"])
        if link is not None and thread.get("historyId"):
            link.history_id = int(thread["historyId"])
            session.add(link)
    session.flush()
    return results


def ingest_messages(
    *, session: Session, mailbox: Mailbox, messages: Iterable[dict[str, Any]], now: datetime
) -> list[Ingested]:
    """Stores single Gmail messages (format=full), as incremental sync fetches them."""
    messages = list(messages)
    batch = _prefetch(session, mailbox, messages)
    results = [
        _ingest(session, mailbox, resource, batch, now) for resource in _oldest_first(messages)
    ]
    session.flush()
    return results


def known_thread_history(
    *, session: Session, mailbox_id: int, thread_ids: list[str]
) -> dict[str, int | None]:
    """The historyId each thread had when last synced, to skip threads that did not change."""
    query = select(ConversationThread.gmail_thread_id, ConversationThread.history_id).where(
        ConversationThread.mailbox_id == mailbox_id,
        col(ConversationThread.gmail_thread_id).in_(thread_ids),
    )
    return {thread_id: history_id for thread_id, history_id in session.exec(query)}


def _oldest_first(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(messages, key=lambda m: (int(m.get("internalDate") or 0), m["id"]))


def _prefetch(session: Session, mailbox: Mailbox, messages: list[dict[str, Any]]) -> _Batch:
    batch = _Batch()
    batch.inbox_threads = {m["threadId"] for m in messages if "INBOX" in m.get("labelIds", [])}
    gmail_ids = [m["id"] for m in messages]
    thread_ids = list({m["threadId"] for m in messages})
    if gmail_ids:
        rows = session.exec(
            select(Message).where(
                Message.mailbox_id == mailbox.id, col(Message.gmail_id).in_(gmail_ids)
            )
        )
        batch.known = {str(row.gmail_id): row for row in rows}
    if thread_ids:
        links = session.exec(
            select(ConversationThread).where(
                ConversationThread.mailbox_id == mailbox.id,
                col(ConversationThread.gmail_thread_id).in_(thread_ids),
            )
        )
        batch.links = {link.gmail_thread_id: link for link in links}
    return batch


def _ingest(
    session: Session, mailbox: Mailbox, resource: dict[str, Any], batch: _Batch, now: datetime
) -> Ingested:
    labels = list(resource.get("labelIds", []))
    existing = batch.known.get(resource["id"])
    if existing is not None:
        _refresh_labels(session, existing, labels)
        return Ingested(id_of(existing), existing.conversation_id, False, False)
    parsed = parse_gmail_message(resource)
    message = _adopt_queued_reply(session, mailbox, parsed) or Message(
        workspace_id=mailbox.workspace_id, mailbox_id=id_of(mailbox), conversation_id=0
    )
    conversation, duplicate_of = _conversation_for(session, mailbox, resource, parsed, batch, now)
    _fill_message(message, mailbox, resource, parsed, labels)
    message.conversation_id = id_of(conversation)
    message.duplicate_of_id = duplicate_of
    live = mailbox.connected_at is not None and (message.date or now) >= mailbox.connected_at
    if duplicate_of is None:
        _apply_to_conversation(session, mailbox, conversation, message, batch, live)
    session.add(message)
    session.flush()
    for attachment in parsed.attachments:
        session.add(
            Attachment(
                workspace_id=mailbox.workspace_id,
                message_id=id_of(message),
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                gmail_attachment_id=attachment.attachment_id,
                content_id=attachment.content_id,
                is_inline=attachment.is_inline,
            )
        )
    batch.known[resource["id"]] = message
    return Ingested(id_of(message), id_of(conversation), True, live)


def _refresh_labels(session: Session, message: Message, labels: list[str]) -> None:
    if message.label_ids != labels:
        message.label_ids = labels
        message.is_unread = "UNREAD" in labels
        session.add(message)


def _adopt_queued_reply(
    session: Session, mailbox: Mailbox, parsed: ParsedMessage
) -> Message | None:
    """A reply Tandem sent is already a row (stored before sending): the synced copy is that
    row, matched by its Message-ID, never a second one."""
    if not parsed.message_id:
        return None
    return session.exec(
        select(Message).where(
            Message.mailbox_id == mailbox.id,
            Message.rfc_message_id == parsed.message_id,
            col(Message.gmail_id).is_(None),
        )
    ).first()


def _fill_message(
    message: Message,
    mailbox: Mailbox,
    resource: dict[str, Any],
    parsed: ParsedMessage,
    labels: list[str],
) -> None:
    own = {mailbox.email, *mailbox.aliases}
    outbound = "SENT" in labels or parsed.from_address.lower() in own
    message.gmail_id = resource["id"]
    message.gmail_thread_id = resource["threadId"]
    message.rfc_message_id = parsed.message_id
    message.in_reply_to = parsed.in_reply_to
    message.references = " ".join(parsed.references) or None
    message.from_address = parsed.from_address.lower()
    message.from_name = parsed.from_name
    message.reply_to, message.to, message.cc, message.bcc = (
        list(parsed.reply_to),
        list(parsed.to),
        list(parsed.cc),
        list(parsed.bcc),
    )
    message.subject = parsed.subject
    message.date = parsed.date or _internal_date(resource)
    message.text_body, message.html_body = parsed.text, parsed.html
    message.visible_text, message.quoted_text = parsed.visible_text, parsed.quoted_text
    message.snippet = str(resource.get("snippet", ""))
    message.direction = Direction.OUTBOUND if outbound else Direction.INBOUND
    if message.state in (MessageState.RECEIVED, MessageState.QUEUED) and outbound:
        message.state = MessageState.SENT
    message.label_ids = labels
    message.is_unread = "UNREAD" in labels
    message.parse_error = parsed.parse_error
    message.size_estimate = int(resource.get("sizeEstimate") or 0)


def _internal_date(resource: dict[str, Any]) -> datetime | None:
    millis = resource.get("internalDate")
    return datetime.fromtimestamp(int(millis) / 1000, tz=UTC) if millis else None


def _conversation_for(
    session: Session,
    mailbox: Mailbox,
    resource: dict[str, Any],
    parsed: ParsedMessage,
    batch: _Batch,
    now: datetime,
) -> tuple[Conversation, int | None]:
    """The thread's conversation; or the one another mailbox already has this email in."""
    link = batch.links.get(resource["threadId"])
    if link is not None:
        conversation = session.get(Conversation, link.conversation_id)
        assert conversation is not None, "links cascade-delete with their conversation"
        return conversation, _copy_of(
            session, mailbox, parsed, conversation_id=link.conversation_id
        )
    original = _copy_of(session, mailbox, parsed, conversation_id=None)
    if original is not None:
        first = session.get(Message, original)
        assert first is not None
        conversation = session.get(Conversation, first.conversation_id)
        assert conversation is not None
    else:
        conversation = Conversation(
            workspace_id=mailbox.workspace_id,
            mailbox_id=id_of(mailbox),
            gmail_thread_id=resource["threadId"],
            subject=parsed.subject,
            created_at=now,
            updated_at=now,
        )
        session.add(conversation)
        session.flush()
    link = ConversationThread(
        workspace_id=mailbox.workspace_id,
        conversation_id=id_of(conversation),
        mailbox_id=id_of(mailbox),
        gmail_thread_id=resource["threadId"],
    )
    session.add(link)
    batch.links[resource["threadId"]] = link
    return conversation, original


def _copy_of(
    session: Session, mailbox: Mailbox, parsed: ParsedMessage, conversation_id: int | None
) -> int | None:
    """The id of the same email (Message-ID) already stored from another mailbox."""
    if not parsed.message_id:
        return None
    query = select(Message.id).where(
        Message.workspace_id == mailbox.workspace_id,
        Message.rfc_message_id == parsed.message_id,
        Message.mailbox_id != mailbox.id,
        col(Message.duplicate_of_id).is_(None),
    )
    if conversation_id is not None:
        query = query.where(Message.conversation_id == conversation_id)
    return session.exec(query).first()


def _apply_to_conversation(
    session: Session,
    mailbox: Mailbox,
    conversation: Conversation,
    message: Message,
    batch: _Batch,
    live: bool,
) -> None:
    when = message.date
    previous_last = conversation.last_message_at
    is_newest = when is not None and (previous_last is None or when >= previous_last)
    participants = _participants(session, conversation, batch)
    inbound = message.direction == Direction.INBOUND
    if inbound and participants and message.from_address not in participants:
        message.new_participant = True
    participants |= {message.from_address, *bare_addresses([*message.to, *message.cc])}
    conversation.message_count += 1
    if when is not None:
        conversation.first_message_at = min(filter(None, [conversation.first_message_at, when]))
        conversation.last_message_at = max(filter(None, [previous_last, when]))
    if inbound:
        _apply_inbound(session, mailbox, conversation, message, batch, is_newest)
    elif _is_first_response(conversation, when):
        assert when is not None
        conversation.first_response_at = when
        first = conversation.first_message_at or when
        conversation.first_response_seconds = int((when - first).total_seconds())
    if not live and is_newest:
        in_inbox = message.gmail_thread_id in batch.inbox_threads
        conversation.status = _history_status(in_inbox=in_inbox, inbound=inbound)
    conversation.updated_at = max(conversation.updated_at, when or conversation.updated_at)
    session.add(conversation)


def _apply_inbound(
    session: Session,
    mailbox: Mailbox,
    conversation: Conversation,
    message: Message,
    batch: _Batch,
    is_newest: bool,
) -> None:
    when = message.date
    if when is not None:
        conversation.last_inbound_at = max(filter(None, [conversation.last_inbound_at, when]))
    if message.is_unread:
        conversation.is_unread = True
    if conversation.contact_id is None:
        conversation.contact_id = id_of(_contact(session, mailbox, message, batch))
    if is_newest and conversation.status in REOPENABLE and conversation.message_count > 1:
        session.add(
            AuditEvent(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                action="conversation.reopened",
                before={"status": conversation.status},
                after={"status": ConversationStatus.OPEN},
                details={"reason": "the client wrote", "gmail_id": message.gmail_id},
            )
        )
        conversation.status = ConversationStatus.OPEN
        conversation.snoozed_until = None
        conversation.closed_at = None


def _is_first_response(conversation: Conversation, when: datetime | None) -> bool:
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


def _participants(session: Session, conversation: Conversation, batch: _Batch) -> set[str]:
    conversation_id = id_of(conversation)
    if conversation_id not in batch.participants:
        rows = session.exec(
            select(Message.from_address, Message.to, Message.cc).where(
                Message.conversation_id == conversation_id
            )
        )
        found: set[str] = set()
        for sender, to, cc in rows:
            found |= {sender.lower(), *bare_addresses([*to, *cc])}
        batch.participants[conversation_id] = found
    return batch.participants[conversation_id]


def _contact(session: Session, mailbox: Mailbox, message: Message, batch: _Batch) -> Contact:
    email = message.from_address
    if email not in batch.contacts:
        contact = session.exec(
            select(Contact).where(
                Contact.workspace_id == mailbox.workspace_id, Contact.email == email
            )
        ).first()
        if contact is None:
            contact = Contact(
                workspace_id=mailbox.workspace_id, email=email, name=message.from_name
            )
            session.add(contact)
            session.flush()
        batch.contacts[email] = contact
    return batch.contacts[email]


def apply_labels(*, session: Session, mailbox: Mailbox, labels: dict[str, list[str]]) -> None:
    """Mirrors label changes made in Gmail (read, archived, trashed) on stored messages."""
    if not labels:
        return
    rows = session.exec(
        select(Message).where(Message.mailbox_id == mailbox.id, col(Message.gmail_id).in_(labels))
    )
    touched: set[int] = set()
    for message in rows:
        _refresh_labels(session, message, labels[str(message.gmail_id)])
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
    conversation.message_count = len(messages)
    conversation.is_unread = any(m.is_unread and m.direction == Direction.INBOUND for m in messages)
    dates = [m.date for m in messages if m.date is not None]
    conversation.last_message_at = max(dates) if dates else conversation.last_message_at
    session.add(conversation)
