"""Firing reminders with a controlled clock: once, to the right people, with the internal
webhook event, and exactly once when two engines race for the same rows."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import get_engine, session_scope
from app.core.i18n import moment, reading_as
from app.core.models import (
    Conversation,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from app.core.notice_text import notification_text
from inbox import reminder_firing
from inbox.promises import make_promise
from inbox.reminder_firing import Clock, fire_due, next_due_at
from tests.conftest import TEST_LINKS, Team
from tests.inbox.reminder_world import (
    T0,
    add_reminders,
    build_world,
    notifications_per_reminder,
    reminder_states,
)


def at(moment: datetime) -> Clock:
    return lambda: moment


def test_a_reminder_fires_once_at_its_time(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    add_reminders(engine, world, [T0])
    assert next_due_at(engine) == T0
    assert fire_due(engine, clock=at(T0 - timedelta(seconds=1)), worker="w1", links=TEST_LINKS) == 0
    assert fire_due(engine, clock=at(T0), worker="w1", links=TEST_LINKS) == 1
    assert fire_due(engine, clock=at(T0 + timedelta(minutes=5)), worker="w1", links=TEST_LINKS) == 0
    with Session(engine) as session:
        reminder = session.exec(select(Reminder)).one()
        notification = session.exec(select(Notification)).one()
    assert reminder.state == ReminderState.FIRED and reminder.claimed_by == "w1"
    assert reminder.fired_at == T0
    assert notification.user_id == world.agent.user_id
    assert notification.reminder_id == reminder.id
    assert notification.conversation_id == world.conversation_id
    assert notification.kind == "reminder.custom"
    assert notification.text == "call back #0 — “Invoice 1042”"
    assert next_due_at(engine) is None


def test_a_reminder_for_nobody_in_particular_reaches_every_active_member(
    engine: Engine, team: Team
) -> None:
    world = build_world(engine, team)
    gone = team.member(world.workspace_id, "gone@acme.test")
    with session_scope(engine) as session:
        user = session.get(User, gone.user_id)
        assert user is not None
        user.is_active = False
    add_reminders(engine, world, [T0], user_id=None)
    add_reminders(engine, world, [T0], user_id=gone.user_id, kind=ReminderKind.PROMISE)
    fire_due(engine, clock=at(T0), worker="w1", links=TEST_LINKS)
    with Session(engine) as session:
        told = {(n.reminder_id, n.user_id, n.kind) for n in session.exec(select(Notification))}
    team_ids = {world.admin.user_id, world.agent.user_id}
    assert {(user, kind) for _, user, kind in told} == {
        *((user, "reminder.custom") for user in team_ids),
        *((user, "reminder.promise") for user in team_ids),
    }


def test_reminder_due_goes_to_internal_webhooks_only(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    with session_scope(engine) as session:
        for internal in (True, False):
            session.add(
                WebhookSubscription(
                    workspace_id=world.workspace_id,
                    url=f"https://hooks.test/{internal}",
                    secret="s" * 32,
                    events=["reminder.due"],
                    is_internal=internal,
                )
            )
    add_reminders(engine, world, [T0])
    fire_due(engine, clock=at(T0), worker="w1", links=TEST_LINKS)
    with Session(engine) as session:
        deliveries = list(session.exec(select(WebhookDelivery)))
        internal = session.exec(
            select(WebhookSubscription).where(col(WebhookSubscription.is_internal))
        ).one()
    assert [d.subscription_id for d in deliveries] == [internal.id]
    assert deliveries[0].event == "reminder.due"
    assert deliveries[0].payload["reminder"]["text"] == "call back #0"
    assert deliveries[0].payload["reminder"]["fired_at"] == T0.isoformat()


def test_a_burst_is_fired_in_chunks(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    add_reminders(engine, world, [T0 - timedelta(seconds=i) for i in range(1200)])
    add_reminders(engine, world, [T0 + timedelta(seconds=1)])
    assert fire_due(engine, clock=at(T0), worker="w1", links=TEST_LINKS, chunk=500) == 1200
    assert reminder_states(engine) == {"fired": 1200, "pending": 1}
    assert set(notifications_per_reminder(engine).values()) == {1}


def test_two_engines_racing_fire_each_reminder_exactly_once(
    engine: Engine, team: Team, database_url: str
) -> None:
    """Four threads on two engines (two connection pools, as two processes have) claim
    small chunks of the same 2,000 due reminders at the same time."""
    world = build_world(engine, team)
    add_reminders(engine, world, [T0 - timedelta(milliseconds=i) for i in range(2000)])
    engines = [engine, get_engine.__wrapped__(database_url)]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        start.wait()
        try:
            while fire_due(
                engines[index % 2], clock=at(T0), worker=f"w{index}", links=TEST_LINKS, chunk=25
            ):
                pass
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engines[1].dispose()
    assert errors == []
    assert reminder_states(engine) == {"fired": 2000}
    counts = notifications_per_reminder(engine)
    assert len(counts) == 2000 and set(counts.values()) == {1}


def test_a_reminder_that_cannot_fire_never_holds_back_the_others(
    engine: Engine, team: Team, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One poisoned row among many: the rest fire on time; it is tried again after each
    backoff and then marked failed with its error, visible to the team."""
    world = build_world(engine, team)
    add_reminders(engine, world, [T0] * 5)
    with Session(engine) as session:
        poisoned = session.exec(select(Reminder.id).order_by(col(Reminder.id))).all()[2]
    deliver = reminder_firing.deliver_reminders

    def deliver_or_break(session: Session, *, reminders: list[Reminder], **kwargs: object) -> None:
        if any(reminder.id == poisoned for reminder in reminders):
            raise KeyError("a template variable the row names no longer exists")
        deliver(session, reminders=reminders, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reminder_firing, "deliver_reminders", deliver_or_break)
    assert fire_due(engine, clock=at(T0), worker="w1", links=TEST_LINKS) == 4
    assert reminder_states(engine) == {"fired": 4, "pending": 1}
    assert sum(notifications_per_reminder(engine).values()) == 4
    moment = T0
    for wait in reminder_firing.BACKOFF:
        assert (
            fire_due(
                engine,
                clock=at(moment + wait - timedelta(seconds=1)),
                worker="w1",
                links=TEST_LINKS,
            )
            == 0
        )
        moment += wait
        assert fire_due(engine, clock=at(moment), worker="w1", links=TEST_LINKS) == 0
    with Session(engine) as session:
        failed = session.get(Reminder, poisoned)
    assert failed is not None and failed.state == ReminderState.FAILED
    assert failed.attempts == len(reminder_firing.BACKOFF) + 1
    assert failed.last_error == "KeyError: 'a template variable the row names no longer exists'"
    shown = client.get("/api/v1/reminders?state=failed", headers=world.agent.headers).json()
    assert [(item["id"], item["last_error"]) for item in shown] == [(poisoned, failed.last_error)]
    add_reminders(engine, world, [moment + timedelta(minutes=1)])
    assert (
        fire_due(engine, clock=at(moment + timedelta(minutes=1)), worker="w1", links=TEST_LINKS)
        == 1
    )


def test_a_promise_reminder_tells_the_bell_in_the_readers_language_and_zone(
    engine: Engine, team: Team
) -> None:
    """The SLA's and a promise's reminders keep their values: the bell writes the sentence
    for whoever reads it, the stored English stays for the API."""
    world = build_world(engine, team)
    due = T0 + timedelta(hours=2)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        agent = session.get(User, world.agent.user_id)
        assert conversation is not None and agent is not None
        conversation.assignee_id = agent.id
        make_promise(session, conversation=conversation, user=agent, due_at=due, now=T0)
    fire_due(engine, clock=at(due - timedelta(minutes=30)), worker="w1", links=TEST_LINKS)
    with Session(engine) as session:
        notification = session.exec(select(Notification)).one()
    with reading_as("ru", ZoneInfo("Europe/Moscow")):
        russian, moscow = notification_text(notification), moment(due)
    assert russian == f"Вы обещали ответить до {moscow}: «Invoice 1042»"
    assert notification.text.startswith("You promised a reply by ")
    assert notification.text.endswith(": “Invoice 1042”")
