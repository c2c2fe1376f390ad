"""Notes on a conversation: writing, editing with history, soft deletion and restoring.

Rules: only the author edits a note (an admin neither, so nobody puts words in a colleague's
mouth); the author or an admin deletes; only an admin restores; a deleted note is invisible to
everyone but admins. The newest live handoff note of a conversation is its pinned one. Every
change is an AuditEvent naming the note, never its text, and so is the live event that tells
the team's open tabs. Functions flush, never commit.
"""

from datetime import datetime

from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.i18n import gettext as _
from app.core.i18n import number
from app.core.live import Live, publish
from app.core.models import (
    AuditEvent,
    Conversation,
    Note,
    NoteKind,
    NoteRevision,
    Role,
    User,
    id_of,
)
from notes.markup import find_mentions
from notes.mentions import notify_mentioned, resolve_mentions

MAX_BODY = 20_000


def create_note(
    *,
    session: Session,
    conversation: Conversation,
    author: User,
    body: str,
    kind: NoteKind = NoteKind.NOTE,
    now: datetime,
) -> Note:
    """Refuses a bad body or mention before anything is stored; a handoff note is pinned in
    place of the previous one."""
    _check_body(body)
    mentioned = resolve_mentions(
        session, workspace_id=conversation.workspace_id, mentions=find_mentions(body)
    )
    note = Note(
        workspace_id=conversation.workspace_id,
        conversation_id=id_of(conversation),
        author_id=id_of(author),
        kind=kind,
        body=body,
        mentions=[id_of(user) for user in mentioned],
        created_at=now,
    )
    session.add(note)
    session.flush()
    if kind == NoteKind.HANDOFF:
        _pin_newest_handoff(session, note.conversation_id)
    notify_mentioned(
        session, note=note, users=mentioned, author=author, subject=conversation.subject, now=now
    )
    _audit(session, note, author, "note.created", now)
    return note


def edit_note(*, session: Session, note: Note, editor: User, body: str, now: datetime) -> Note:
    """Keeps the previous body as a revision; only people newly mentioned are notified."""
    if note.author_id != editor.id:
        raise Forbidden(_("only the note's author may edit it"))
    if note.deleted_at is not None:
        raise Conflict(_("note %(id)s is deleted: restore it first") % {"id": note.id})
    _check_body(body)
    if body == note.body:
        return note
    mentioned = resolve_mentions(
        session, workspace_id=note.workspace_id, mentions=find_mentions(body)
    )
    session.add(
        NoteRevision(
            workspace_id=note.workspace_id,
            note_id=id_of(note),
            body=note.body,
            edited_by_id=editor.id,
            created_at=now,
        )
    )
    newly = [user for user in mentioned if user.id not in note.mentions]
    note.body, note.edited_at = body, now
    note.mentions = [id_of(user) for user in mentioned]
    session.add(note)
    conversation = session.get(Conversation, note.conversation_id)
    subject = conversation.subject if conversation is not None else ""
    notify_mentioned(session, note=note, users=newly, author=editor, subject=subject, now=now)
    _audit(session, note, editor, "note.edited", now)
    return note


def delete_note(*, session: Session, note: Note, actor: User, now: datetime) -> None:
    """Soft: the text stays for an admin to restore. Deleting a deleted note changes nothing."""
    if note.author_id != actor.id and actor.role != Role.ADMIN:
        raise Forbidden(_("only the note's author or an admin may delete it"))
    if note.deleted_at is not None:
        return
    note.deleted_at, note.deleted_by_id = now, actor.id
    session.add(note)
    session.flush()
    if note.kind == NoteKind.HANDOFF:
        _pin_newest_handoff(session, note.conversation_id)
    _audit(session, note, actor, "note.deleted", now)


def restore_note(*, session: Session, note: Note, actor: User, now: datetime) -> Note:
    """Admins only; restoring a live note changes nothing."""
    if actor.role != Role.ADMIN:
        raise Forbidden(_("only an admin may restore a deleted note"))
    if note.deleted_at is None:
        return note
    note.deleted_at, note.deleted_by_id = None, None
    session.add(note)
    session.flush()
    if note.kind == NoteKind.HANDOFF:
        _pin_newest_handoff(session, note.conversation_id)
    _audit(session, note, actor, "note.restored", now)
    return note


def visible_note(session: Session, note_id: int, viewer: User) -> Note:
    """The note if `viewer` may see it: of their workspace, and live unless they are an admin."""
    note = get_scoped(session, Note, note_id, viewer.workspace_id)
    if note.deleted_at is not None and viewer.role != Role.ADMIN:
        raise NotFound(_("note %(id)s not found") % {"id": note_id})
    return note


def list_notes(
    session: Session, conversation_id: int, *, include_deleted: bool = False
) -> list[Note]:
    """The pinned handoff first, then the rest in the order they were written."""
    query = select(Note).where(Note.conversation_id == conversation_id)
    if not include_deleted:
        query = query.where(col(Note.deleted_at).is_(None))
    rows = session.exec(query.order_by(col(Note.created_at), col(Note.id))).all()
    return sorted(rows, key=lambda note: not note.is_pinned)


def note_revisions(session: Session, note: Note) -> list[NoteRevision]:
    """Earlier bodies of the note, the most recent first."""
    return list(
        session.exec(
            select(NoteRevision)
            .where(NoteRevision.note_id == note.id)
            .order_by(col(NoteRevision.created_at).desc(), col(NoteRevision.id).desc())
        )
    )


def note_texts(session: Session, conversation_id: int) -> list[str]:
    """The bodies of the conversation's live notes, oldest first: what a reply must not repeat."""
    return list(
        session.exec(
            select(Note.body)
            .where(Note.conversation_id == conversation_id, col(Note.deleted_at).is_(None))
            .order_by(col(Note.created_at), col(Note.id))
        )
    )


def _check_body(body: str) -> None:
    if not body.strip():
        raise Invalid(_("a note's body must not be blank"))
    if len(body) > MAX_BODY:
        raise Invalid(
            _("a note's body is at most %(most)s characters (this one has %(count)s)")
            % {"most": number(MAX_BODY), "count": number(len(body))}
        )


def _pin_newest_handoff(session: Session, conversation_id: int) -> None:
    """Recomputed from the rows after every handoff change, so the pin can never drift."""
    handoffs = session.exec(
        select(Note)
        .where(Note.conversation_id == conversation_id, Note.kind == NoteKind.HANDOFF)
        .order_by(col(Note.created_at), col(Note.id))
    ).all()
    live = [note for note in handoffs if note.deleted_at is None]
    newest = live[-1] if live else None
    for note in handoffs:
        if note.is_pinned != (note is newest):
            note.is_pinned = note is newest
            session.add(note)
    session.flush()


def _audit(session: Session, note: Note, actor: User, action: str, now: datetime) -> None:
    session.add(
        AuditEvent(
            workspace_id=note.workspace_id,
            conversation_id=note.conversation_id,
            actor_id=actor.id,
            action=action,
            details={"note_id": id_of(note), "kind": note.kind},
            created_at=now,
        )
    )
    session.flush()
    data = {"note_id": id_of(note), "kind": note.kind, "author_id": note.author_id}
    publish(
        session,
        workspace_id=note.workspace_id,
        kind=Live(action),
        conversation_id=note.conversation_id,
        data=data,
    )
