"""Turns fetched Gmail messages into conversations, messages, contacts and attachment rows.

Idempotent by construction: a message already stored (same mailbox, same Gmail id) only has its
labels refreshed, so a second sync, a resumed one or a fallback full sync never duplicates a row.
It applies the conversation rules: one Gmail thread is one conversation; mail that reached two
connected mailboxes (same RFC Message-ID) is one conversation; outbound means sent by the mailbox
or one of its aliases; a person's inbound message reopens a closed, pending or snoozed
conversation; a conversation only machines wrote into is automated; a sender who was not on
the thread yet is flagged as a new participant.

It works a batch at a time (a full sync hands it 50 threads): related rows are read in a few
queries and new messages and attachments are inserted in bulk, because per-message queries and
ORM objects cost more than fetching the mail. Functions flush, never commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.core.models import (
    Attachment,
    Contact,
    Conversation,
    ConversationThread,
    Direction,
    Mailbox,
    Message,
    MessageState,
    id_of,
)
from gmail_sync.conversation_rules import (
    AnyConversation,
    NewConversation,
    ThreadContext,
    apply_message,
)
from gmail_sync.label_mirror import refresh_labels
from gmail_sync.mime import ParsedMessage, parse_gmail_message


@dataclass(frozen=True)
class Ingested:
    """One stored message; `live` when Gmail received it after the mailbox was connected, which is
    what allows automatic follow-ups (acknowledgements, SLA timers): history never fires them."""

    message_id: int
    conversation_id: int
    created: bool
    live: bool


@dataclass
class _Fresh:
    """A message Tandem has not stored yet, on its way to a row."""

    resource: dict[str, Any]
    parsed: ParsedMessage
    row: dict[str, Any] = field(default_factory=dict)
    conversation: "AnyConversation | None" = None
    original: Message | None = None
    adopt: Message | None = None
    live: bool = False


@dataclass
class _Batch:
    """What the database already holds for one batch, read in a few queries."""

    known: dict[str, Message] = field(default_factory=dict)
    links: dict[str, ConversationThread] = field(default_factory=dict)
    by_rfc_id: dict[str, list[Message]] = field(default_factory=dict)
    context: ThreadContext = field(default_factory=ThreadContext)
    thread_history: dict[str, int] = field(default_factory=dict)
    new_threads: dict[str, NewConversation] = field(default_factory=dict)


def ingest_threads(
    *, session: Session, mailbox: Mailbox, threads: Iterable[dict[str, Any]], now: datetime
) -> list[Ingested]:
    """Stores every message of the given Gmail threads (format=full), oldest first."""
    threads = list(threads)
    batch = _Batch(
        thread_history={t["id"]: int(t["historyId"]) for t in threads if t.get("historyId")}
    )
    results = _ingest(
        session, mailbox, [m for t in threads for m in t.get("messages", [])], batch, now
    )
    for thread_id, history_id in batch.thread_history.items():
        link = batch.links.get(thread_id)
        if link is not None and link.history_id != history_id:
            link.history_id = history_id
            session.add(link)
    session.flush()
    return results


def ingest_messages(
    *, session: Session, mailbox: Mailbox, messages: Iterable[dict[str, Any]], now: datetime
) -> list[Ingested]:
    """Stores single Gmail messages (format=full), as incremental sync fetches them."""
    results = _ingest(session, mailbox, list(messages), _Batch(), now)
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


def _ingest(
    session: Session,
    mailbox: Mailbox,
    resources: list[dict[str, Any]],
    batch: _Batch,
    now: datetime,
) -> list[Ingested]:
    resources = sorted(resources, key=lambda m: (int(m.get("internalDate") or 0), m["id"]))
    _read_known(session, mailbox, resources, batch)
    results: list[Ingested] = []
    fresh: list[_Fresh] = []
    for resource in resources:
        existing = batch.known.get(resource["id"])
        if existing is None:
            fresh.append(_Fresh(resource, parse_gmail_message(resource)))
        else:
            refresh_labels(session, existing, list(resource.get("labelIds", [])))
            results.append(Ingested(id_of(existing), existing.conversation_id, False, False))
    if not fresh:
        return results
    _read_related(session, mailbox, fresh, batch)
    _place(session, mailbox, fresh, batch, now)
    for item in fresh:
        _fill_row(item, mailbox, now)
        assert item.conversation is not None
        if item.row["duplicate_of_id"] is None:
            apply_message(session, item.conversation, item.row, batch.context, live=item.live)
    return results + _store(session, mailbox, fresh, batch)


def _read_known(
    session: Session, mailbox: Mailbox, resources: list[dict[str, Any]], batch: _Batch
) -> None:
    batch.context.inbox_threads |= {
        m["threadId"] for m in resources if "INBOX" in m.get("labelIds", [])
    }
    gmail_ids = [m["id"] for m in resources]
    thread_ids = list({m["threadId"] for m in resources})
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


def _read_related(session: Session, mailbox: Mailbox, fresh: list[_Fresh], batch: _Batch) -> None:
    """Messages with the same Message-IDs (copies, queued replies) and the senders' contacts."""
    rfc_ids = [item.parsed.message_id for item in fresh if item.parsed.message_id]
    if rfc_ids:
        for row in session.exec(
            select(Message).where(
                Message.workspace_id == mailbox.workspace_id,
                col(Message.rfc_message_id).in_(rfc_ids),
            )
        ):
            batch.by_rfc_id.setdefault(str(row.rfc_message_id), []).append(row)
    senders = list({item.parsed.from_address for item in fresh if item.parsed.from_address})
    if senders:
        contacts = session.exec(
            select(Contact).where(
                Contact.workspace_id == mailbox.workspace_id, col(Contact.email).in_(senders)
            )
        )
        batch.context.contacts = {contact.email: contact for contact in contacts}


