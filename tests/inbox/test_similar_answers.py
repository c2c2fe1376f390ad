# ruff: noqa: RUF001 - Russian mail
"""Answers that worked before (GET /api/v1/conversations/{id}/similar) and a sent reply saved as
a template (POST /api/v1/messages/{id}/template), on SQLite FTS5 and PostgreSQL."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.models import (
    Contact,
    Conversation,
    Direction,
    Mailbox,
    Message,
    MessageKind,
    MessageState,
    Note,
    id_of,
)
from inbox.templates import context_for, render_text
from tests.conftest import Member, Team

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass
class Thread:
    id: int
    question_id: int
    reply_ids: list[int]


class History:
    """Conversations of one workspace as sync and the outbox write them: the client's mail,
    the team's replies sent, the close."""

    def __init__(self, engine: Engine, member: Member, start: datetime = START) -> None:
        self.engine, self.member, self.start = engine, member, start
        with session_scope(engine) as session:
            mailbox = Mailbox(workspace_id=member.workspace_id, email=f"s{member.user_id}@a.test")
            session.add(mailbox)
            session.flush()
            self.mailbox_id = id_of(mailbox)
        self.count = 0

    def thread(
        self,
        subject: str,
        question: str,
        *replies: str,
        status: str = "closed",
        resolution: str | None = None,
        note: str | None = None,
        client: tuple[str, str] | None = None,
    ) -> Thread:
        """`client` is the client's name and address, for a conversation with a known client."""
        self.count += 1
        at = self.start + timedelta(hours=self.count)
        with session_scope(self.engine) as session:
            contact_id = None
            if client is not None:
                name, email = client
                contact = Contact(workspace_id=self.member.workspace_id, name=name, email=email)
                session.add(contact)
                session.flush()
                contact_id = id_of(contact)
            conversation = Conversation(
                contact_id=contact_id,
                workspace_id=self.member.workspace_id,
                mailbox_id=self.mailbox_id,
                gmail_thread_id=f"t{self.count}",
                subject=subject,
                status=status,
                first_message_at=at,
                last_message_at=at + timedelta(minutes=len(replies) + 1),
                closed_at=at + timedelta(minutes=30) if status == "closed" else None,
            )
            session.add(conversation)
            session.flush()
            asked = self._message(conversation, 0, question, Direction.INBOUND, at)
            session.add(asked)
            session.flush()
            sent = []
            for turn, reply in enumerate(replies, start=1):
                message = self._message(
                    conversation, turn, reply, Direction.OUTBOUND, at + timedelta(minutes=turn)
                )
                session.add(message)
                session.flush()
                sent.append(id_of(message))
            if resolution is not None:
                message = self._message(
                    conversation, 9, resolution, Direction.OUTBOUND, at + timedelta(minutes=29)
                )
                message.kind = MessageKind.RESOLUTION
                session.add(message)
            if note is not None:
                session.add(
                    Note(
                        workspace_id=self.member.workspace_id,
                        conversation_id=id_of(conversation),
                        author_id=self.member.user_id,
                        body=note,
                    )
                )
            return Thread(id_of(conversation), id_of(asked), sent)

    def _message(
        self, conversation: Conversation, turn: int, body: str, direction: Direction, at: datetime
    ) -> Message:
        outbound = direction == Direction.OUTBOUND
        return Message(
            workspace_id=self.member.workspace_id,
            conversation_id=id_of(conversation),
            mailbox_id=self.mailbox_id,
            gmail_id=f"m{conversation.id}.{turn}",
            from_address="support@acme.test" if outbound else "client@client.test",
            to=["client@client.test"] if outbound else ["support@acme.test"],
            subject=conversation.subject,
            visible_text=body,
            text_body=body,
            direction=direction,
            state=MessageState.SENT if outbound else MessageState.RECEIVED,
            kind=MessageKind.REPLY if outbound else None,
            sent_by_user_id=self.member.user_id if outbound else None,
            date=at,
        )


@pytest.fixture
def history(engine: Engine, admin: Member) -> History:
    return History(engine, admin)


def similar(client: TestClient, member: Member, conversation_id: int) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/v1/conversations/{conversation_id}/similar", headers=member.headers
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


EXCEL_ANSWER = (
    "Hello Anna,\n\nthe export to Excel needs the new file format: choose Settings > Export "
    "and tick XLSX, then export the invoices again."
)
RUSSIAN_ANSWER = (
    "Здравствуйте, Ольга!\n\nВыгрузка счетов в Excel работает в новом формате: откройте "
    "Настройки > Выгрузка и выберите XLSX, затем выгрузите счета ещё раз."
)


