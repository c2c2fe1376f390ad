"""The team's open tabs are told of each change where it is made, in its transaction: a
snoozed conversation waking, reading, notes (never their text), automatic assignment, and every
notification (to its user alone), including the reminders' and a user reading theirs."""

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.live import events_after
from app.core.models import Conversation, ConversationStatus, Note, User, Workspace
from inbox.assignment import assign_in_turn
from inbox.note_taking import add_note
from inbox.notifications import mark_all_read
from inbox.reading import mark_read, mark_unread
from inbox.reminder_firing import fire_due
from inbox.snoozes import wake_due_snoozes
from notes.notes import delete_note, edit_note, restore_note
from tests.conftest import TEST_LINKS, Team
from tests.inbox.reminder_world import T0, World, add_reminders, build_world


def told(engine: Engine, after: int = 0) -> list[tuple[str, int | None, dict[str, Any]]]:
    """(kind, user_id, data) of each event after id `after`."""
    with engine.connect() as connection:
        rows = events_after(connection, after, limit=100)
    return [(row.kind, row.user_id, row.data) for row in rows]


def users(session: Session, world: World) -> tuple[User, User, Conversation]:
    admin, agent = session.get(User, world.admin.user_id), session.get(User, world.agent.user_id)
    conversation = session.get(Conversation, world.conversation_id)
    assert admin is not None and agent is not None and conversation is not None
    return admin, agent, conversation


def test_a_woken_conversation_and_its_assignee_are_told(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    with session_scope(engine) as session:
        _, agent, conversation = users(session, world)
        conversation.status, conversation.snoozed_until = ConversationStatus.SNOOZED, T0
        conversation.assignee_id = agent.id
    wake_due_snoozes(engine, now=T0)
    assert told(engine) == [
        (
            "notification",
            world.agent.user_id,
            {"kind": "woken", "text": "“Invoice 1042” is back from snooze"},
        ),
        (
            "conversation.updated",
            None,
            {
                "changes": {
                    "status": ["snoozed", "open"],
                    "snoozed_until": [T0.isoformat(), None],
                }
            },
        ),
    ]


def test_reading_moves_the_unread_dot_in_every_tab(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    for mark in (mark_read, mark_read, mark_unread, mark_unread):
        with session_scope(engine) as session:
            mark(session, users(session, world)[2])
    assert told(engine) == [
        ("conversation.updated", None, {"changes": {"is_unread": [True, False]}}),
        ("conversation.updated", None, {"changes": {"is_unread": [False, True]}}),
    ]


def test_notes_are_told_without_their_text_and_mentions_notify(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    with session_scope(engine) as session:
        admin, _, conversation = users(session, world)
        note = add_note(
            session=session, conversation=conversation, author=admin, body="@olga VIP", now=T0
        )
        note_id = note.id
    for change in (edit_note, delete_note, restore_note):
        with session_scope(engine) as session:
            admin, _, _ = users(session, world)
            stored = session.get(Note, note_id)
            assert stored is not None
            if change is edit_note:
                edit_note(session=session, note=stored, editor=admin, body="VIP!", now=T0)
            else:
                change(session=session, note=stored, actor=admin, now=T0)  # type: ignore[operator]
    about = {"note_id": note_id, "kind": "note", "author_id": world.admin.user_id}
    assert told(engine) == [
        (
            "notification",
            world.agent.user_id,
            {"kind": "mention", "text": "admin mentioned you in a note on “Invoice 1042”"},
        ),
        ("note.created", None, about),
        ("note.edited", None, about),
        ("note.deleted", None, about),
        ("note.restored", None, about),
    ]


def test_fired_reminders_notify_each_user_and_reading_them_is_told_to_their_tabs(
    engine: Engine, team: Team
) -> None:
    world = build_world(engine, team)
    add_reminders(engine, world, [T0, T0])
    fire_due(engine, clock=lambda: T0, worker="w1", links=TEST_LINKS)
    notices = told(engine)
    assert [(kind, user_id) for kind, user_id, _ in notices] == [
        ("notification", world.agent.user_id)
    ] * 2
    assert notices[0][2] == {"kind": "reminder.custom", "text": "call back #0 — “Invoice 1042”"}
    with session_scope(engine) as session:
        _, agent, _ = users(session, world)
        assert mark_all_read(session=session, user=agent, now=T0) == 2
    with session_scope(engine) as session:
        assert mark_all_read(session=session, user=users(session, world)[1], now=T0) == 0
    assert told(engine, len(notices)) == [("notifications.read", world.agent.user_id, {})]


def test_automatic_assignment_is_told_to_the_team_and_the_assignee(
    engine: Engine, team: Team
) -> None:
    world = build_world(engine, team, status=ConversationStatus.OPEN)
    with session_scope(engine) as session:
        workspace = session.get(Workspace, world.workspace_id)
        assert workspace is not None
        workspace.auto_assign = True
        admin = session.get(User, world.admin.user_id)
        assert admin is not None
        admin.is_available = False
    with session_scope(engine) as session:
        assign_in_turn(
            session=session,
            workspace_id=world.workspace_id,
            conversation_ids=[world.conversation_id],
            now=T0 + timedelta(minutes=1),
        )
    assert [(kind, user_id) for kind, user_id, _ in told(engine)] == [
        ("notification", world.agent.user_id),
        ("conversation.updated", None),
    ]
    assert told(engine)[1][2] == {"changes": {"assignee_id": [None, world.agent.user_id]}}
