"""A reply a worker left in `sending` when it died: looked up in Gmail by its Message-ID, it is
sent once if Gmail never got it, marked sent (with Gmail's id) if Gmail did, and left alone
while its sender may still be at work (PostgreSQL: the sender's advisory lock; SQLite: the
timeout)."""

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from app.core.advisory_locks import SENDING_REPLY, holding
from app.core.db import session_scope
from app.core.models import Conversation, Message, MessageState, utcnow
from app.core.settings import Settings
from gmail_sync import delivery
from gmail_sync.client import mailbox_client
from gmail_sync.delivery import send_due
from gmail_sync.stalled_replies import SENDING_TIMEOUT, recover_stalled
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"


@pytest.fixture
def reply_id(
    tandem: TestClient,
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> int:
    """An agent's reply, queued in its undo window, in a synced conversation."""
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    deliver(control, SUPPORT, make_mail("Invoice", "Where is it?", message_id="<q@client.test>"))
    run_sync(engine, sync_settings, connect_via_api(tandem, admin.headers, SUPPORT))
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()
    answer = tandem.post(
        f"/api/v1/conversations/{conversation_id}/reply",
        json={"body_text": "It went out today."},
        headers=admin.headers,
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _cut_off(engine: Engine, message_id: int, claimed_at: datetime) -> None:
    """Where a worker killed during the send leaves its reply."""
    with session_scope(engine) as session:
        session.execute(
            update(Message)
            .where(Message.id == message_id)  # type: ignore[arg-type]
            .values(state=MessageState.SENDING, send_after=claimed_at)
        )


def _sent(control: httpx.Client) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = control.get(f"/_emulator/mailboxes/{SUPPORT}/sent").json()[
        "messages"
    ]
    return messages


def _reply(engine: Engine, message_id: int) -> Message:
    with Session(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def test_a_reply_gmail_never_got_is_queued_again_and_sent_once(
    reply_id: int, engine: Engine, sync_settings: Settings, control: httpx.Client
) -> None:
    now = utcnow()
    _cut_off(engine, reply_id, now - SENDING_TIMEOUT - timedelta(seconds=1))

    assert recover_stalled(engine=engine, settings=sync_settings, now=now) == 1
    assert _reply(engine, reply_id).state == MessageState.QUEUED
    outcomes = send_due(engine=engine, settings=sync_settings, now=utcnow())
    assert [(outcome.message_id, outcome.sent) for outcome in outcomes] == [(reply_id, True)]
    assert len(_sent(control)) == 1


def test_a_reply_gmail_got_before_the_worker_died_becomes_sent_without_a_second_send(
    reply_id: int, engine: Engine, sync_settings: Settings, control: httpx.Client
) -> None:
    now = utcnow()
    with Session(engine) as session:
        outgoing = delivery._outgoing(session, sync_settings, reply_id, now)
    gmail = mailbox_client(outgoing.credentials, sync_settings)
    taken = gmail.send(outgoing.raw, thread_id=outgoing.thread_id)
    gmail.close()
    _cut_off(engine, reply_id, now - SENDING_TIMEOUT - timedelta(seconds=1))

    assert recover_stalled(engine=engine, settings=sync_settings, now=utcnow()) == 1
    reply = _reply(engine, reply_id)
    assert (reply.state, reply.gmail_id) == (MessageState.SENT, taken["id"])
    assert send_due(engine=engine, settings=sync_settings, now=utcnow() + timedelta(hours=1)) == []
    assert [message["id"] for message in _sent(control)] == [taken["id"]]


def test_a_reply_whose_sender_may_still_be_at_work_is_left_alone(
    reply_id: int, engine: Engine, sync_settings: Settings, control: httpx.Client
) -> None:
    now = utcnow()
    _cut_off(engine, reply_id, now - timedelta(minutes=5))
    with holding(engine, SENDING_REPLY, reply_id):
        assert recover_stalled(engine=engine, settings=sync_settings, now=now) == 0
        assert _reply(engine, reply_id).state == MessageState.SENDING

    later = now + SENDING_TIMEOUT
    assert recover_stalled(engine=engine, settings=sync_settings, now=later) == 1
    assert _reply(engine, reply_id).state == MessageState.QUEUED
    assert _sent(control) == []
