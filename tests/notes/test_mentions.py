"""Mentions in notes: who each form names, refusals that store nothing, and who is notified
(never the author, and after an edit only the newly mentioned)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.errors import Invalid
from app.core.models import Conversation, Note, NoteKind, Notification, User
from notes.notes import create_note, delete_note, edit_note, note_texts
from tests.app.api.test_notes import rename, seed_conversation
from tests.conftest import Member, Team

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def staff(engine: Engine, team: Team, admin: Member) -> dict[str, Member]:
    """Two Annas (so "@anna" is ambiguous), Boris, and the admin renamed Olga."""
    people = {
        "petrova": ("anna.p@acme.test", "Anna Petrova"),
        "kuznetsova": ("anna.k@acme.test", "Anna Kuznetsova"),
        "boris": ("boris@acme.test", "Boris Ivanov"),
    }
    staff = {}
    for key, (email, name) in people.items():
        staff[key] = team.member(admin.workspace_id, email)
        rename(engine, staff[key], name)
    rename(engine, admin, "Olga Admin")
    return staff


def write(engine: Engine, author: Member, body: str, conversation_id: int) -> Note:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        user = session.get(User, author.user_id)
        assert conversation is not None and user is not None
        return create_note(
            session=session, conversation=conversation, author=user, body=body, now=NOW
        )


def notified(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as session:
        rows = session.exec(select(Notification).order_by(col(Notification.id)))
        return [(row.user_id, row.text) for row in rows]


def test_each_form_names_one_member(
    engine: Engine, admin: Member, staff: dict[str, Member]
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id, subject="Invoice #114")
    note = write(engine, admin, '@BORIS, @"anna petrova" and @Anna.K@Acme.test', conversation)
    ids = [staff[key].user_id for key in ("boris", "petrova", "kuznetsova")]
    assert note.mentions == ids
    assert notified(engine) == [
        (user_id, "Olga Admin mentioned you in a note on “Invoice #114”") for user_id in ids
    ]


def test_an_ambiguous_name_is_refused_naming_the_candidates(
    engine: Engine, admin: Member, staff: dict[str, Member]
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    with pytest.raises(Invalid) as refused:
        write(engine, admin, "@anna, please", conversation)
    assert str(refused.value) == (
        "@anna is ambiguous (Anna Petrova <anna.p@acme.test>, "
        "Anna Kuznetsova <anna.k@acme.test>): mention by email"
    )
    with Session(engine) as session:
        assert session.exec(select(Note)).all() == []
    assert notified(engine) == []


def test_a_full_name_beats_a_first_name(
    engine: Engine, team: Team, admin: Member, staff: dict[str, Member]
) -> None:
    just_anna = team.member(admin.workspace_id, "anna@acme.test")
    rename(engine, just_anna, "Anna")
    conversation = seed_conversation(engine, admin.workspace_id)
    assert write(engine, admin, "@anna", conversation).mentions == [just_anna.user_id]


def test_every_problem_is_named_at_once_and_inactive_users_are_outside(
    engine: Engine, admin: Member, staff: dict[str, Member]
) -> None:
    with session_scope(engine) as session:
        boris = session.get(User, staff["boris"].user_id)
        assert boris is not None
        boris.is_active = False
    conversation = seed_conversation(engine, admin.workspace_id)
    with pytest.raises(Invalid) as refused:
        write(engine, admin, "@Boris and @Zoe", conversation)
    assert str(refused.value) == (
        "@Boris is not a member of this workspace; @Zoe is not a member of this workspace"
    )


def test_mentioning_oneself_notifies_nobody(
    engine: Engine, admin: Member, staff: dict[str, Member]
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    note = write(engine, admin, "reminder to @Olga: call back", conversation)
    assert note.mentions == [admin.user_id]
    assert notified(engine) == []


def test_an_edit_notifies_only_the_newly_mentioned(
    engine: Engine, admin: Member, staff: dict[str, Member]
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    note = write(engine, admin, "@Boris check this", conversation)
    with session_scope(engine) as session:
        row, editor = session.get(Note, note.id), session.get(User, admin.user_id)
        assert row is not None and editor is not None
        edit_note(
            session=session,
            note=row,
            editor=editor,
            body='@Boris and @"Anna Petrova" check this',
            now=NOW,
        )
        assert row.mentions == [staff["boris"].user_id, staff["petrova"].user_id]
    assert [user_id for user_id, _ in notified(engine)] == [
        staff["boris"].user_id,
        staff["petrova"].user_id,
    ]


def test_note_texts_are_the_live_bodies_in_order(engine: Engine, admin: Member) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    first = write(engine, admin, "first", conversation)
    write(engine, admin, "second", conversation)
    with session_scope(engine) as session:
        row, actor = session.get(Note, first.id), session.get(User, admin.user_id)
        assert row is not None and actor is not None
        delete_note(session=session, note=row, actor=actor, now=NOW)
        handoff_conversation = session.get(Conversation, conversation)
        assert handoff_conversation is not None
        create_note(
            session=session,
            conversation=handoff_conversation,
            author=actor,
            body="third",
            kind=NoteKind.HANDOFF,
            now=NOW,
        )
    with Session(engine) as session:
        assert note_texts(session, conversation) == ["second", "third"]
