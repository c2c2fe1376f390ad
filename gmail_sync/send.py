"""Replies on Tandem's side: stored as outbound messages the moment an agent sends them, with
their recipients worked out from the message they answer, cancelled inside their undo window or
queued again after a failure. `gmail_sync.delivery` sends them to Gmail when they are due; this
module never talks to Gmail.

A reply is a `Message` row from the start (state queued), so nothing typed is lost: a cancelled
reply keeps its text, a failed one stays visible with Gmail's reason and can be sent again.
Cancelling claims the row (queued -> cancelled) as sending does (queued -> sending), so a reply
is either cancelled or sent, never both.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Session, col

from app.core.claims import claim
from app.core.db import get_scoped
from app.core.errors import Conflict, Invalid, NotFound
from app.core.i18n import gettext as _
from app.core.labels import message_state_label
from app.core.live import Live
from app.core.models import (
    Attachment,
    AuditEvent,
    Conversation,
    Direction,
    Mailbox,
    Message,
    MessageKind,
    MessageState,
    User,
    id_of,
)
from gmail_sync.compose import OutgoingAttachment, make_message_id, reply_references, reply_subject
from gmail_sync.html_text import sanitize_html
from gmail_sync.live_mail import announce_reply
from gmail_sync.mime_headers import bare_address
from gmail_sync.recipients import (
    Answered,
    Recipients,
    reply_from,
    reply_recipients,
)
from gmail_sync.thread_people import answered_message, recipient_diff, team_addresses

#: Gmail refuses messages over 35 MB; attachments grow by a third in base64.
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class ReplyRequest:
    body_text: str
    body_html: str | None = None
    mode: Literal["all", "sender"] = "all"
    reason: str | None = None
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()
    exclude: Sequence[str] = ()
    attachments: Sequence[OutgoingAttachment] = ()
    answered_id: int | None = None
    kind: MessageKind = MessageKind.REPLY


@dataclass(frozen=True)
class QueuedReply:
    message: Message
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def queue_reply(
    *,
    session: Session,
    conversation: Conversation,
    author: User | None,
    request: ReplyRequest,
    now: datetime,
    delay: timedelta,
) -> QueuedReply:
    """Stores the reply (state queued, to be sent at `now + delay`) with its recipients worked
    out from the answered message; mode "sender" is audited with whom it leaves out, and so
    is every address the agent removed (`exclude`)."""
    audited = request.mode == "sender" and request.kind == MessageKind.REPLY
    if audited and not (request.reason or "").strip():
        raise Invalid(_("a reply to the sender only needs a reason: who is dropped, and why"))
    if not request.body_text.strip() and not (request.body_html or "").strip():
        raise Invalid(_("the reply is empty"))
    if sum(len(item.data) for item in request.attachments) > MAX_ATTACHMENT_BYTES:
        raise Invalid(_("attachments are larger than 25 MB in all, which Gmail refuses"))
    answered = answered_message(session, conversation, request.answered_id)
    mailbox = session.get(Mailbox, answered.mailbox_id)
    assert mailbox is not None, "a message's mailbox cascades with it"
    own = team_addresses(session, conversation.workspace_id)
    recipients, bcc = _recipients(own, answered, request)
    added, dropped = recipient_diff(session, conversation, recipients, own=own, answered=answered)
    message = _reply_row(mailbox, answered, author, request, now)
    message.to, message.cc, message.bcc = list(recipients.to), list(recipients.cc), bcc
    message.send_after = now + delay
    session.add(message)
    session.flush()
    for item in request.attachments:
        session.add(_attachment_row(message, item))
    if audited:
        session.add(_sender_only_event(message, author, recipients, request, now))
    if recipients.removed:
        session.add(_removed_event(message, author, recipients, now))
    session.flush()
    announce_reply(session, message, Live.REPLY_QUEUED)
    return QueuedReply(message, added, dropped)


def _recipients(
    own: frozenset[str], answered: Message, request: ReplyRequest
) -> tuple[Recipients, list[str]]:
    """Reply-all (or sender) recipients without the removed ones, plus the request's extra Cc,
    and the Bcc; an address is never listed twice."""
    view = Answered.of(answered)
    if request.exclude:
        _check_removable(view, own, request.exclude)
    computed = reply_recipients(view, own_addresses=own, mode=request.mode, exclude=request.exclude)
    if computed.removed and not computed.to:
        raise Invalid(
            _(
                "nobody left to send to: the reply has no To recipient once %(removed)s are "
                "removed; keep at least one of the people it answers"
            )
            % {"removed": ", ".join(computed.removed)}
        )
    taken = {bare_address(item) for item in (*computed.to, *computed.cc)}
    extra_cc = _new_addresses(request.cc, taken)
    taken.update(bare_address(item) for item in extra_cc)
    to, cc = list(computed.to), [*computed.cc, *extra_cc]
    if not to and cc:
        to, cc = cc[:1], cc[1:]
    if not to:
        raise Invalid(
            _("nobody to reply to: the answered message has no recipient outside this mailbox")
        )
    recipients = Recipients(tuple(to), tuple(cc), computed.dropped, computed.removed)
    return recipients, _new_addresses(request.bcc, taken)


def _check_removable(view: Answered, own: frozenset[str], exclude: Sequence[str]) -> None:
    """Only someone reply-all would reach can be removed: anything else is a typo or a stale
    page, and silently ignoring it would let the agent believe someone was left out."""
    everyone = reply_recipients(view, own_addresses=own, mode="all")
    reachable = {bare_address(person) for person in (*everyone.to, *everyone.cc)}
    unknown = [address for address in exclude if bare_address(address) not in reachable]
    if unknown:
        raise Invalid(
            _("cannot remove %(unknown)s: not a recipient of this reply (it goes to %(reachable)s)")
            % {
                "unknown": ", ".join(unknown),
                "reachable": ", ".join(sorted(reachable)) or _("nobody"),
            }
        )


def _new_addresses(addresses: Sequence[str], taken: set[str]) -> list[str]:
    fresh: list[str] = []
    for address in addresses:
        bare = bare_address(address)
        if bare and bare not in taken:
            taken.add(bare)
            fresh.append(address)
    return fresh


def _reply_row(
    mailbox: Mailbox, answered: Message, author: User | None, request: ReplyRequest, now: datetime
) -> Message:
    view = Answered.of(answered)
    from_name = author.name if author and author.name and mailbox.use_agent_name else ""
    return Message(
        workspace_id=mailbox.workspace_id,
        conversation_id=answered.conversation_id,
        mailbox_id=id_of(mailbox),
        gmail_thread_id=answered.gmail_thread_id,
        rfc_message_id=make_message_id(mailbox.email.rsplit("@", 1)[-1]),
        in_reply_to=answered.rfc_message_id,
        references=" ".join(reply_references(view)) or None,
        from_address=reply_from(view, mailbox_email=mailbox.email, aliases=mailbox.aliases),
        from_name=from_name or mailbox.display_name,
        subject=reply_subject(answered.subject),
        date=now,
        text_body=request.body_text,
        html_body=sanitize_html(request.body_html) if request.body_html else None,
        visible_text=request.body_text,
        snippet=" ".join(request.body_text.split())[:200],
        direction=Direction.OUTBOUND,
        state=MessageState.QUEUED,
        kind=request.kind,
        sent_by_user_id=author.id if author else None,
        reply_mode=request.mode,
        created_at=now,
    )


def _attachment_row(message: Message, item: OutgoingAttachment) -> Attachment:
    return Attachment(
        workspace_id=message.workspace_id,
        message_id=id_of(message),
        filename=item.filename,
        content_type=item.content_type,
        size=len(item.data),
        data=item.data,
    )


def _sender_only_event(
    message: Message,
    author: User | None,
    recipients: Recipients,
    request: ReplyRequest,
    now: datetime,
) -> AuditEvent:
    return AuditEvent(
        workspace_id=message.workspace_id,
        conversation_id=message.conversation_id,
        actor_id=author.id if author else None,
        action="reply.sender_only",
        details={
            "message_id": message.id,
            "to": list(recipients.to),
            "dropped": list(recipients.dropped),
            "reason": (request.reason or "").strip(),
        },
        created_at=now,
    )


def _removed_event(
    message: Message, author: User | None, recipients: Recipients, now: datetime
) -> AuditEvent:
    """Who the agent struck from a reply-all, recorded like a reply to the sender only: the
    practice is to keep everyone in copy, so leaving someone out is a choice on record."""
    return AuditEvent(
        workspace_id=message.workspace_id,
        conversation_id=message.conversation_id,
        actor_id=author.id if author else None,
        action="reply.recipients_removed",
        details={
            "message_id": message.id,
            "to": list(recipients.to),
            "cc": list(recipients.cc),
            "removed": list(recipients.removed),
        },
        created_at=now,
    )


def cancel_reply(*, session: Session, message: Message, actor: User, now: datetime) -> None:
    """Stops a reply inside its undo window; its text stays, so the agent can reuse it."""
    cancelled = claim(
        session,
        Message,
        col(Message.id) == message.id,
        col(Message.state) == MessageState.QUEUED,
        values={"state": MessageState.CANCELLED},
    )
    if not cancelled:
        session.refresh(message)
        raise Conflict(
            _("the reply is already %(state)s: it can no longer be cancelled")
            % {"state": message_state_label(message.state)}
        )
    session.refresh(message)
    session.add(
        AuditEvent(
            workspace_id=message.workspace_id,
            conversation_id=message.conversation_id,
            actor_id=actor.id,
            action="reply.cancelled",
            details={"message_id": message.id},
            created_at=now,
        )
    )
    session.flush()
    announce_reply(session, message, Live.REPLY_CANCELLED)


def outgoing_message(session: Session, message_id: int, workspace_id: int) -> Message:
    """One of the workspace's replies (404 for anything else, a received message included)."""
    message = get_scoped(session, Message, message_id, workspace_id)
    if message.direction != Direction.OUTBOUND or message.kind is None:
        raise NotFound(_("outgoing message %(id)s not found") % {"id": message_id})
    return message


def retry_reply(*, session: Session, message: Message, now: datetime) -> None:
    """Queues a failed reply again, to be sent at once."""
    if message.state != MessageState.FAILED:
        raise Conflict(
            _("only a failed reply can be sent again; this one is %(state)s")
            % {"state": message_state_label(message.state)}
        )
    message.state, message.send_after, message.send_error = MessageState.QUEUED, now, None
    session.add(message)
    session.flush()
    announce_reply(session, message, Live.REPLY_QUEUED)
