# ruff: noqa: RUF001 - a Russian reader's reminder is checked in Russian
"""Follow-ups at their time: a reminder when the client stayed silent, nothing when they wrote,
or closing the conversation with a message queued in its thread."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.i18n import reading_as
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    FollowupAction,
    Message,
    MessageKind,
    MessageState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
    Template,
    User,
    id_of,
)
from app.core.notice_text import notification_text
from inbox.reminder_firing import fire_due
from inbox.reminders import ReminderRequest, schedule_reminder
from tests.conftest import TEST_LINKS, Team
from tests.inbox.reminder_world import T0, World, build_world

DUE = T0 + timedelta(days=3)


def follow_up(
    engine: Engine, world: World, action: FollowupAction, template_id: int | None = None
) -> int:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        asker = session.get(User, world.agent.user_id)
        assert conversation is not None and asker is not None
        request = ReminderRequest(
            due_at=DUE, kind=ReminderKind.FOLLOWUP, action=action, template_id=template_id
        )
        reminder = schedule_reminder(
            session, conversation=conversation, asker=asker, request=request, now=T0
        )
        reminder.created_at = T0
        return id_of(reminder)


def closing_template(engine: Engine, world: World) -> int:
    with session_scope(engine) as session:
        template = Template(
            workspace_id=world.workspace_id,
            name="No news",
            body_text="Hello {{ contact.first_name }}, we close #{{ conversation.number }}.",
        )
        session.add(template)
        session.flush()
        return id_of(template)


def fire(engine: Engine) -> None:
    fire_due(engine, clock=lambda: DUE, worker="w1", links=TEST_LINKS)


def state_of(engine: Engine, reminder_id: int) -> str:
    with Session(engine) as session:
        reminder = session.get(Reminder, reminder_id)
        assert reminder is not None
        return reminder.state


def test_a_silent_client_means_a_reminder(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    reminder_id = follow_up(engine, world, FollowupAction.REMIND)
    fire(engine)
    assert state_of(engine, reminder_id) == ReminderState.FIRED
    with Session(engine) as session:
        notification = session.exec(select(Notification)).one()
    assert notification.user_id == world.agent.user_id
    assert notification.kind == "reminder.followup"
    assert notification.text.startswith("No answer from the client yet")


def test_a_client_who_wrote_meanwhile_makes_it_done_without_action(
    engine: Engine, team: Team
) -> None:
    world = build_world(engine, team)
    template_id = closing_template(engine, world)
    remind = follow_up(engine, world, FollowupAction.REMIND)
    close = follow_up(engine, world, FollowupAction.CLOSE, template_id)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        assert conversation is not None
        conversation.last_inbound_at = T0 + timedelta(days=1)
    fire(engine)
    assert state_of(engine, remind) == state_of(engine, close) == ReminderState.DONE
    with Session(engine) as session:
        assert session.exec(select(Notification)).all() == []
        conversation = session.get(Conversation, world.conversation_id)
        assert conversation is not None and conversation.status == ConversationStatus.PENDING


def test_auto_close_queues_the_message_in_the_thread_and_closes(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    reminder_id = follow_up(engine, world, FollowupAction.CLOSE, closing_template(engine, world))
    fire(engine)
    assert state_of(engine, reminder_id) == ReminderState.FIRED
    with Session(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        sent = session.exec(select(Message).where(Message.kind == MessageKind.RESOLUTION)).one()
        events = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))
        assert session.exec(select(Notification)).all() == []
    assert conversation is not None and conversation.status == ConversationStatus.CLOSED
    assert conversation.closed_at == DUE
    assert sent.conversation_id == world.conversation_id and sent.state == MessageState.QUEUED
    assert sent.text_body.startswith(f"Hello Anna, we close #{world.conversation_id}.\n\n")
    link = TEST_LINKS.read(sent.text_body.split("/rate/")[1].split("?")[0], now=DUE)
    assert (link.conversation_id, link.message_id) == (world.conversation_id, sent.id), (
        "the client can rate the answer, as after any resolution"
    )
    assert sent.to == ["Anna Petrova <anna@client.test>"] and sent.send_after == DUE
    assert sent.in_reply_to == "<q1@client.test>" and sent.gmail_thread_id == "thread-1"
    assert [(e.action, e.actor_id) for e in events] == [
        ("conversation.updated", world.agent.user_id),
        ("reminder.followup_closed", None),
    ]
    assert events[1].details == {"reminder_id": reminder_id, "message_id": sent.id}


def test_an_auto_close_that_cannot_run_reminds_instead(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    template_id = closing_template(engine, world)
    reminder_id = follow_up(engine, world, FollowupAction.CLOSE, template_id)
    with session_scope(engine) as session:
        template = session.get(Template, template_id)
        session.delete(template)
    fire(engine)
    assert state_of(engine, reminder_id) == ReminderState.FIRED
    with Session(engine) as session:
        notification = session.exec(select(Notification)).one()
        conversation = session.get(Conversation, world.conversation_id)
    assert notification.text.startswith("Could not close “Invoice 1042” automatically")
    with reading_as("ru", ZoneInfo("UTC")):
        russian = notification_text(notification)
    assert russian.startswith("Не удалось автоматически закрыть «Invoice 1042»: ")
    assert conversation is not None and conversation.status == ConversationStatus.PENDING


def test_a_follow_up_on_a_closed_conversation_is_done(engine: Engine, team: Team) -> None:
    world = build_world(engine, team, status=ConversationStatus.CLOSED)
    reminder_id = follow_up(engine, world, FollowupAction.REMIND)
    fire(engine)
    assert state_of(engine, reminder_id) == ReminderState.DONE
