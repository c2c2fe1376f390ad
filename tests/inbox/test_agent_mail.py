"""Reminder email through the workspace's SMTP server: queued by the firing transaction, sent
afterwards to a real local SMTP server (aiosmtpd), retried when the server is down."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.models import (
    AgentEmail,
    AgentEmailState,
    Conversation,
    Notification,
    SmtpSecurity,
    SmtpServer,
    User,
)
from app.core.settings import Settings
from gmail_sync.oauth import TokenCipher
from inbox.agent_mail import (
    BACKOFF,
    MAX_ATTEMPTS,
    SmtpSettings,
    configure_smtp,
    send_due_emails,
)
from inbox.reminder_firing import fire_due
from tests.conftest import TEST_LINKS, Team
from tests.inbox.reminder_world import T0, World, add_reminders, build_world

SENDER = "Tandem <tandem@acme.test>"


class Inbox:
    """An aiosmtpd handler that keeps what it received."""

    def __init__(self) -> None:
        self.mail: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mail.append(
            (list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )  # type: ignore[arg-type]
        return "250 OK"


def only_secret(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"tandem", b"s3cret")
    return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(port: int) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=only_secret,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def configure(engine: Engine, settings: Settings, world: World, port: int) -> None:
    smtp = SmtpSettings(
        host="127.0.0.1",
        port=port,
        sender=SENDER,
        security=SmtpSecurity.NONE,
        username="tandem",
        password="s3cret",
    )
    with session_scope(engine) as session:
        configure_smtp(
            session,
            workspace_id=world.workspace_id,
            smtp=smtp,
            cipher=TokenCipher(settings),
            now=T0,
        )


def emails(engine: Engine) -> list[AgentEmail]:
    with Session(engine) as session:
        return list(session.exec(select(AgentEmail)))


def mailed_reminder(engine: Engine, settings: Settings, world: World) -> tuple[list[str], Any]:
    """One reminder fired at T0 and mailed through a test SMTP server: its envelope
    recipients and the mail as the server read it."""
    port = free_port()
    configure(engine, settings, world, port)
    add_reminders(engine, world, [T0])
    fire_due(engine, clock=lambda: T0, worker="w1", links=TEST_LINKS)
    with smtp_server(port) as inbox:
        assert send_due_emails(engine, settings, now=T0, worker="w1") == 1
    [(recipients, mail)] = inbox.mail
    return recipients, mail


def retitle(engine: Engine, world: World, subject: str) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        assert conversation is not None
        conversation.subject = subject
        session.add(conversation)


def test_a_reminder_email_reaches_the_agent_through_smtp(
    engine: Engine, settings: Settings, team: Team
) -> None:
    world = build_world(engine, team)
    port = free_port()
    configure(engine, settings, world, port)
    with Session(engine) as session:
        stored = session.exec(select(SmtpServer)).one()
    assert stored.password_encrypted and "s3cret" not in stored.password_encrypted
    add_reminders(engine, world, [T0])
    fire_due(engine, clock=lambda: T0, worker="w1", links=TEST_LINKS)
    [queued] = emails(engine)
    assert queued.state == AgentEmailState.PENDING and queued.to_address == "olga@acme.test"
    with smtp_server(port) as inbox:
        assert send_due_emails(engine, settings, now=T0, worker="w1") == 1
        assert send_due_emails(engine, settings, now=T0 + timedelta(hours=1), worker="w1") == 0
    [(recipients, mail)] = inbox.mail
    assert recipients == ["olga@acme.test"]
    assert mail["From"] == SENDER and mail["Auto-Submitted"] == "auto-generated"
    assert mail["Subject"] == "Tandem reminder: call back #0 — “Invoice 1042”"
    assert mail["Message-ID"] == f"<tandem-agent-email-{queued.id}@acme.test>"
    assert "Due Tuesday 24 November, 09:00 (UTC)." in mail.get_content()
    [sent] = emails(engine)
    assert sent.state == AgentEmailState.SENT and sent.sent_at == T0 and sent.attempts == 1


def test_a_russian_agent_gets_the_reminder_in_russian_at_her_own_time(
    engine: Engine, settings: Settings, team: Team
) -> None:
    """The team writes English in UTC; Olga reads Tandem in Russian, in Moscow."""
    world = build_world(engine, team)
    with session_scope(engine) as session:
        agent = session.get(User, world.agent.user_id)
        assert agent is not None
        agent.language, agent.timezone = "ru", "Europe/Moscow"
        session.add(agent)
    _, mail = mailed_reminder(engine, settings, world)
    assert mail["Subject"] == "Напоминание Tandem: call back #0 — «Invoice 1042»"
    assert mail.get_content().splitlines() == [
        "call back #0 — «Invoice 1042»",
        "",
        "Срок: вторник, 24 ноября, 12:00 (МСК).",  # noqa: RUF001
        f"Обращение №{world.conversation_id} в Tandem.",
        "",
        f"Открыть обращение: http://127.0.0.1:8000/c/{world.conversation_id}",
    ]


def test_a_failing_server_is_retried_after_the_backoff(
    engine: Engine, settings: Settings, team: Team
) -> None:
    world = build_world(engine, team)
    port = free_port()
    configure(engine, settings, world, port)
    add_reminders(engine, world, [T0])
    fire_due(engine, clock=lambda: T0, worker="w1", links=TEST_LINKS)
    assert send_due_emails(engine, settings, now=T0, worker="w1") == 0
    [failed] = emails(engine)
    assert failed.state == AgentEmailState.PENDING and failed.attempts == 1
    assert failed.last_error and "ConnectionRefusedError" in failed.last_error
    assert failed.next_attempt_at == T0 + timedelta(seconds=30)
    with smtp_server(port) as inbox:
        assert send_due_emails(engine, settings, now=T0 + timedelta(seconds=10), worker="w1") == 0
        assert send_due_emails(engine, settings, now=T0 + timedelta(seconds=30), worker="w1") == 1
    assert len(inbox.mail) == 1
    [sent] = emails(engine)
    assert sent.state == AgentEmailState.SENT and sent.attempts == 2 and sent.last_error is None


def test_no_smtp_server_means_no_email(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    add_reminders(engine, world, [T0])
    fire_due(engine, clock=lambda: T0, worker="w1", links=TEST_LINKS)
    assert emails(engine) == []


def test_an_agent_who_turned_email_off_is_told_in_tandem_only(
    engine: Engine, settings: Settings, team: Team
) -> None:
    world = build_world(engine, team)
    configure(engine, settings, world, free_port())
    with session_scope(engine) as session:
        agent = session.get(User, world.agent.user_id)
        assert agent is not None
        agent.email_notifications = False
        session.add(agent)
    add_reminders(engine, world, [T0])
    fire_due(engine, clock=lambda: T0, worker="w1", links=TEST_LINKS)
    assert emails(engine) == []
    with Session(engine) as session:
        assert len(session.exec(select(Notification)).all()) == 1


def test_a_subject_with_line_breaks_is_mailed_on_one_line(
    engine: Engine, settings: Settings, team: Team
) -> None:
    """A client's subject may carry line breaks (an encoded word can); the reminder mail that
    quotes it still goes out, its Subject one line, no header added."""
    world = build_world(engine, team)
    retitle(engine, world, "Invoice\r\n1042\r\nBcc: thief@attacker.test")
    recipients, mail = mailed_reminder(engine, settings, world)
    assert recipients == ["olga@acme.test"]
    assert (
        mail["Subject"] == "Tandem reminder: call back #0 — “Invoice 1042 Bcc: thief@attacker.test”"
    )
    assert mail["Bcc"] is None


def test_a_long_russian_subject_reaches_the_agent_with_every_space(
    engine: Engine, settings: Settings, team: Team
) -> None:
    """Python's folding ran two words of such a subject together (RFC 2047 drops the space
    between encoded words): the reminder must quote the conversation's subject as it is."""
    world = build_world(engine, team)
    subject = "работает средств не счёт импорт заказ оплата доставка счёт оформления акт"
    retitle(engine, world, subject)
    _, mail = mailed_reminder(engine, settings, world)
    assert mail["Subject"] == f"Tandem reminder: call back #0 — “{subject}”"


