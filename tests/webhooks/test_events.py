"""The outbox: who gets a delivery for an event, and what is stored for it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.errors import Invalid
from app.core.models import (
    Conversation,
    Message,
    Note,
    WebhookDelivery,
    WebhookSubscription,
    id_of,
)
from tests.conftest import Team
from webhooks.events import emit
from webhooks.payloads import conversation_data, message_data, note_data

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _subscribe(
    engine: Engine, workspace_id: int, events: list[str], *, internal: bool, active: bool = True
) -> int:
    with session_scope(engine) as session:
        row = WebhookSubscription(
            workspace_id=workspace_id,
            url="https://hooks.test/x",
            secret="s" * 32,
            events=events,
            is_internal=internal,
            is_active=active,
        )
        session.add(row)
        session.flush()
        return id_of(row)


def _emit(engine: Engine, workspace_id: int, event: str, **kwargs: bool) -> int:
    with session_scope(engine) as session:
        data = {"conversation": {"id": 7, "last_message_at": NOW}}
        return emit(
            session=session, workspace_id=workspace_id, event=event, data=data, now=NOW, **kwargs
        )


def _recipients(engine: Engine, event: str) -> list[int]:
    with Session(engine) as session:
        query = select(WebhookDelivery.subscription_id).where(WebhookDelivery.event == event)
        return sorted(session.exec(query.order_by(col(WebhookDelivery.id))))


def test_only_active_subscribers_of_the_workspace_get_the_event(
    engine: Engine, team: Team, workspace_id: int
) -> None:
    wanted = _subscribe(engine, workspace_id, ["conversation.created"], internal=False)
    _subscribe(engine, workspace_id, ["message.sent"], internal=False)
    _subscribe(engine, workspace_id, ["conversation.created"], internal=False, active=False)
    _subscribe(engine, team.workspace("Other"), ["conversation.created"], internal=True)
    assert _emit(engine, workspace_id, "conversation.created") == 1
    assert _recipients(engine, "conversation.created") == [wanted]
    with Session(engine) as session:
        delivery = session.exec(select(WebhookDelivery)).one()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("pending", 0, NOW)
    assert delivery.payload == {
        "conversation": {"id": 7, "last_message_at": "2026-11-23T09:00:00+00:00"}
    }


def test_notes_reach_internal_subscriptions_only(engine: Engine, workspace_id: int) -> None:
    internal = _subscribe(engine, workspace_id, ["note.created"], internal=True)
    _subscribe(engine, workspace_id, ["note.created"], internal=False)
    assert _emit(engine, workspace_id, "note.created") == 1
    assert _emit(engine, workspace_id, "note.created", internal_only=False) == 1
    assert _recipients(engine, "note.created") == [internal, internal]


def test_internal_only_events_skip_client_facing_subscriptions(
    engine: Engine, workspace_id: int
) -> None:
    internal = _subscribe(engine, workspace_id, ["conversation.updated"], internal=True)
    public = _subscribe(engine, workspace_id, ["conversation.updated"], internal=False)
    assert _emit(engine, workspace_id, "conversation.updated", internal_only=True) == 1
    assert _emit(engine, workspace_id, "conversation.updated") == 2
    assert _recipients(engine, "conversation.updated") == sorted([internal, internal, public])


def test_no_subscribers_queue_nothing_and_unknown_events_are_refused(
    engine: Engine, workspace_id: int
) -> None:
    assert _emit(engine, workspace_id, "message.received") == 0
    with pytest.raises(Invalid, match="unknown webhook event"):
        _emit(engine, workspace_id, "conversation.deleted")
    with pytest.raises(Invalid):
        _emit(engine, workspace_id, "ping")


def test_payload_builders_give_plain_json(engine: Engine, workspace_id: int) -> None:
    subscription = _subscribe(
        engine,
        workspace_id,
        ["conversation.updated", "message.sent", "note.created"],
        internal=True,
    )
    conversation = Conversation(
        id=3, workspace_id=workspace_id, mailbox_id=1, gmail_thread_id="t", last_message_at=NOW
    )
    message = Message(
        id=4, workspace_id=workspace_id, conversation_id=3, mailbox_id=1, to=["a@b.test"], date=NOW
    )
    note = Note(id=5, workspace_id=workspace_id, conversation_id=3, body="VIP", created_at=NOW)
    with session_scope(engine) as session:
        for event, data in (
            (
                "conversation.updated",
                conversation_data(conversation, {"status": ["open", "closed"]}),
            ),
            ("message.sent", message_data(message)),
            ("note.created", note_data(note)),
        ):
            emit(session=session, workspace_id=workspace_id, event=event, data=data, now=NOW)
    with Session(engine) as session:
        rows = session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all()
    assert {row.subscription_id for row in rows} == {subscription}
    updated, sent, noted = (row.payload for row in rows)
    assert updated["conversation"]["last_message_at"] == "2026-11-23T09:00:00+00:00"
    assert updated["changes"] == {"status": ["open", "closed"]}
    assert (sent["conversation_id"], sent["message"]["to"]) == (3, ["a@b.test"])
    assert (noted["note"]["body"], noted["note"]["id"]) == ("VIP", 5)
