"""`/api/v1/conversations/{id}/notes` and `/api/v1/notes/{id}`: internal notes, their edit
history, soft deletion and restoring.

The rules (who may edit, delete, restore; mentions; the pinned handoff) live in `notes.notes`;
adding a note, which also announces `note.created` to internal webhooks, is
`inbox.note_taking.add_note`, as for the web composer and the add-on. This module maps HTTP.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from app.core.db import get_scoped
from app.core.errors import Forbidden
from app.core.i18n import gettext as _
from app.core.models import Conversation, Note, NoteKind, NoteRevision, Role, User, id_of, utcnow
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep
from inbox import note_taking
from notes.markup import render_note
from notes.notes import (
    MAX_BODY,
    delete_note,
    edit_note,
    list_notes,
    note_revisions,
    restore_note,
    visible_note,
)

router = APIRouter(tags=["notes"])

BODY_EXAMPLE = (
    "Refund approved by @anna@acme.example; see the [policy](https://acme.example/refunds)."
)
BODY_DESCRIPTION = (
    f"Markdown-lite (links, lists, code, emphasis; HTML is shown as text), at most {MAX_BODY:,} "
    'characters, not blank. Mentions: `@anna@acme.example`, `@"Anna Petrova"` or `@Anna`.'
)
NOTE_EXAMPLE: dict[str, Any] = {
    "id": 7,
    "conversation_id": 42,
    "author_id": 3,
    "kind": "note",
    "body": "Refund approved by @anna@acme.example.",
    "html": '<p>Refund approved by <span class="mention">@anna@acme.example</span>.</p>\n',
    "mentions": [5],
    "is_pinned": False,
    "created_at": "2026-11-20T09:30:00Z",
    "edited_at": None,
    "deleted_at": None,
    "deleted_by_id": None,
}


class NoteIn(BaseModel):
    """`body` defaults to empty only so that a conversation of another workspace answers 404
    before the body is judged; a blank body is refused with 422."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"body": BODY_EXAMPLE},
                {"body": "Client wants a call on Monday; invoice #114 is paid.", "kind": "handoff"},
            ]
        },
    )

    body: str = Field(default="", max_length=MAX_BODY, description=BODY_DESCRIPTION)
    kind: NoteKind = Field(
        default=NoteKind.NOTE,
        description="`handoff` is a summary for the next owner, pinned on top in place of the "
        "previous one.",
    )


class NotePatchIn(BaseModel):
    """Only the author edits; the previous body is kept as a revision."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"body": "Paid."}]})

    body: str | None = Field(default=None, max_length=MAX_BODY, description=BODY_DESCRIPTION)


class NoteOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [NOTE_EXAMPLE]})

    id: int
    conversation_id: int
    author_id: int | None
    kind: str
    body: str = Field(description="The text as written.")
    html: str = Field(description="The body rendered and sanitized; mentions are highlighted.")
    mentions: list[int] = Field(description="Ids of the users mentioned.")
    is_pinned: bool
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    deleted_by_id: int | None


class RevisionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "note_id": 7,
                    "body": "Refund approved.",
                    "html": "<p>Refund approved.</p>\n",
                    "edited_by_id": 3,
                    "created_at": "2026-11-20T10:00:00Z",
                }
            ]
        }
    )

    id: int
    note_id: int
    body: str = Field(description="The note's body before the edit made at `created_at`.")
    html: str
    edited_by_id: int | None
    created_at: datetime


def note_out(note: Note) -> NoteOut:
    return NoteOut(**note.model_dump(), html=render_note(note.body))


def revision_out(revision: NoteRevision) -> RevisionOut:
    return RevisionOut(**revision.model_dump(), html=render_note(revision.body))


def _admin_only(user: User, include_deleted: bool) -> None:
    if include_deleted and user.role != Role.ADMIN:
        raise Forbidden(_("only an admin may list deleted notes"))


@router.post("/conversations/{id}/notes", status_code=status.HTTP_201_CREATED)
def add_note(id: int, body: NoteIn, user: CurrentUser, session: SessionDep) -> NoteOut:
    """Mentioned teammates are notified; a mention of anyone outside the workspace, or an
    ambiguous one, is a 422 and nothing is stored."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    now = utcnow()
    note = note_taking.add_note(
        session=session,
        conversation=conversation,
        author=user,
        body=body.body,
        kind=body.kind,
        now=now,
    )
    return note_out(note)


@router.get("/conversations/{id}/notes", operation_id="listNotes")
def read_notes(
    id: int,
    user: CurrentUser,
    session: SessionDep,
    include_deleted: Annotated[bool, Query(description="Admins only: deleted notes too.")] = False,
) -> list[NoteOut]:
    """The pinned handoff note first, then every other note in the order written."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    _admin_only(user, include_deleted)
    notes = list_notes(session, id_of(conversation), include_deleted=include_deleted)
    return [note_out(note) for note in notes]


@router.get("/notes/{id}")
def read_note(id: int, user: CurrentUser, session: SessionDep) -> NoteOut:
    return note_out(visible_note(session, id, user))


@router.patch("/notes/{id}")
def change_note(id: int, body: NotePatchIn, user: CurrentUser, session: SessionDep) -> NoteOut:
    """The author only (an admin neither); each edit keeps the previous body as a revision."""
    note = visible_note(session, id, user)
    if body.body is not None:
        edit_note(session=session, note=note, editor=user, body=body.body, now=utcnow())
    return note_out(note)


@router.get("/notes/{id}/revisions", operation_id="listNoteRevisions")
def read_revisions(id: int, user: CurrentUser, session: SessionDep) -> list[RevisionOut]:
    """Earlier bodies, the most recent first."""
    note = visible_note(session, id, user)
    return [revision_out(revision) for revision in note_revisions(session, note)]


@router.delete("/notes/{id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_note(id: int, user: CurrentUser, session: SessionDep) -> Response:
    """Soft: the author or an admin deletes, an admin can restore."""
    note = visible_note(session, id, user)
    delete_note(session=session, note=note, actor=user, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/notes/{id}/restore", operation_id="restoreNote")
def restore(id: int, admin: AdminUser, session: SessionDep) -> NoteOut:
    """Admins only."""
    note = visible_note(session, id, admin)
    restore_note(session=session, note=note, actor=admin, now=utcnow())
    return note_out(note)