def test_an_email_that_cannot_be_written_never_holds_back_the_others(
    engine: Engine, settings: Settings, team: Team
) -> None:
    """A poisoned row (an address no mail can carry) fails on its own: tried again after each
    backoff, then marked failed with its error, while the emails behind it go out."""
    world = build_world(engine, team)
    port = free_port()
    configure(engine, settings, world, port)
    add_reminders(engine, world, [T0, T0, T0])
    fire_due(engine, clock=lambda: T0, worker="w1", links=TEST_LINKS)
    with session_scope(engine) as session:
        poisoned = session.exec(select(AgentEmail).order_by(col(AgentEmail.id))).first()
        assert poisoned is not None
        poisoned.to_address = "olga@acme.test\r\nBcc: thief@attacker.test"
        session.add(poisoned)
        poisoned_id = poisoned.id
    moment = T0
    with smtp_server(port) as inbox:
        assert send_due_emails(engine, settings, now=moment, worker="w1") == 2
        for wait in BACKOFF:
            moment += wait
            assert send_due_emails(engine, settings, now=moment, worker="w1") == 0
    assert len(inbox.mail) == 2
    with Session(engine) as session:
        failed = session.get(AgentEmail, poisoned_id)
    assert failed is not None and failed.state == AgentEmailState.FAILED
    assert failed.attempts == MAX_ATTEMPTS
    assert failed.last_error and failed.last_error.startswith("ValueError")
