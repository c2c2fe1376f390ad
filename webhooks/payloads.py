"""The `data` of each event, built from the rows, so every emitter sends the same shapes.

Message payloads carry no bodies beyond the visible text and never a note; note payloads exist
only for `note.created`, which `emit` sends to internal subscriptions alone.
"""

from typing import Any

from app.core.models import Conversation, CsatRating, Message, Note, id_of


def conversation_data(
    conversation: Conversation, changes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`{"conversation": {...}}`, plus `changes` (field -> [before, after]) for updates."""
    data: dict[str, Any] = {
        "conversation": {
            "id": id_of(conversation),
            "mailbox_id": conversation.mailbox_id,
            "subject": conversation.subject,
            "status": conversation.status,
            "priority": conversation.priority,
            "assignee_id": conversation.assignee_id,
            "contact_id": conversation.contact_id,
            "tags": list(conversation.tags),
            "message_count": conversation.message_count,
            "last_message_at": conversation.last_message_at,
            "closed_at": conversation.closed_at,
        }
    }
    if changes is not None:
        data["changes"] = changes
    return data


def message_data(message: Message) -> dict[str, Any]:
    """`{"conversation_id", "message": {...}}` for message.received and message.sent."""
    return {
        "conversation_id": message.conversation_id,
        "message": {
            "id": id_of(message),
            "gmail_id": message.gmail_id,
            "direction": message.direction,
            "from": message.from_address,
            "to": list(message.to),
            "cc": list(message.cc),
            "subject": message.subject,
            "date": message.date,
            "text": message.visible_text,
            "sent_by_user_id": message.sent_by_user_id,
        },
    }


def note_data(note: Note) -> dict[str, Any]:
    """`{"conversation_id", "note": {...}}` for note.created (internal subscriptions only)."""
    return {
        "conversation_id": note.conversation_id,
        "note": {
            "id": id_of(note),
            "author_id": note.author_id,
            "kind": note.kind,
            "body": note.body,
            "mentions": list(note.mentions),
            "created_at": note.created_at,
        },
    }


def rating_data(rating: CsatRating) -> dict[str, Any]:
    """`{"conversation_id", "rating": {...}}` for csat.received: the client's own answer, so it
    goes to every subscription that asks for it. `score` is null when `solved` is false."""
    return {
        "conversation_id": rating.conversation_id,
        "rating": {
            "id": id_of(rating),
            "message_id": rating.message_id,
            "mailbox_id": rating.mailbox_id,
            "agent_id": rating.agent_id,
            "score": rating.score,
            "solved": rating.solved,
            "comment": rating.comment,
            "rated_at": rating.updated_at,
        },
    }
