"""Snoozed conversations wake at their time, exactly once, told to the assignee; a client's
mail wakes them earlier (test_snooze_early_wake)."""

import threading
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import get_engine, session_scope
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Notification,
    WebhookDelivery,
    WebhookSubscription,
)
from inbox.snoozes import wake_due_snoozes
from tests.conftest import Team
from tests.inbox.reminder_world import T0, build_world

UNTIL = T0 + timedelta(hours=2)


def snooze(engine: Engine, conversation_id: int, assignee_id: int | None) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        conversation.status = ConversationStatus.SNOOZED
        conversation.snoozed_until = UNTIL
        conversation.assignee_id = assignee_id


def test_a_snoozed_conversation_wakes_at_its_time(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    snooze(engine, world.conversation_id, world.agent.user_id)
    with session_scope(engine) as session:
        session.add(
            WebhookSubscription(
                workspace_id=world.workspace_id,
                url="https://hooks.test/",
                secret="s" * 32,
                events=["conversation.updated"],
                is_internal=False,
            )
        )
    assert wake_due_snoozes(engine, now=UNTIL - timedelta(seconds=1)) == 0
    assert wake_due_snoozes(engine, now=UNTIL) == 1
    assert wake_due_snoozes(engine, now=UNTIL + timedelta(minutes=1)) == 0
    with Session(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        event = session.exec(select(AuditEvent)).one()
        notification = session.exec(select(Notification)).one()
        delivery = session.exec(select(WebhookDelivery)).one()
    assert conversation is not None
    assert conversation.status == ConversationStatus.OPEN and conversation.snoozed_until is None
    assert event.action == "conversation.woken" and event.actor_id is None
    assert event.before == {"status": "snoozed", "snoozed_until": UNTIL.isoformat()}
    assert event.after == {"status": "open", "snoozed_until": None}
    assert notification.user_id == world.agent.user_id and notification.kind == "woken"
    assert delivery.payload["changes"]["status"] == ["snoozed", "open"]


def test_an_unassigned_conversation_wakes_without_a_notification(
    engine: Engine, team: Team
) -> None:
    world = build_world(engine, team)
    snooze(engine, world.conversation_id, None)
    assert wake_due_snoozes(engine, now=UNTIL) == 1
    with Session(engine) as session:
        assert session.exec(select(Notification)).all() == []


def test_two_wakers_racing_wake_it_once(engine: Engine, team: Team, database_url: str) -> None:
    world = build_world(engine, team)
    snooze(engine, world.conversation_id, world.agent.user_id)
    engines = [engine, get_engine.__wrapped__(database_url)]
    start = threading.Barrier(2)
    woken: list[int] = []

    def work(index: int) -> None:
        start.wait()
        woken.append(wake_due_snoozes(engines[index], now=UNTIL))

    threads = [threading.Thread(target=work, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engines[1].dispose()
    assert sorted(woken) == [0, 1]
    with Session(engine) as session:
        assert len(session.exec(select(AuditEvent)).all()) == 1
        assert len(session.exec(select(Notification)).all()) == 1