def _place(
    session: Session, mailbox: Mailbox, fresh: list[_Fresh], batch: _Batch, now: datetime
) -> None:
    """Finds each message's conversation: its thread's, or the one another mailbox already
    has this email in, or a new one for the thread."""
    by_thread: dict[str, AnyConversation] = {}
    for item in fresh:
        same_id = batch.by_rfc_id.get(item.parsed.message_id or "", [])
        item.adopt = next(
            (m for m in same_id if m.mailbox_id == mailbox.id and m.gmail_id is None), None
        )
        item.original = next(
            (m for m in same_id if m.mailbox_id != mailbox.id and m.duplicate_of_id is None), None
        )
        thread_id = item.resource["threadId"]
        if thread_id not in by_thread:
            by_thread[thread_id] = _conversation_of_thread(session, mailbox, item, batch, now)
        item.conversation = by_thread[thread_id]
    if _add_contacts(session, mailbox, fresh, batch):
        session.flush()


def _conversation_of_thread(
    session: Session, mailbox: Mailbox, item: _Fresh, batch: _Batch, now: datetime
) -> AnyConversation:
    thread_id = item.resource["threadId"]
    link = batch.links.get(thread_id)
    if link is not None:
        return _conversation(session, link.conversation_id)
    if item.original is not None:
        return _conversation(session, item.original.conversation_id)
    batch.new_threads[thread_id] = NewConversation(
        workspace_id=mailbox.workspace_id,
        mailbox_id=id_of(mailbox),
        gmail_thread_id=thread_id,
        subject=item.parsed.subject,
        created_at=now,
        updated_at=now,
    )
    return batch.new_threads[thread_id]


