"""Who is on a conversation's thread, and whom a reply would reach: the team's own addresses
(never a recipient), the thread's participants, what a reply adds to the thread or leaves out,
and the composer's preview of reply-all and reply-to-sender, worked out exactly as a send is.
Reads only; it flushes nothing.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.core.errors import Invalid, NotFound, TandemError
from app.core.i18n import gettext as _
from app.core.models import Conversation, Direction, Mailbox, Message, MessageState
from gmail_sync.mime_headers import bare_address
from gmail_sync.recipients import Answered, Recipients, diff_recipients, is_own, reply_recipients

#: What a reply can answer, and what counts in the conversation's timeline.
ANSWERABLE = (MessageState.RECEIVED, MessageState.SENT)


def answered_message(
    session: Session, conversation: Conversation, answered_id: int | None
) -> Message:
    """The message a reply answers: the one asked for, else the latest inbound one, else (a
    follow-up) the team's latest sent one."""
    query = select(Message).where(
        Message.conversation_id == conversation.id,
        col(Message.duplicate_of_id).is_(None),
        col(Message.state).in_(ANSWERABLE),
    )
    if answered_id is not None:
        found = session.exec(query.where(Message.id == answered_id)).first()
        if found is None:
            raise NotFound(
                _("message %(id)s is not a received or sent message of this conversation")
                % {"id": answered_id}
            )
        return found
    latest = query.order_by(col(Message.date).desc(), col(Message.id).desc())
    inbound = session.exec(latest.where(Message.direction == Direction.INBOUND).limit(1)).first()
    found = inbound or session.exec(latest.limit(1)).first()
    if found is None:
        raise Invalid(_("the conversation has no message to answer yet"))
    return found


def own_addresses(mailbox: Mailbox) -> set[str]:
    """The mailbox's address and send-as aliases, lowercased: never a reply's recipient."""
    return {mailbox.email.lower(), *(alias.lower() for alias in mailbox.aliases)}


def team_addresses(session: Session, workspace_id: int) -> frozenset[str]:
    """The addresses of every mailbox the workspace connected, with their aliases, lowercased:
    none is ever a recipient of the team's reply, so a client who wrote to support@ and sales@
    gets one answer, without sales@ in its To."""
    addresses: set[str] = set()
    for mailbox in session.exec(select(Mailbox).where(Mailbox.workspace_id == workspace_id)):
        addresses |= own_addresses(mailbox)
    return frozenset(addresses)


def thread_participants(
    session: Session, conversation: Conversation, own: Collection[str]
) -> set[str]:
    """Everyone outside the team who wrote or was written to in the conversation (bare,
    lowercased)."""
    return _people(_thread(session, conversation), own)


def _thread(session: Session, conversation: Conversation) -> list[Message]:
    return list(
        session.exec(
            select(Message).where(
                Message.conversation_id == conversation.id,
                col(Message.duplicate_of_id).is_(None),
                col(Message.state).in_(ANSWERABLE),
            )
        )
    )


def _people(messages: Collection[Message], own: Collection[str]) -> set[str]:
    people: set[str] = set()
    for message in messages:
        people.add(message.from_address.lower())
        written = (*message.authors, *message.to, *message.cc)
        people.update(bare_address(item) for item in written)
    return {person for person in people if person and not is_own(person, own)}


def _written(message: Message) -> tuple[datetime, int]:
    return (message.date or message.created_at, message.id or 0)


def recipient_diff(
    session: Session,
    conversation: Conversation,
    recipients: Recipients,
    *,
    own: Collection[str],
    answered: Message,
) -> tuple[list[str], list[str]]:
    """(added, dropped) against the thread: `added` is whom the reply brings in that the
    thread had not reached before the answered message, so someone the client has just copied
    into an ongoing thread shows as new (on a thread's first message nobody is new: it is the
    thread); `dropped` is whom the thread reached, the answered message included, that the reply
    leaves out."""
    messages = _thread(session, conversation)
    earlier = [message for message in messages if _written(message) < _written(answered)]
    everyone = _people(messages, own)
    added, _ = diff_recipients(recipients, _people(earlier, own) if earlier else everyone)
    _, dropped = diff_recipients(recipients, everyone)
    return added, dropped


@dataclass(frozen=True)
class ReplyPreview:
    """What the composer shows before anything is typed: reply-all and reply-to-sender worked
    out exactly as a send would, and whom reply-all brings in that is new to the thread."""

    everyone: Recipients
    sender: Recipients
    new: tuple[str, ...]


def reply_preview(session: Session, conversation: Conversation) -> ReplyPreview | None:
    """None when the conversation has nothing to answer yet."""
    try:
        answered = answered_message(session, conversation, None)
    except TandemError:
        return None
    own = team_addresses(session, conversation.workspace_id)
    view = Answered.of(answered)
    everyone = reply_recipients(view, own_addresses=own, mode="all")
    sender = reply_recipients(view, own_addresses=own, mode="sender")
    new, _ = recipient_diff(session, conversation, everyone, own=own, answered=answered)
    return ReplyPreview(everyone, sender, tuple(new))
