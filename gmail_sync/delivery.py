"""Delivering queued replies to Gmail: the outbox job's side of a reply, once its undo window
has ended (`gmail_sync.send` queues, cancels and retries them).

Sending claims the row with a conditional UPDATE (queued -> sending), so two schedulers, or a
scheduler and a request that hands the job a reply with no undo window, never send one reply
twice; on PostgreSQL the sender also holds an advisory lock on the reply until the outcome is
stored, which tells other workers it is alive. The row learns its Gmail id from the send, which
makes the sync's copy the same row; a reply left in `sending` by a worker that died is
recovered by `gmail_sync.stalled_replies`. This module never decides who a reply goes to: it
sends the stored row as it is.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.advisory_locks import SENDING_REPLY, holding
from app.core.claims import claim
from app.core.db import session_scope
from app.core.errors import TandemError
from app.core.job_text import SEND_FAULT, said
from app.core.live import Live
from app.core.metrics import REPLIES
from app.core.models import (
    Attachment,
    Conversation,
    Mailbox,
    Message,
    MessageKind,
    MessageState,
    User,
    id_of,
    utcnow,
)
from app.core.settings import Settings
from gmail_sync.client import GmailClient, mailbox_client
from gmail_sync.compose import OutgoingAttachment, build_reply
from gmail_sync.live_mail import announce_reply
from gmail_sync.mailbox_alerts import access_refused
from gmail_sync.mailboxes import record_quota
from gmail_sync.oauth import ReauthRequired
from gmail_sync.thread_people import ANSWERABLE

logger = logging.getLogger(__name__)

#: Mail Tandem writes on its own carries these, so other robots do not answer it (RFC 3834).
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


@dataclass(frozen=True)
class SendOutcome:
    message_id: int
    sent: bool
    error: str | None = None


def send_due(*, engine: Engine, settings: Settings, now: datetime) -> list[SendOutcome]:
    """Sends every reply whose undo window has ended; replies another worker claimed first
    are left to it."""
    with session_scope(engine) as session:
        due = session.exec(
            select(Message.id)
            .where(Message.state == MessageState.QUEUED, col(Message.send_after) <= now)
            .order_by(col(Message.send_after))
            .limit(100)
        ).all()
    outcomes = (
        send_reply(engine=engine, settings=settings, message_id=message_id, now=now)
        for message_id in due
        if message_id is not None
    )
    return [outcome for outcome in outcomes if outcome is not None]


def send_reply(
    *, engine: Engine, settings: Settings, message_id: int, now: datetime
) -> SendOutcome | None:
    """Sends one queued reply if this worker wins the claim; a failure marks it failed with
    its reason, for the agent to see and send again (a dead grant also marks the mailbox for
    reconnection). Gmail's passing troubles are retried with backoff inside the client; a
    reply is never sent on its own later than the agent expects. Whatever goes wrong with one
    reply, even a fault of Tandem's, stays on that reply and never stops the ones behind it."""
    if not _claim(engine, message_id, now):
        return None
    with holding(engine, SENDING_REPLY, message_id):
        return _send_claimed(engine, settings, message_id, now)


def _send_claimed(
    engine: Engine, settings: Settings, message_id: int, now: datetime
) -> SendOutcome:
    try:
        with session_scope(engine) as session:
            outgoing = _outgoing(session, settings, message_id, now)
        with gmail_for(engine, settings, outgoing.mailbox_id, outgoing.credentials, now) as gmail:
            response = gmail.send(outgoing.raw, thread_id=outgoing.thread_id)
    except (TandemError, ValueError) as exc:  # ValueError: a header compose cannot write
        record_failure(engine, message_id, str(exc), reauth=isinstance(exc, ReauthRequired))
        logger.warning("reply not sent", extra={"message_id": message_id, "error": str(exc)})
        REPLIES.labels("failed").inc()
        return SendOutcome(message_id, False, str(exc))
    except Exception as exc:  # a fault of this row's: recorded on it, the next one goes on
        logger.exception("reply not sent", extra={"message_id": message_id})
        error = said(SEND_FAULT, error=f"{type(exc).__name__}: {exc}")
        record_failure(engine, message_id, error, reauth=False)
        REPLIES.labels("failed").inc()
        return SendOutcome(message_id, False, error)
    with session_scope(engine) as session:
        record_sent(session=session, message_id=message_id, response=response, now=now)
    REPLIES.labels("sent").inc()
    return SendOutcome(message_id, True)


