# ruff: noqa: RUF001 - Russian replies are the point
"""A reply in another language than the client's, or in two languages at once (a canned reply
in the wrong language), is pointed out before it goes; a short or quoted line never is."""

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Conversation
from app.core.settings import Settings
from inbox.written_language import text_languages
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
RUSSIAN = "Здравствуйте! Мы уже разбираемся с вашим заказом и скоро ответим."
ENGLISH = "Hello Olga, thank you for writing. We are looking into your order now."


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        (RUSSIAN, ["ru"]),
        (ENGLISH, ["en"]),
        (f"{RUSSIAN}\n\n{ENGLISH}", ["ru", "en"]),
        ("Спасибо! Order 1042 is here: https://acme.test/o/1042", []),
        (f"{RUSSIAN}\n\n> {ENGLISH}", ["ru"]),
        ("Заказ ACME-PRO-2000 (лицензия Enterprise) уже отправлен вам сегодня.", ["ru"]),
        ("", []),
    ],
    ids=["russian", "english", "both", "too-short", "quoted", "latin-names", "empty"],
)
def test_the_language_of_each_paragraph_is_its_alphabet(text: str, languages: list[str]) -> None:
    assert text_languages(text) == languages


@pytest.fixture
def russian_conversation(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> str:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    question = "Добрый день! Где мой заказ? Я оплатил его неделю назад, а письма так и нет."
    deliver(control, SUPPORT, make_mail("Заказ", question, sender="olga@client.test"))
    run_sync(engine, sync_settings, connect_via_api(tandem, admin.headers, SUPPORT))
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()
    return f"/api/v1/conversations/{conversation_id}/reply"


def test_an_english_canned_reply_to_a_russian_client_is_held_until_confirmed(
    russian_conversation: str, tandem: TestClient, admin: Member
) -> None:
    template = tandem.post(
        "/api/v1/templates", json={"name": "Thanks", "body_text": ENGLISH}, headers=admin.headers
    ).json()
    held = tandem.post(
        russian_conversation, json={"template_id": template["id"]}, headers=admin.headers
    )
    assert held.status_code == 409
    assert "the reply is in English, but the client writes in Russian" in held.json()["detail"]
    mixed = tandem.post(
        russian_conversation,
        json={"body_text": f"{RUSSIAN}\n\n{ENGLISH}"},
        headers=admin.headers,
    )
    assert mixed.status_code == 409
    assert "partly in Russian and English" in mixed.json()["detail"]
    sent = tandem.post(
        russian_conversation,
        json={"template_id": template["id"], "confirm": True},
        headers=admin.headers,
    )
    assert sent.status_code == 201, sent.text
    russian = tandem.post(russian_conversation, json={"body_text": RUSSIAN}, headers=admin.headers)
    assert russian.status_code == 201, russian.text