def _conversation(session: Session, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    assert conversation is not None, "links and messages cascade-delete with their conversation"
    return conversation


def _fill_row(item: _Fresh, mailbox: Mailbox, now: datetime) -> None:
    """The message's column values, ready for a bulk insert (or to update an adopted reply)."""
    parsed, resource = item.parsed, item.resource
    labels = list(resource.get("labelIds", []))
    outbound = "SENT" in labels or parsed.from_address in {mailbox.email, *mailbox.aliases}
    conversation = item.conversation
    assert conversation is not None
    original = item.original
    date = parsed.date or _internal_date(resource) or now
    item.row = {
        "workspace_id": mailbox.workspace_id,
        "conversation_id": conversation.id,
        "mailbox_id": id_of(mailbox),
        "gmail_id": resource["id"],
        "gmail_thread_id": resource["threadId"],
        "rfc_message_id": parsed.message_id,
        "duplicate_of_id": original.id
        if original is not None and original.conversation_id == conversation.id
        else None,
        "in_reply_to": parsed.in_reply_to,
        "references": " ".join(parsed.references) or None,
        "from_address": parsed.from_address,
        "from_name": parsed.from_name,
        "reply_to": list(parsed.reply_to),
        "to": list(parsed.to),
        "cc": list(parsed.cc),
        "bcc": list(parsed.bcc),
        "mail_followup_to": list(parsed.mail_followup_to),
        "automated": parsed.automated,
        "no_auto_reply": parsed.no_auto_reply,
        "subject": parsed.subject,
        "date": date,
        "text_body": parsed.text,
        "html_body": parsed.html,
        "visible_text": parsed.visible_text,
        "quoted_text": parsed.quoted_text,
        "snippet": parsed.snippet,
        "direction": Direction.OUTBOUND if outbound else Direction.INBOUND,
        "state": MessageState.SENT if outbound else MessageState.RECEIVED,
        "label_ids": labels,
        "is_unread": "UNREAD" in labels,
        "new_participant": False,
        "parse_error": parsed.parse_error,
        "size_estimate": int(resource.get("sizeEstimate") or 0),
        "created_at": now,
    }
    received = _internal_date(resource) or date or now
    item.live = mailbox.connected_at is not None and received >= mailbox.connected_at


def _internal_date(resource: dict[str, Any]) -> datetime | None:
    millis = resource.get("internalDate")
    return datetime.fromtimestamp(int(millis) / 1000, tz=UTC) if millis else None


def _store(
    session: Session, mailbox: Mailbox, fresh: list[_Fresh], batch: _Batch
) -> list[Ingested]:
    """Inserts the new messages in one statement, then their attachments. A reply Tandem wrote
    that Gmail has although Tandem never learnt its id (the sender crashed, or sync was
    quicker) is adopted instead: the row becomes the sent message and keeps its own files.

    Ids come back matched by Gmail id, not in row order: asking SQLite for RETURNING in
    parameter order makes SQLAlchemy insert one row per statement, and so does leaving out
    NULL columns (rows with different NULLs would not share a statement): `render_nulls`."""
    _insert_conversations(session, mailbox, fresh, batch)
    inserted = [item for item in fresh if item.adopt is None]
    ids: dict[str, int] = {}
    if inserted:
        statement = insert(Message).returning(col(Message.id), col(Message.gmail_id))
        statement = statement.execution_options(render_nulls=True)
        for message_id, gmail_id in session.execute(statement, [item.row for item in inserted]):
            ids[str(gmail_id)] = int(message_id)
    for item in fresh:
        if item.adopt is not None:
            for name, value in item.row.items():
                if name != "created_at":
                    setattr(item.adopt, name, value)
            item.adopt.send_error = None
            session.add(item.adopt)
            session.flush()
            ids[item.resource["id"]] = id_of(item.adopt)
    attachments = [
        {
            "workspace_id": mailbox.workspace_id,
            "message_id": ids[item.resource["id"]],
            "filename": attachment.filename,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "gmail_attachment_id": attachment.attachment_id,
            "content_id": attachment.content_id,
            "is_inline": attachment.is_inline,
            "data": attachment.data,
        }
        for item in fresh
        if item.adopt is None
        for attachment in item.parsed.attachments
    ]
    if attachments:
        session.execute(insert(Attachment), attachments)
    return [
        Ingested(ids[item.resource["id"]], int(item.row["conversation_id"]), True, item.live)
        for item in fresh
    ]


def _insert_conversations(
    session: Session, mailbox: Mailbox, fresh: list[_Fresh], batch: _Batch
) -> None:
    """The batch's new conversations and every new thread link, in two statements."""
    drafts = list(batch.new_threads.values())
    if drafts:
        statement = insert(Conversation).returning(
            col(Conversation.id), col(Conversation.gmail_thread_id)
        )
        for conversation_id, thread_id in session.execute(statement, [d.row() for d in drafts]):
            batch.new_threads[str(thread_id)].id = int(conversation_id)
    links = {}
    for item in fresh:
        assert item.conversation is not None and item.conversation.id is not None
        item.row["conversation_id"] = item.conversation.id
        thread_id = item.resource["threadId"]
        if thread_id not in batch.links:
            links[thread_id] = {
                "workspace_id": mailbox.workspace_id,
                "conversation_id": item.conversation.id,
                "mailbox_id": id_of(mailbox),
                "gmail_thread_id": thread_id,
                "history_id": batch.thread_history.get(thread_id),
            }
    if links:
        session.execute(insert(ConversationThread), list(links.values()))


def _add_contacts(session: Session, mailbox: Mailbox, fresh: list[_Fresh], batch: _Batch) -> bool:
    """Every outside sender becomes a contact (their history is all their conversations);
    True when any was added."""
    own = {mailbox.email, *mailbox.aliases}
    added = False
    for item in fresh:
        email = item.parsed.from_address
        if email and email not in own and email not in batch.context.contacts:
            batch.context.contacts[email] = Contact(
                workspace_id=mailbox.workspace_id, email=email, name=item.parsed.from_name
            )
            session.add(batch.context.contacts[email])
            added = True
    return added