def test_offers_the_closed_conversation_a_rephrased_question_matches(
    client: TestClient, history: History
) -> None:
    answered = history.thread(
        "Export of invoices to Excel fails",
        "Hello, when I export our invoices to Excel the file is empty. What is wrong?",
        "Thank you, we are looking into it.",
        EXCEL_ANSWER,
        resolution="We believe your request is solved, so we are closing it.",
    )
    history.thread(
        "Password reset link expired",
        "Hello, the password reset link you sent me has expired before I could use it.",
        "Here is a new link, it works for an hour.",
    )
    history.thread(
        "Delivery address change",
        "Please change the delivery address of my last order to our new office.",
        "Done: the order goes to the new office.",
    )
    asked = history.thread(
        "Can't export my invoices to Excel",
        "Hi, exporting invoices to Excel gives me an empty spreadsheet since Monday.",
        status="open",
    )
    found = similar(client, history.member, asked.id)
    assert found[0]["conversation_id"] == answered.id
    assert found[0]["subject"] == "Export of invoices to Excel fails"
    assert found[0]["answer_text"] == EXCEL_ANSWER
    assert found[0]["language"] == "en"
    assert found[0]["closed_at"] is not None
    assert 0 < found[0]["score"] <= 1
    assert all(item["conversation_id"] != asked.id for item in found)


def test_russian_question_finds_the_russian_answer(client: TestClient, history: History) -> None:
    english = history.thread(
        "Export of invoices to Excel fails",
        "When I export invoices to Excel the file is empty, what is wrong with the export?",
        EXCEL_ANSWER,
    )
    russian = history.thread(
        "Выгрузка счетов в Excel не работает",
        "Здравствуйте! При выгрузке счетов в Excel получается пустой файл, что не так?",
        RUSSIAN_ANSWER,
    )
    history.thread(
        "Не приходит письмо для сброса пароля",
        "Здравствуйте, письмо со ссылкой для сброса пароля так и не пришло.",
        "Отправили письмо ещё раз, проверьте папку «Спам».",
    )
    asked = history.thread(
        "Не могу выгрузить счета в Excel",
        "Добрый день! Пытаюсь выгрузить счета за ноябрь в Excel, а файл пустой.",
        status="open",
    )
    found = similar(client, history.member, asked.id)
    assert [item["conversation_id"] for item in found] == [russian.id]
    assert found[0]["answer_text"] == RUSSIAN_ANSWER
    assert found[0]["language"] == "ru"
    english_asked = history.thread(
        "Excel export of invoices is empty",
        "The invoices I export to Excel come out as an empty file, please help.",
        status="open",
    )
    assert similar(client, history.member, english_asked.id)[0]["conversation_id"] == english.id


def test_the_conversations_language_comes_first(client: TestClient, history: History) -> None:
    """The English conversation shares more words (the error code, the product names), yet
    the Russian answer is offered first to a client who writes in Russian."""
    english = history.thread(
        "Excel XLSX error E1042 on Windows",
        "Saving invoices as Excel XLSX on Windows stops with error E1042.",
        EXCEL_ANSWER,
    )
    russian = history.thread(
        "Выгрузка счетов в Excel не работает",
        "Здравствуйте! При выгрузке счетов в Excel получается пустой файл.",
        RUSSIAN_ANSWER,
    )
    asked = history.thread(
        "Выгрузка счетов в Excel: ошибка E1042, Windows, XLSX",
        "Здравствуйте! Выгружаю счета в Excel, а программа пишет ошибку E1042. У меня Windows.",
        status="open",
    )
    found = similar(client, history.member, asked.id)
    assert [item["conversation_id"] for item in found] == [russian.id, english.id]
    assert [item["language"] for item in found] == ["ru", "en"]
    assert found[1]["score"] > found[0]["score"]


def test_never_offers_open_work_other_workspaces_or_internal_notes(
    client: TestClient, history: History, team: Team, engine: Engine
) -> None:
    history.thread(
        "Export of invoices to Excel fails",
        "When I export invoices to Excel the file is empty.",
        "We are still looking into the export.",
        status="open",
    )
    silent = history.thread(
        "Invoices export to Excel broken",
        "The Excel export of my invoices is broken.",
        note="Internal: the Excel export bug is ours, refund them quietly",
    )
    other = History(engine, team.admin_of_new_workspace("Other", "boss@other.test"))
    other.thread(
        "Export of invoices to Excel fails",
        "When I export invoices to Excel the file is empty.",
        EXCEL_ANSWER,
    )
    asked = history.thread(
        "Can't export my invoices to Excel",
        "Exporting invoices to Excel gives me an empty spreadsheet.",
        status="open",
    )
    found = similar(client, history.member, asked.id)
    assert found == []
    assert silent.id not in [item["conversation_id"] for item in found]


