# ruff: noqa: RUF001 - Russian pages are the point
"""Settings in the reader's language: a Russian browser gets every settings page, its
confirmations and the refusals of its forms in Russian, while the REST API answers the same
refusal in English whatever the browser says."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Mailbox, MailboxStatus, Role
from tests.app.web.conftest import csrf_of, sign_in
from tests.conftest import Member, Team

RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}


@pytest.fixture
def russian(client: TestClient, csrf: str) -> TestClient:
    client.headers.update(RUSSIAN)
    return client


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/settings/workspace", ["Рабочее пространство", "Язык писем клиентам", "Сохранить"]),
        ("/settings", ["Почтовые ящики", "Подключить Gmail", "Почтовых ящиков пока нет."]),
        ("/settings/team", ["Добавить участника", "Временный пароль", ">администратор<"]),
        ("/settings/sla", ["Рабочие часы", "Понедельник", "Праздники", "Сроки ответа"]),
        ("/settings/templates", ["Новый шаблон", "Доступные переменные", "Шаблонов пока нет."]),
        ("/settings/mail", ["Исходящая почта", "Адрес отправителя", "Шифрование"]),
        ("/settings/webhooks", ["Новый вебхук", "Вебхуков нет.", "События"]),
        ("/settings/tokens", ["API-токены", "Создать токен", "Владелец"]),
        ("/settings/queues", ["Очереди", "Ответы клиентам", "Последние сбои", "Фоновые процессы"]),
    ],
)
def test_each_settings_page_reads_in_russian(
    russian: TestClient, path: str, words: list[str]
) -> None:
    page = russian.get(path)
    assert page.status_code == 200
    assert '<html lang="ru">' in page.text
    assert 'aria-label="Настройки"' in page.text and ">SLA и график</a>" in page.text
    for word in words:
        assert word in page.text, word
    for english in ("Save</button>", ">Workspace<", ">Mailboxes<", "No tokens yet", "Delete<"):
        assert english not in page.text, english


def test_a_mailboxs_pages_read_in_russian(
    russian: TestClient, admin: Member, engine: Engine
) -> None:
    with session_scope(engine) as session:
        mailbox = Mailbox(
            workspace_id=admin.workspace_id,
            email="help@acme.test",
            status=MailboxStatus.NEEDS_REAUTH,
        )
        session.add(mailbox)
        session.flush()
        mailbox_id = mailbox.id
    listed = russian.get("/settings").text
    assert "нужно переподключить" in listed and "Переподключить Gmail" in listed
    assert "Изменить настройки help@acme.test" in listed
    page = russian.get(f"/settings/mailboxes/{mailbox_id}").text
    assert "Автоответ о получении" in page and "Имя отправителя" in page
    answer = russian.post(
        f"/settings/mailboxes/{mailbox_id}",
        data={"csrf_token": csrf_of(page), "auto_ack_text": "Hi {{ contact.nickname }}"},
    )
    assert answer.status_code == 422
    assert "неизвестная переменная {{ contact.nickname }}" in answer.text
    disconnect = russian.get(f"/settings/mailboxes/{mailbox_id}/disconnect").text
    assert "Отключить help@acme.test?" in disconnect


def test_a_bad_hour_is_refused_in_russian_on_the_page_and_in_english_by_the_api(
    russian: TestClient, csrf: str, admin: Member
) -> None:
    page = russian.get("/settings/sla").text
    typed = {
        "csrf_token": csrf_of(page),
        "timezone": "Europe/Moscow",
        "first_response_minutes": "600",
        "next_response_minutes": "60",
        "urgent_response_minutes": "30",
        "max_response_minutes": "120",
        "mon": "09:00-25:00",
        "tue": "18:00-09:00",
        "holidays": "2026-13-01",
    }
    answer = russian.post("/settings/sla", data=typed)
    assert answer.status_code == 422
    assert "&#39;25:00&#39; — не время суток (ЧЧ:ММ, от 00:00 до 24:00)" in answer.text
    assert "18:00-09:00 — начало должно быть раньше конца" in answer.text
    assert "праздник &#39;2026-13-01&#39; — не дата (ГГГГ-ММ-ДД)" in answer.text
    assert 'value="09:00-25:00"' in answer.text, "what was typed stays"
    fixed = {**typed, "mon": "09:00-18:00", "tue": "", "holidays": ""}
    capped = russian.post("/settings/sla", data=fixed)
    assert capped.status_code == 422
    assert (
        '<span class="field-error" id="first_response_minutes-error">срок первого ответа '
        "(600 мин) не может быть больше предельного срока (120 мин)</span>"
    ) in capped.text, "a rule over two fields shows beside the one it names"

    policy = {
        "timezone": "Europe/Moscow",
        "business_hours": {"mon": [["09:00", "25:00"]]},
        "first_response_minutes": 60,
        "next_response_minutes": 60,
        "max_response_minutes": 120,
    }
    api = russian.put("/api/v1/sla-policy", json=policy, headers=admin.headers)
    assert api.status_code == 422
    assert "mon: '25:00' is not a time of day (HH:MM, 00:00 to 24:00)" in api.text


def test_a_bad_webhook_url_is_refused_in_russian_and_in_english_by_the_api(
    russian: TestClient, csrf: str, admin: Member
) -> None:
    page = russian.get("/settings/webhooks").text
    form = {
        "csrf_token": csrf_of(page),
        "url": "ftp://hooks.example.com",
        "events": "message.received",
    }
    answer = russian.post("/settings/webhooks", data=form)
    assert answer.status_code == 422
    assert (
        '<span class="field-error" id="url-error">адрес вебхука должен быть полным URL '
        "http:// или https:// с именем хоста</span>"
    ) in answer.text
    none = russian.post(
        "/settings/webhooks", data={"csrf_token": csrf_of(page), "url": "https://a.example"}
    )
    assert none.status_code == 422 and "Выберите хотя бы 1 значение" in none.text

    body = {"url": "ftp://hooks.example.com", "events": ["message.received"]}
    api = russian.post("/api/v1/webhooks", json=body, headers=admin.headers)
    assert api.status_code == 422
    assert api.json()["detail"] == (
        "webhook url must be an absolute http:// or https:// URL with a host"
    )


def test_confirmations_and_template_errors_read_in_russian(russian: TestClient) -> None:
    page = russian.get("/settings/templates").text
    made = russian.post(
        "/settings/templates",
        data={"csrf_token": csrf_of(page), "name": "Спасибо", "body_text": "Спасибо!"},
    )
    assert "Шаблон «Спасибо» создан." in made.text
    twice = russian.post(
        "/settings/templates",
        data={"csrf_token": csrf_of(page), "name": "спасибо", "body_text": "{{ agent.age }}"},
    )
    assert twice.status_code == 422
    assert 'id="body_text-error">Текст: неизвестная переменная {{ agent.age }}' in twice.text
    clash = russian.post(
        "/settings/templates",
        data={"csrf_token": csrf_of(page), "name": "спасибо", "body_text": "Да"},
    )
    assert clash.status_code == 409
    assert 'id="name-error">шаблон с названием &#39;спасибо&#39; уже есть' in clash.text


def test_the_admins_only_page_reads_in_russian(
    client: TestClient, team: Team, admin: Member
) -> None:
    sign_in(client, team.member(admin.workspace_id, "agent@acme.test", Role.AGENT))
    answer = client.get("/settings/team", headers=RUSSIAN)
    assert answer.status_code == 403
    assert "<h1>Только для администраторов</h1>" in answer.text
    assert "Настройки доступны только администраторам рабочего пространства." in answer.text
