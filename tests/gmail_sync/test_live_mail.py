"""What the team's open tabs learn of mail, written with the change: a sync's new conversations
and messages (imported history marked not live), a read in Gmail moving the unread dot, and
each step of a reply (queued, cancelled, sent)."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.live import events_after
from app.core.models import Conversation, Message
from app.core.settings import Settings
from app.main import create_app
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"


@pytest.fixture
def mailbox(control: httpx.Client) -> str:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    return SUPPORT


def told(engine: Engine, after: int = 0) -> list[tuple[str, int | None, dict[str, Any]]]:
    with engine.connect() as connection:
        rows = events_after(connection, after, limit=100)
    return [(row.kind, row.conversation_id, row.data) for row in rows]


def conversation_of(engine: Engine, gmail_id: str) -> int:
    with Session(engine) as session:
        return session.exec(
            select(Message.conversation_id).where(Message.gmail_id == gmail_id)
        ).one()


def test_a_sync_tells_of_new_conversations_new_messages_and_reads_in_gmail(
    mailbox: str,
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
    connect: Callable[[str, str], Any],
    emulator_url: str,
) -> None:
    old = deliver(control, mailbox, make_mail("Old", "history", message_id="<o1@c.test>"))
    mailbox_id = connect_via_api(tandem, admin.headers, mailbox)
    run_sync(engine, sync_settings, mailbox_id)
    old_conversation = conversation_of(engine, old["id"])
    message_ids = [m for _, _, data in told(engine) for m in data["message_ids"]]
    assert told(engine) == [
        ("conversation.created", old_conversation, {"message_ids": message_ids, "live": False})
    ]
    seen = len(told(engine))

    with connect(emulator_url, mailbox) as account:
        account.service.users().messages().modify(
            userId="me", id=old["id"], body={"removeLabelIds": ["UNREAD"]}
        ).execute()
    run_sync(engine, sync_settings, mailbox_id)
    assert told(engine, seen) == [
        ("conversation.updated", old_conversation, {"changes": {"is_unread": [True, False]}})
    ]
    seen += 1

    new = deliver(control, mailbox, make_mail("New", "live mail", message_id="<n1@c.test>"))
    again = make_mail("Re: Old", "more", message_id="<o2@c.test>", in_reply_to="<o1@c.test>")
    follow_up = deliver(control, mailbox, again)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        ids = {m.gmail_id: m.id for m in session.exec(select(Message))}
    assert sorted(told(engine, seen), key=lambda event: event[0]) == [
        (
            "conversation.created",
            conversation_of(engine, new["id"]),
            {"message_ids": [ids[new["id"]]], "live": True},
        ),
        ("message.stored", old_conversation, {"message_ids": [ids[follow_up["id"]]], "live": True}),
    ]


def test_each_step_of_a_reply_is_told(
    mailbox: str,
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    deliver(control, mailbox, make_mail("Invoice", "where?", message_id="<q@c.test>"))
    run_sync(engine, sync_settings, connect_via_api(tandem, admin.headers, mailbox))
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()
    seen = len(told(engine))
    path = f"/api/v1/conversations/{conversation_id}/reply"
    queued = tandem.post(path, json={"body_text": "Soon."}, headers=admin.headers).json()
    assert tandem.delete(f"/api/v1/outbox/{queued['id']}", headers=admin.headers).is_success
    instant = create_app(sync_settings.model_copy(update={"undo_send_seconds": 0}))
    with TestClient(instant) as client:
        sent = client.post(path, json={"body_text": "Here."}, headers=admin.headers).json()
    steps = [(kind, data["message_id"], data["state"]) for kind, _, data in told(engine, seen)]
    assert steps == [
        ("reply.queued", queued["id"], "queued"),
        ("reply.cancelled", queued["id"], "cancelled"),
        ("reply.queued", sent["id"], "queued"),
        ("reply.sent", sent["id"], "sent"),
    ]
    assert {data["author_id"] for _, _, data in told(engine, seen)} == {admin.user_id}
