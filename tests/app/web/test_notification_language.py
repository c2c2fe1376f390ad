"""A notification is written when it is read, in its reader's language: one assignment told to
a Russian agent and to an English one in the same team reads in each one's own language in the
bell, in the toast of their open tab and in their e-mail, and in English in the API. A
notification from before they kept their values still shows its English text."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Conversation, Notification, SmtpSecurity, User, utcnow
from app.core.settings import Settings
from gmail_sync.oauth import TokenCipher
from inbox.agent_mail import SmtpSettings, configure_smtp, send_due_emails
from inbox.changes import change_conversation
from tests.app.web.conftest import Inbox, seed, sign_in
from tests.app.web.live_server import Stream, serving, signed_in
from tests.conftest import Member, Team
from tests.inbox.test_agent_mail import free_port, smtp_server

IN_RUSSIAN = "admin назначает вам обращение «Invoice is wrong»"
IN_ENGLISH = "admin assigned you “Invoice is wrong”"


@pytest.fixture
def olga(team: Team, admin: Member, engine: Engine) -> Member:
    """Reads Tandem in Russian, in Moscow; her team writes English in UTC."""
    member = team.member(admin.workspace_id, "olga@acme.test")
    with session_scope(engine) as session:
        user = session.get(User, member.user_id)
        assert user is not None
        user.language, user.timezone = "ru", "Europe/Moscow"
    return member


@pytest.fixture
def ben(team: Team, admin: Member) -> Member:
    """Follows the team: English."""
    return team.member(admin.workspace_id, "ben@acme.test")


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as opened:
        yield opened


def assign(engine: Engine, conversation_id: int, actor: Member, assignee: Member) -> None:
    with session_scope(engine) as session:
        user = session.get(User, actor.user_id)
        conversation = session.get(Conversation, conversation_id)
        assert user is not None and conversation is not None
        change_conversation(
            session=session,
            conversation=conversation,
            actor=user,
            changes={"assignee_id": assignee.user_id},
            now=utcnow(),
        )


def mails_through_smtp(engine: Engine, settings: Settings, workspace_id: int) -> int:
    port = free_port()
    smtp = SmtpSettings("127.0.0.1", port, "tandem@acme.test", SmtpSecurity.NONE)
    with session_scope(engine) as session:
        configure_smtp(
            session,
            workspace_id=workspace_id,
            smtp=smtp,
            cipher=TokenCipher(settings),
            now=utcnow(),
        )
    return port


def test_one_event_reads_in_each_agents_language_in_the_bell_by_mail_and_english_in_the_api(
    client: TestClient,
    browser: TestClient,
    engine: Engine,
    settings: Settings,
    admin: Member,
    olga: Member,
    ben: Member,
    inbox: Inbox,
) -> None:
    port = mails_through_smtp(engine, settings, admin.workspace_id)
    assign(engine, inbox.conversation_id, admin, olga)
    assign(engine, inbox.conversation_id, admin, ben)

    sign_in(client, olga)
    russian = client.get("/notifications").text
    assert f'<a href="/c/{inbox.conversation_id}">{IN_RUSSIAN}</a>' in russian
    assert "Отметить все прочитанными" in russian and IN_ENGLISH not in russian
    sign_in(browser, ben)
    english = browser.get("/notifications").text
    assert f'<a href="/c/{inbox.conversation_id}">{IN_ENGLISH}</a>' in english
    assert "Mark all read" in english

    with smtp_server(port) as received:
        assert send_due_emails(engine, settings, now=utcnow(), worker="test") == 2
    mail = {recipients[0]: message for recipients, message in received.mail}
    assert mail[olga.email]["Subject"] == f"Tandem: {IN_RUSSIAN}"
    link = f"http://127.0.0.1:8000/c/{inbox.conversation_id}"
    lines = mail[olga.email].get_content().splitlines()
    assert lines == [IN_RUSSIAN, "", f"Открыть обращение: {link}"]
    assert mail[ben.email]["Subject"] == f"Tandem: {IN_ENGLISH}"
    lines = mail[ben.email].get_content().splitlines()
    assert lines == [IN_ENGLISH, "", f"Open the conversation: {link}"]

    [told] = client.get("/api/v1/notifications", headers=olga.headers).json()
    assert told["text"] == IN_ENGLISH, "the API speaks English to everyone"
    assert (told["kind"], told["params"]) == (
        "assigned",
        {"subject": "Invoice is wrong", "actor": "admin"},
    )


def test_a_notification_from_before_shows_its_english_text_as_it_was(
    client: TestClient, engine: Engine, olga: Member, inbox: Inbox
) -> None:
    with session_scope(engine) as session:
        session.add(
            Notification(
                workspace_id=olga.workspace_id,
                user_id=olga.user_id,
                conversation_id=inbox.conversation_id,
                kind="client_reply",
                text="Olga replied to “Invoice is wrong”",
                created_at=utcnow(),
            )
        )
    sign_in(client, olga)
    menu = client.get("/notifications").text
    assert f'<a href="/c/{inbox.conversation_id}">Olga replied to “Invoice is wrong”</a>' in menu
    [told] = client.get("/api/v1/notifications", headers=olga.headers).json()
    assert (told["text"], told["params"]) == ("Olga replied to “Invoice is wrong”", None)


def test_the_toast_in_an_open_tab_reads_in_its_agents_language(
    app: FastAPI, engine: Engine, admin: Member, olga: Member, ben: Member
) -> None:
    inbox = seed(engine, admin)
    with serving(app) as url:
        browsers = [signed_in(url, member) for member in (olga, ben)]
        tabs = [Stream(opened) for opened in browsers]
        try:
            assign(engine, inbox.conversation_id, admin, olga)
            assign(engine, inbox.conversation_id, admin, ben)
            said = {}
            for member, tab in zip((olga, ben), tabs, strict=True):
                events = [tab.next() for _ in range(3)]
                [notice] = [event for event in events if event.kind == "notification"]
                said[member.email] = notice.data["text"]
        finally:
            for opened in (*tabs, *browsers):
                opened.close()
    assert said == {olga.email: IN_RUSSIAN, ben.email: IN_ENGLISH}
