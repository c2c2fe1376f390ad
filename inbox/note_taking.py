"""Adding an internal note to a conversation: the one use case behind the API, the web
composer and the add-on. `notes` stores the note and notifies whoever it mentions; announcing
`note.created` (to internal webhooks only) happens here, because `notes` may not import
`webhooks`. Nothing here can reach outgoing mail."""

from datetime import datetime

from sqlmodel import Session

from app.core.models import Conversation, Note, NoteKind, User
from notes.notes import create_note
from webhooks.events import note_created


def add_note(
    *,
    session: Session,
    conversation: Conversation,
    author: User,
    body: str,
    kind: NoteKind = NoteKind.NOTE,
    now: datetime,
) -> Note:
    """Refuses a bad body or mention before anything is stored (`notes.notes.create_note`)."""
    note = create_note(
        session=session, conversation=conversation, author=author, body=body, kind=kind, now=now
    )
    note_created(session=session, note=note, now=now)
    return note
