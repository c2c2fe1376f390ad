"""One conversation as the team reads it: its messages with their attachments and its live
internal notes, and the client's other conversations.

The API's `GET /conversations/{id}`, the conversation page and the add-on card all read a
conversation here, so they cannot disagree about what it holds: mail that reached two of the
team's mailboxes shows once, and a reply cancelled in its undo window is gone (its text went
back to the composer, nothing was sent). Rows come out as they are stored, for each edge to
shape; nothing here writes.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.core.models import Attachment, Conversation, Message, MessageState, Note, id_of
from notes.notes import list_notes

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class TimelineMessage:
    message: Message
    attachments: list[Attachment]

    @property
    def at(self) -> datetime:
        """When it happened: its Date, or when Tandem stored it (a reply not sent yet)."""
        return self.message.date or self.message.created_at


@dataclass(frozen=True)
class Timeline:
    """Messages oldest first; notes with the pinned handoff first (`notes.notes.list_notes`)."""

    messages: list[TimelineMessage]
    notes: list[Note]

    def in_order(self) -> list[TimelineMessage | Note]:
        """Messages and notes interleaved in the order they happened."""
        entries: list[TimelineMessage | Note] = [*self.messages, *self.notes]
        return sorted(entries, key=_moment)


def _moment(entry: TimelineMessage | Note) -> datetime:
    return entry.at if isinstance(entry, TimelineMessage) else entry.created_at


def read_timeline(*, session: Session, conversation: Conversation) -> Timeline:
    messages = list(
        session.exec(
            select(Message)
            .where(
                Message.conversation_id == conversation.id,
                col(Message.duplicate_of_id).is_(None),
                Message.state != MessageState.CANCELLED,
            )
            .order_by(col(Message.date), col(Message.id))
        )
    )
    files: dict[int, list[Attachment]] = {}
    for attachment in session.exec(
        select(Attachment)
        .where(col(Attachment.message_id).in_([id_of(message) for message in messages]))
        .order_by(col(Attachment.id))
    ):
        files.setdefault(attachment.message_id, []).append(attachment)
    return Timeline(
        messages=[TimelineMessage(m, files.get(id_of(m), [])) for m in messages],
        notes=list_notes(session, id_of(conversation)),
    )


def contact_history(*, session: Session, conversation: Conversation) -> list[Conversation]:
    """The client's other conversations in the workspace, latest activity first (at most
    `HISTORY_LIMIT`): what an agent glances at before answering."""
    if conversation.contact_id is None:
        return []
    return list(
        session.exec(
            select(Conversation)
            .where(
                Conversation.workspace_id == conversation.workspace_id,
                Conversation.contact_id == conversation.contact_id,
                Conversation.id != conversation.id,
            )
            .order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
            .limit(HISTORY_LIMIT)
        )
    )
