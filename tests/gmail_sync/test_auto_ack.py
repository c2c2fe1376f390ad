"""Automatic acknowledgements against the emulator: once to a real client who starts a
conversation, never to robots, lists, the team itself or history."""

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.models import AuditEvent, Conversation, Mailbox, Message, MessageKind, utcnow
from app.settings import Settings
from gmail_sync.auto_ack import acknowledge_new_mail
from scheduler.jobs import send_replies, sync_due_mailboxes
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver

SUPPORT = "support@acme.test"


@pytest.fixture
def connected(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> int:
    """The support mailbox connected after one old conversation (history, never answered)."""
    body = {"email": SUPPORT, "name": "Acme Support", "aliases": ["help@acme.test"]}
    control.post("/_emulator/mailboxes", json=body).raise_for_status()
    old = datetime.now(UTC) - timedelta(days=3)
    deliver(control, SUPPORT, make_mail("Old question", "?", sender="old@client.test", date=old))
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    settle(engine, sync_settings)
    return mailbox_id


def just_now() -> datetime:
    """A Date header for mail arriving now: whole seconds, so one second ahead keeps it after
    the connection time (which has microseconds)."""
    return datetime.now(UTC) + timedelta(seconds=1)


def settle(engine: Engine, settings: Settings) -> None:
    """What the scheduler does: sync with the acknowledgement hook, then send what is due."""
    sync_due_mailboxes(engine, settings, after_sync=[acknowledge_new_mail])
    send_replies(engine, settings)


def acknowledgements(control: httpx.Client) -> list[EmailMessage]:
    response = control.get(f"/_emulator/mailboxes/{SUPPORT}/sent")
    parser = BytesParser(policy=policy.default)
    return [
        parser.parsebytes(base64.urlsafe_b64decode(item["raw"]))  # type: ignore[misc]
        for item in response.json()["messages"]
    ]


def write_in(control: httpx.Client, raw: bytes, tandem: TestClient, mailbox_id: int) -> None:
    deliver(control, SUPPORT, raw)
    with Session(tandem.app.state.engine) as session:  # type: ignore[attr-defined]
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.sync_requested_at = utcnow()
        session.add(mailbox)
        session.commit()


def test_a_client_starting_a_conversation_is_acknowledged_once_in_the_thread(
    connected: int,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    assert acknowledgements(control) == [], "history imported at connection is not answered"
    raw = make_mail(
        "Cannot log in",
        "Help!",
        sender="Anna Petrova <anna@client.test>",
        cc="boris@client.test",
        message_id="<login@client.test>",
        date=just_now(),
    )
    write_in(control, raw, tandem, connected)

    settle(engine, sync_settings)

    [ack] = acknowledgements(control)
    assert ack["To"] == "Anna Petrova <anna@client.test>"
    assert ack["Cc"] is None, "an acknowledgement answers the sender only (RFC 3834)"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<login@client.test>"
    assert ack["Subject"] == "Re: Cannot log in"
    with Session(engine) as session:
        conversation = session.exec(
            select(Conversation).where(Conversation.subject == "Cannot log in")
        ).one()
        text = ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert f"#{conversation.id}" in text
        assert "Hello Anna," in text
        assert "We will answer by" in text
        row = session.exec(select(Message).where(Message.kind == MessageKind.AUTO_ACK)).one()
        assert row.state == "sent"
        assert session.exec(
            select(AuditEvent).where(AuditEvent.action == "conversation.acknowledged")
        ).one()
        assert conversation.first_response_at is None, "an acknowledgement is not an answer"

    write_in(
        control,
        make_mail(
            "Re: Cannot log in",
            "Still broken",
            sender="anna@client.test",
            in_reply_to="<login@client.test>",
            date=just_now(),
        ),
        tandem,
        connected,
    )
    write_in(
        control,
        make_mail("Another thing", "Also...", sender="anna@client.test", date=just_now()),
        tandem,
        connected,
    )
    settle(engine, sync_settings)
    assert len(acknowledgements(control)) == 1, "one per conversation and per sender window"


AUTOMATED = {
    "auto-reply": b"Auto-Submitted: auto-replied\r\n",
    "bulk": b"Precedence: bulk\r\n",
    "list": b"List-Id: <news.client.test>\r\n",
    "unsubscribe": b"List-Unsubscribe: <mailto:leave@client.test>\r\n",
    "out-of-office": b"X-Autoreply: yes\r\n",
}


@pytest.mark.parametrize("header", AUTOMATED.values(), ids=AUTOMATED.keys())
def test_automated_mail_is_never_acknowledged(
    header: bytes,
    connected: int,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    raw = make_mail("I am away", "Back Monday", sender="anna@client.test", date=just_now())
    write_in(control, header + raw, tandem, connected)

    settle(engine, sync_settings)

    assert acknowledgements(control) == []


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@shop.test",
        "no-reply@shop.test",
        "do-not-reply@bank.test",
        "MAILER-DAEMON@mx.client.test",
        "help@acme.test",
        "support@acme.test",
    ],
)
def test_robots_and_the_team_itself_are_never_acknowledged(
    sender: str,
    connected: int,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    raw = make_mail("Notice", "Automated", sender=sender, date=just_now())
    write_in(control, raw, tandem, connected)

    settle(engine, sync_settings)

    assert acknowledgements(control) == []


def test_a_mailbox_can_switch_acknowledgements_off_or_word_them_itself(
    connected: int,
    tandem: TestClient,
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    with Session(engine) as session:
        mailbox = session.get(Mailbox, connected)
        assert mailbox is not None
        mailbox.auto_ack_enabled = False
        session.add(mailbox)
        session.commit()
    write_in(
        control,
        make_mail("One", "?", sender="a@client.test", date=just_now()),
        tandem,
        connected,
    )
    settle(engine, sync_settings)
    assert acknowledgements(control) == []

    with Session(engine) as session:
        mailbox = session.get(Mailbox, connected)
        assert mailbox is not None
        mailbox.auto_ack_enabled = True
        mailbox.auto_ack_text = (
            "Здравствуйте, {{ contact.name }}! Обращение №{{ conversation.number }}."
        )
        session.add(mailbox)
        session.commit()
    write_in(
        control,
        make_mail("Two", "?", sender="Борис <b@client.test>", date=just_now()),
        tandem,
        connected,
    )
    settle(engine, sync_settings)
    [ack] = acknowledgements(control)
    assert "Здравствуйте, Борис! Обращение №" in ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