def _claim(engine: Engine, message_id: int, now: datetime) -> bool:
    with session_scope(engine) as session:
        claimed = claim(
            session,
            Message,
            col(Message.id) == message_id,
            col(Message.state) == MessageState.QUEUED,
            values={"state": MessageState.SENDING, "send_after": now},
        )
        return bool(claimed)


@dataclass(frozen=True)
class _Outgoing:
    mailbox_id: int
    credentials: str | None
    thread_id: str | None
    raw: bytes


def _outgoing(session: Session, settings: Settings, message_id: int, now: datetime) -> _Outgoing:
    message = session.get(Message, message_id)
    assert message is not None, "a claimed reply exists"
    mailbox = session.get(Mailbox, message.mailbox_id)
    assert mailbox is not None, "a message's mailbox cascades with it"
    author = session.get(User, message.sent_by_user_id) if message.sent_by_user_id else None
    attachments = session.exec(select(Attachment).where(Attachment.message_id == message_id))
    raw = build_reply(
        from_address=message.from_address,
        from_name=message.from_name,
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        subject=message.subject,
        message_id=str(message.rfc_message_id),
        in_reply_to=message.in_reply_to,
        references=(message.references or "").split(),
        body_text=message.text_body,
        body_html=message.html_body,
        signature=author.signature if author and message.kind != MessageKind.AUTO_ACK else "",
        attachments=[
            OutgoingAttachment(item.filename, item.content_type, item.data or b"")
            for item in attachments
        ],
        date=now,
        extra_headers=AUTOMATIC_HEADERS if message.kind == MessageKind.AUTO_ACK else {},
    )
    return _Outgoing(id_of(mailbox), mailbox.credentials_encrypted, message.gmail_thread_id, raw)


@contextmanager
def gmail_for(
    engine: Engine, settings: Settings, mailbox_id: int, credentials: str | None, now: datetime
) -> Iterator[GmailClient]:
    """A Gmail client for a few calls outside any transaction; afterwards refreshed tokens
    and the quota spent are kept on the mailbox."""
    client = mailbox_client(credentials, settings)
    try:
        yield client
    finally:
        client.close()
        with session_scope(engine) as session:
            mailbox = session.get(Mailbox, mailbox_id)
            if mailbox is not None:
                record_quota(mailbox=mailbox, units=client.units_spent, now=now)
                mailbox.credentials_encrypted = (
                    client.resealed(settings) or mailbox.credentials_encrypted
                )


def record_failure(engine: Engine, message_id: int, error: str, *, reauth: bool) -> None:
    with session_scope(engine) as session:
        message = session.get(Message, message_id)
        if message is None:
            return
        message.state, message.send_error = MessageState.FAILED, error
        announce_reply(session, message, Live.REPLY_FAILED)
        if reauth:
            mailbox = session.get(Mailbox, message.mailbox_id)
            if mailbox is not None:
                access_refused(session=session, mailbox=mailbox, reason=error, now=utcnow())


def record_sent(
    *, session: Session, message_id: int, response: dict[str, object], now: datetime
) -> Message:
    """The reply is in Gmail: it takes Gmail's ids (so the sync's copy is this row) and counts
    in the conversation, as its first response when it is the team's first reply."""
    message = session.get(Message, message_id)
    assert message is not None, "a sent reply exists"
    message.gmail_id = str(response["id"])
    message.gmail_thread_id = str(response.get("threadId") or message.gmail_thread_id)
    labels = response.get("labelIds")
    message.label_ids = [str(label) for label in labels] if isinstance(labels, list) else ["SENT"]
    message.state, message.send_error, message.date = MessageState.SENT, None, now
    session.add(message)
    conversation = session.get(Conversation, message.conversation_id)
    assert conversation is not None, "messages cascade with their conversation"
    conversation.message_count = _timeline_count(session, id_of(conversation))
    conversation.last_message_at = max(conversation.last_message_at or now, now)
    if message.kind == MessageKind.REPLY and conversation.first_response_at is None:
        conversation.first_response_at = now
        started = conversation.first_message_at or now
        conversation.first_response_seconds = int((now - started).total_seconds())
    conversation.updated_at = now
    session.add(conversation)
    session.flush()
    announce_reply(session, message, Live.REPLY_SENT)
    return message


def _timeline_count(session: Session, conversation_id: int) -> int:
    return len(
        session.exec(
            select(Message.id).where(
                Message.conversation_id == conversation_id,
                col(Message.duplicate_of_id).is_(None),
                col(Message.state).in_(ANSWERABLE),
            )
        ).all()
    )
