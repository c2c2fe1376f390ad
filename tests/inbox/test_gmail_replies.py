"""A reply the team writes in Gmail itself (the mailbox owner in Gmail, or the add-on's
compose) is the team's reply: once synced it stops the SLA clock, cancels the SLA reminders
and keeps a pending promise, as a reply sent through Tandem does. Through the emulator."""

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import Conversation, PromiseState, Reminder, ReminderKind, ReminderState
from app.core.settings import Settings
from inbox.promises import run_reply_clocks
from scheduler.jobs import sync_due_mailboxes
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api

SUPPORT = "support@acme.test"
CLIENT = "anna@client.test"


def _sync(tandem: TestClient, admin: Member, engine: Engine, settings: Settings) -> None:
    tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
    assert sync_due_mailboxes(engine, settings, after_sync=[run_reply_clocks]) == 1


def _reply_in_gmail(gmail: Any, thread_id: str, client_message_id: str) -> None:
    """What Gmail's own composer sends: from the mailbox, threaded, with the client in To."""
    reply = EmailMessage()
    reply["From"] = f"Acme Support <{SUPPORT}>"
    reply["To"] = CLIENT
    reply["Subject"] = "Re: The export fails"
    reply["In-Reply-To"] = client_message_id
    reply["References"] = client_message_id
    reply.set_content("Fixed on our side, please try again.")
    raw = base64.urlsafe_b64encode(reply.as_bytes()).decode()
    body = {"raw": raw, "threadId": thread_id}
    gmail.service.users().messages().send(userId="me", body=body).execute()


def test_a_reply_written_in_gmail_keeps_the_promise_and_stops_the_clock(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    connect: Callable[[str, str], Any],
    emulator_url: str,
    make_mail: Callable[..., bytes],
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    connect_via_api(tandem, admin.headers, SUPPORT)
    _sync(tandem, admin, engine, sync_settings)
    mail = make_mail(
        "The export fails",
        "It stops at 40 %.",
        sender=CLIENT,
        message_id="<export@client.test>",
        date=datetime.now(UTC),
    )
    thread_id = control.post(f"/_emulator/mailboxes/{SUPPORT}/messages", content=mail).json()[
        "threadId"
    ]
    _sync(tandem, admin, engine, sync_settings)
    [listed] = tandem.get("/api/v1/conversations", headers=admin.headers).json()["items"]
    assert listed["sla_due_at"] is not None
    promise_by = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    promised = tandem.post(
        f"/api/v1/conversations/{listed['id']}/promise",
        json={"promise_by": promise_by},
        headers=admin.headers,
    )
    assert promised.status_code == 200, promised.text

    with connect(emulator_url, SUPPORT) as gmail:
        _reply_in_gmail(gmail, thread_id, "<export@client.test>")
    _sync(tandem, admin, engine, sync_settings)

    with Session(engine) as session:
        conversation = session.get(Conversation, listed["id"])
        assert conversation is not None
        pending = session.exec(
            select(Reminder.kind).where(
                col(Reminder.conversation_id) == listed["id"],
                Reminder.state == ReminderState.PENDING,
            )
        ).all()
    assert conversation.message_count == 2
    assert conversation.sla_due_at is None
    assert conversation.first_response_at is not None
    assert conversation.promise_state == PromiseState.KEPT
    assert ReminderKind.SLA not in pending
    assert ReminderKind.PROMISE not in pending
    events = tandem.get(f"/api/v1/conversations/{listed['id']}/events", headers=admin.headers)
    assert "promise.kept" in [event["action"] for event in events.json()]
