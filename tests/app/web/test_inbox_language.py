# ruff: noqa: RUF001 - Russian pages are the point
"""The inbox and a conversation in the reader's language and zone: a Russian browser reads them
(and the refusals of their forms) in Russian, a person who chose English reads English whatever
the browser says, times are in the person's own zone, and the reply and note boxes are
spell-checked in the language the mailbox writes to clients in."""

import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.i18n import reading_as
from app.core.models import Conversation, Mailbox, User, Workspace
from app.web.pages import file_size
from tests.app.web.conftest import Inbox, csrf_of
from tests.conftest import Member

RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}


def _prefer(engine: Engine, member: Member, language: str | None, zone: str | None) -> None:
    with session_scope(engine) as session:
        user = session.get(User, member.user_id)
        assert user is not None
        user.language, user.timezone = language, zone


def test_a_russian_browser_reads_the_inbox_in_russian(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    page = client.get("/inbox", headers=RUSSIAN)
    assert page.status_code == 200 and '<html lang="ru">' in page.text
    text = page.text
    assert ">Входящие · Tandem<" in text
    assert "Все открытые" in text and "Неназначенные" in text and "Закрытые" in text
    assert 'placeholder="Поиск по темам, письмам, людям, заметкам' in text
    assert '<option value="pending">В ожидании</option>' in text, "the value stays English"
    assert 'aria-label="Отметить «Invoice is wrong»"' in text
    assert 'title="Не назначено">Не назначено</span>' in text
    assert "Горячие клавиши: <kbd>?</kbd>" in text
    assert "Search subjects" not in text and "All open" not in text
    counts = json.loads(re.search(r'data-counts="([^"]+)"', text).group(1).replace("&#34;", '"'))
    assert counts["one"] == "Пока вы отмечали обращения, список обновился: {count} изменение."
    assert counts["few"].endswith("{count} изменения.") and counts["many"].endswith("изменений.")

    refused = client.get("/inbox?since=yesterday", headers=RUSSIAN)
    assert refused.status_code == 422
    assert "«Активность с»: укажите день (ГГГГ-ММ-ДД)." in refused.text


def test_a_russian_browser_reads_a_conversation_and_its_refusals_in_russian(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    client.headers.update(RUSSIAN)
    page = client.get(f"/c/{inbox.conversation_id}")
    text = page.text
    assert '<html lang="ru">' in text
    assert '<span class="badge status-open">открыто</span>' in text
    assert '<option value="snoozed">Отложено</option>' in text
    assert "Ваш ответ" in text and "Отправить всем" in text and "Отправить и закрыть" in text
    assert 'data-sender="Отправить только отправителю"' in text, "the script's word too"
    assert "Внутренняя заметка — клиент её не видит" in text
    assert ">Через 3 часа</option>" in text and "Пообещать ответ" in text
    assert "Кому</span>" in text and "Другие обращения" in text
    assert "Your reply" not in text and "Snooze" not in text

    past = client.post(
        f"/c/{inbox.conversation_id}/snooze",
        data={"csrf_token": csrf_of(text), "when": "custom", "custom": "2020-01-01T10:00"},
    )
    assert past.status_code == 422
    assert "отложить можно только до времени в будущем" in past.text
    assert 'value="2020-01-01T10:00"' in past.text, "the time typed stays"

    empty = client.post(
        f"/c/{inbox.conversation_id}/reply",
        data={"csrf_token": csrf_of(text), "body_text": "   "},
    )
    assert empty.status_code == 422 and '<p class="error" role="alert" id="error">ответ пустой' in (
        empty.text
    )

    activity = client.get(f"/c/{inbox.conversation_id}/activity")
    assert "С обращением пока ничего не происходило." in activity.text
    assert "время в поясе UTC" in activity.text


def test_english_chosen_on_the_account_wins_over_a_russian_browser(
    client: TestClient, csrf: str, admin: Member, inbox: Inbox, engine: Engine
) -> None:
    _prefer(engine, admin, "en", None)
    client.headers.update(RUSSIAN)
    page = client.get("/inbox")
    assert '<html lang="en">' in page.text and "All open" in page.text
    assert "Все открытые" not in page.text
    conversation = client.get(f"/c/{inbox.conversation_id}").text
    assert "Your reply" in conversation and "Send to all" in conversation
    past = client.post(
        f"/c/{inbox.conversation_id}/snooze",
        data={"csrf_token": csrf_of(conversation), "when": "custom", "custom": "2020-01-01T10:00"},
    )
    assert past.status_code == 422 and "snoozed_until must be in the future" in past.text


def test_times_are_in_the_persons_own_zone(
    client: TestClient, csrf: str, admin: Member, inbox: Inbox, engine: Engine
) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        conversation.status = "snoozed"
        conversation.snoozed_until = datetime(2030, 11, 20, 9, 30, tzinfo=UTC)
    _prefer(engine, admin, None, "Asia/Tokyo")
    english = client.get(f"/c/{inbox.conversation_id}").text
    assert "Snoozed until Nov 20, 2030, 18:30</span>" in english, "09:30 UTC in Tokyo"
    assert "UTC" not in re.sub(r"\s+", " ", english.split('<p class="meta">')[1][:400])
    russian = client.get(f"/c/{inbox.conversation_id}", headers=RUSSIAN).text
    assert "Отложено до 20 нояб. 2030\u202fг., 18:30</span>" in russian
    rows = client.get("/inbox?view=snoozed", headers=RUSSIAN).text
    assert '<span class="badge status-snoozed">отложено</span>' in rows


def test_the_reply_and_note_boxes_are_spell_checked_in_the_mailboxs_language(
    client: TestClient, csrf: str, admin: Member, inbox: Inbox, engine: Engine
) -> None:
    def boxes() -> list[str]:
        page = client.get(f"/c/{inbox.conversation_id}").text
        return re.findall(r"<textarea [^>]*>", page)

    with session_scope(engine) as session:
        workspace = session.get(Workspace, admin.workspace_id)
        assert workspace is not None
        workspace.language = "ru"
    assert len(boxes()) == 2
    assert all('spellcheck="true" lang="ru"' in box for box in boxes()), "the team's language"
    with session_scope(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        mailbox = session.get(Mailbox, conversation.mailbox_id)
        assert mailbox is not None
        mailbox.language = "en"
    assert all('spellcheck="true" lang="en"' in box for box in boxes()), "the mailbox's own"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(1, "1 байт"), (3, "3 байта"), (200, "200 байт"), (2458, "2,4 КБ"), (3250586, "3,1 МБ")],
)
def test_attachment_sizes_in_russian(size: int, shown: str) -> None:
    with reading_as("ru", ZoneInfo("UTC")):
        assert file_size(size) == shown
