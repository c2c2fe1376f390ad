# ruff: noqa: RUF001 - Russian pages are the point
"""The interface in the reader's language and zone: the browser's language until the person
picks one on the Account page, which also sets the zone their times are shown in."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import ApiToken
from tests.app.web.conftest import csrf_of
from tests.conftest import Member

RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}


def test_a_russian_browser_gets_the_sign_in_page_in_russian(client: TestClient) -> None:
    page = client.get("/login", headers=RUSSIAN)
    assert page.headers["content-language"] == "ru"
    assert '<html lang="ru">' in page.text
    assert "<h1>Войти</h1>" in page.text and "Забыли пароль?" in page.text
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text and "<h1>Sign in</h1>" in english.text


def test_a_person_picks_english_over_a_russian_browser_and_a_zone_of_their_own(
    client: TestClient, csrf: str, admin: Member, engine: Engine
) -> None:
    client.headers.update(RUSSIAN)
    with session_scope(engine) as session:
        token = ApiToken(
            workspace_id=admin.workspace_id,
            user_id=admin.user_id,
            name="CRM",
            token_hash="x" * 64,
            prefix="tdm_abcd",
            created_at=datetime(2026, 12, 4, 15, 30, tzinfo=UTC),
        )
        session.add(token)
    russian = client.get("/account").text
    assert "Язык и часовой пояс" in russian and "администратор" in russian
    assert ">Входящие</a>" in russian and ">Выйти</button>" in russian, "the top bar too"
    assert "4 дек. 2026\u202fг., 15:30" in russian, "UTC, the workspace's zone, in Russian"

    answer = client.post(
        "/account/preferences",
        data={"csrf_token": csrf_of(russian), "language": "en", "timezone": "Europe/Moscow"},
    )
    assert answer.status_code == 200
    assert '<html lang="en">' in answer.text
    assert "Saved: Tandem now speaks your language" in answer.text
    assert "Dec 4, 2026, 18:30" in answer.text, "the token's time in Moscow"
    me = client.get("/api/v1/me", headers=admin.headers).json()
    assert (me["language"], me["timezone"]) == ("en", "Europe/Moscow")

    wrong = client.post(
        "/account/preferences",
        data={"csrf_token": csrf_of(answer.text), "language": "en", "timezone": "Mars/Base"},
    )
    assert wrong.status_code == 422
    assert "unknown time zone &#39;Mars/Base&#39;" in wrong.text
    assert 'value="Mars/Base"' in wrong.text, "what was typed stays"
    assert client.get("/api/v1/me", headers=admin.headers).json()["timezone"] == "Europe/Moscow"

    back = client.post(
        "/account/preferences",
        data={"csrf_token": csrf_of(wrong.text), "language": "", "timezone": ""},
    )
    assert '<html lang="ru">' in back.text, "the browser's language again"
    assert "4 дек. 2026\u202fг., 15:30" in back.text