def test_another_workspace_cannot_ask_about_a_conversation(
    client: TestClient, history: History, team: Team
) -> None:
    asked = history.thread("Excel export", "Exporting invoices to Excel fails.", status="open")
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    response = client.get(f"/api/v1/conversations/{asked.id}/similar", headers=stranger.headers)
    assert response.status_code == 404


def test_saves_a_sent_reply_as_a_template(client: TestClient, history: History) -> None:
    thread = history.thread(
        "Export of invoices to Excel fails", "The Excel file is empty.", EXCEL_ANSWER
    )
    headers = history.member.headers
    response = client.post(
        f"/api/v1/messages/{thread.reply_ids[0]}/template", json={}, headers=headers
    )
    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["name"] == "Export of invoices to Excel fails"
    assert saved["body_text"] == EXCEL_ANSWER
    listed = client.get("/api/v1/templates", headers=headers).json()
    assert [template["name"] for template in listed] == ["Export of invoices to Excel fails"]
    again = client.post(
        f"/api/v1/messages/{thread.reply_ids[0]}/template", json={}, headers=headers
    )
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]
    named = client.post(
        f"/api/v1/messages/{thread.reply_ids[0]}/template",
        json={"name": "Excel export: XLSX"},
        headers=headers,
    )
    assert named.status_code == 201
    assert named.json()["name"] == "Excel export: XLSX"


@pytest.mark.parametrize(
    ("who", "reply", "saved", "greeting"),
    [
        (
            ("Anna Petrova", "anna@client.test"),
            "Hello Anna,\n\ntick XLSX, Anna, and export again.",
            "Hello {{ contact.first_name }},\n\ntick XLSX, Anna, and export again.",
            "Hello Boris,",
        ),
        (
            ("Анна Петрова", "anna@client.test"),
            "Здравствуйте, Анна Петрова!\n\nВключите XLSX и выгрузите снова.",
            "Здравствуйте, {{ contact.name }}!\n\nВключите XLSX и выгрузите снова.",
            "Здравствуйте, Boris Lee!",
        ),
        (
            ("", "olga.k@client.test"),
            "Hi olga.k,\nplease export again.",
            "Hi {{ contact.first_name }},\nplease export again.",
            "Hi Boris,",
        ),
        (
            ("Anna Petrova", "anna@client.test"),
            "Good morning,\nAnna's export is fixed.",
            "Good morning,\nAnna's export is fixed.",
            "Good morning,",
        ),
    ],
)
def test_a_saved_reply_greets_the_next_client_by_their_name(
    client: TestClient,
    history: History,
    engine: Engine,
    who: tuple[str, str],
    reply: str,
    saved: str,
    greeting: str,
) -> None:
    """The greeting names whoever the template is used for next; the rest stays as written."""
    thread = history.thread("Excel", "The Excel file is empty.", reply, client=who)
    boris = ("Boris Lee", "b@c.test")
    next_one = history.thread("Excel too", "Empty file.", status="open", client=boris)
    response = client.post(
        f"/api/v1/messages/{thread.reply_ids[0]}/template", json={}, headers=history.member.headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["body_text"] == saved
    with Session(engine) as session:
        conversation = session.get(Conversation, next_one.id)
        assert conversation is not None
        variables = context_for(session, conversation, None).variables()
    assert render_text(saved, variables).splitlines()[0] == greeting


def test_only_a_sent_reply_of_the_workspace_becomes_a_template(
    client: TestClient, history: History, team: Team, engine: Engine
) -> None:
    thread = history.thread("Excel", "The Excel file is empty.", EXCEL_ANSWER)
    refused = client.post(
        f"/api/v1/messages/{thread.question_id}/template", json={}, headers=history.member.headers
    )
    assert refused.status_code == 422
    assert "sent" in refused.json()["detail"]
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    response = client.post(
        f"/api/v1/messages/{thread.reply_ids[0]}/template", json={}, headers=stranger.headers
    )
    assert response.status_code == 404
    assert client.get("/api/v1/templates", headers=history.member.headers).json() == []
