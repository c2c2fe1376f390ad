# ruff: noqa: RUF001 - Russian acknowledgements are the point
"""Automatic acknowledgements against the emulator: once to a real client who starts a
conversation, never to robots, lists, the team itself or history."""

import base64
import re
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

from app.core.models import (
    AuditEvent,
    Conversation,
    Mailbox,
    Message,
    MessageKind,
    SlaPolicy,
    utcnow,
)
from app.core.settings import Settings
from inbox.auto_ack import DEFAULT_TEXTS, acknowledge_new_mail
from inbox.sla import first_response_due
from inbox.templates import TemplateContext, render_text
from scheduler.jobs import send_replies, sync_due_mailboxes
from tests.conftest import Member, Team
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
    url = f"/api/v1/mailboxes/{connected}"
    off = tandem.patch(url, json={"auto_ack_enabled": False}, headers=admin.headers)
    assert off.status_code == 200
    assert off.json()["auto_ack"]["enabled"] is False
    write_in(
        control, make_mail("One", "?", sender="a@client.test", date=just_now()), tandem, connected
    )
    settle(engine, sync_settings)
    assert acknowledgements(control) == []

    russian = "Здравствуйте, {{ contact.name }}! Обращение №{{ conversation.number }}."
    on = tandem.patch(
        url, json={"auto_ack_enabled": True, "auto_ack_text": russian}, headers=admin.headers
    )
    assert on.json()["auto_ack"] == {
        "enabled": True,
        "text": russian,
        "is_default_text": False,
        "window_minutes": 1440,
    }
    raw = make_mail("Two", "?", sender="Борис <b@client.test>", date=just_now())
    write_in(control, raw, tandem, connected)
    settle(engine, sync_settings)
    [ack] = acknowledgements(control)
    text = ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Здравствуйте, Борис! Обращение №" in text
    events = tandem.get("/api/v1/mailboxes", headers=admin.headers).json()
    assert events[0]["auto_ack"]["text"] == russian


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"auto_ack_text": "Hi {{ contact.nmae }}"}, "contact.nmae"),
        ({"auto_ack_text": "Hi {{ contact.name"}, "auto_ack_text"),
        ({"auto_ack_window_minutes": 0}, "auto_ack_window_minutes"),
        ({"auto_ack_enabled": "sometimes"}, "auto_ack_enabled"),
        ({"loop": True}, "loop"),
        ({"language": "klingon"}, "language"),
        ({"language": "de"}, "unknown language 'de'"),
    ],
)
def test_bad_mailbox_settings_are_refused_and_change_nothing(
    payload: dict[str, object],
    message: str,
    connected: int,
    tandem: TestClient,
    admin: Member,
) -> None:
    url = f"/api/v1/mailboxes/{connected}"
    refused = tandem.patch(url, json=payload, headers=admin.headers)

    assert refused.status_code == 422
    assert message in str(refused.json()["detail"])
    kept = tandem.get(url, headers=admin.headers).json()["auto_ack"]
    assert (kept["enabled"], kept["is_default_text"], kept["window_minutes"]) == (True, True, 1440)


def test_only_admins_change_a_mailbox(
    connected: int, tandem: TestClient, team: Team, admin: Member
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")

    refused = tandem.patch(
        f"/api/v1/mailboxes/{connected}", json={"auto_ack_enabled": False}, headers=agent.headers
    )

    assert refused.status_code == 403


def test_a_russian_mailbox_acknowledges_in_russian_with_moscow_time(
    connected: int,
    tandem: TestClient,
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    tandem.patch("/api/v1/workspace", json={"timezone": "Europe/Moscow"}, headers=admin.headers)
    url = f"/api/v1/mailboxes/{connected}"
    english = tandem.get(url, headers=admin.headers).json()
    assert (english["language"], english["client_language"]) == (None, "en")
    answer = tandem.patch(url, json={"language": "ru"}, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    mailbox = answer.json()
    assert (mailbox["language"], mailbox["client_language"]) == ("ru", "ru")
    assert mailbox["auto_ack"]["is_default_text"] is True
    assert mailbox["auto_ack"]["text"].startswith("Здравствуйте, {{ contact.first_name }}!")
    raw = make_mail("Вопрос", "?", sender="Ольга Петрова <olga@client.test>", date=just_now())
    write_in(control, raw, tandem, connected)
    settle(engine, sync_settings)
    [ack] = acknowledgements(control)
    text = ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("Здравствуйте, Ольга!")
    assert re.search(r"Срок ответа: [а-я]+, \d+ [а-я]+, \d\d:\d\d \(МСК\)\.", text), text
    back = tandem.patch(url, json={"language": ""}, headers=admin.headers).json()
    assert (back["language"], back["client_language"]) == (None, "en")


RUSSIAN_MAIL = "Добрый день! Не могу войти в личный кабинет после смены пароля, помогите."
ENGLISH_MAIL = "Good morning, I cannot sign in to my account since I changed my password."


@pytest.mark.parametrize(
    ("mailbox_language", "body", "greeting"),
    [
        ("en", RUSSIAN_MAIL, "Здравствуйте, Olga!"),
        ("ru", ENGLISH_MAIL, "Hello Olga,"),
        ("ru", "Помогите!!", "Здравствуйте, Olga!"),
        ("en", "Help, 404?", "Hello Olga,"),
    ],
    ids=["russian-mail-english-mailbox", "english-mail-russian-mailbox", "short-ru", "short-en"],
)
def test_the_acknowledgement_answers_in_the_language_the_client_wrote_in(
    mailbox_language: str,
    body: str,
    greeting: str,
    connected: int,
    tandem: TestClient,
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    """Mail too short to tell gets the mailbox's language."""
    url = f"/api/v1/mailboxes/{connected}"
    tandem.patch(url, json={"language": mailbox_language}, headers=admin.headers)
    raw = make_mail("Login", body, sender="Olga Petrova <olga@client.test>", date=just_now())
    write_in(control, raw, tandem, connected)
    settle(engine, sync_settings)
    [ack] = acknowledgements(control)
    text = ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith(greeting), text
    due = "Срок ответа: " if greeting.startswith("З") else "We will answer by "
    assert due in text, text


def test_the_acknowledgement_names_the_due_time_of_a_friday_evening_mail_in_russian() -> None:
    """Friday 18:30 in Moscow, open 9-18 on weekdays, a day to answer: due on Monday, and the
    Russian acknowledgement says so in Moscow time."""
    hours = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    moscow = SlaPolicy(
        workspace_id=1,
        timezone="Europe/Moscow",
        business_hours=hours,
        first_response_minutes=1440,
        next_response_minutes=1440,
    )
    friday = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    due = first_response_due(moscow, friday)
    context = TemplateContext(
        contact_name="Ольга",
        contact_email="olga@client.test",
        agent_name="",
        agent_email="",
        conversation_number=7,
        conversation_subject="Вопрос",
        mailbox_email=SUPPORT,
        mailbox_name="Acme",
        promised_at=None,
        reply_due=due,
        timezone="Europe/Moscow",
        language="ru",
    )
    text = render_text(DEFAULT_TEXTS["ru"], context.variables())
    assert "Срок ответа: понедельник, 7 декабря, 18:30 (МСК)." in text
