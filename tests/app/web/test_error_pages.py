# ruff: noqa: RUF001 - Russian pages are the point
"""A person who follows a stale link or mistypes an address gets a page with the way back;
integrations keep their JSON errors."""

import pytest
from fastapi.testclient import TestClient

from tests.app.web.conftest import Inbox
from tests.conftest import Member

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/c/999999", "Conversation 999999 not found."),
        ("/c/not-a-number", "There is no page at /c/not-a-number."),
        ("/no/such/page", "There is no page at /no/such/page."),
        ("/settings/mailboxes/999999/progress", "Mailbox 999999 not found."),
    ],
)
def test_a_wrong_address_is_a_page_with_the_way_back(
    client: TestClient, csrf: str, path: str, says: str
) -> None:
    page = client.get(path, headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text and says in page.text
    assert '<a href="/inbox">Back to the inbox</a>' in page.text
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_integrations_and_htmx_keep_json_errors(
    client: TestClient, csrf: str, inbox: Inbox, admin: Member
) -> None:
    api = client.get("/api/v1/conversations/999999", headers={**BROWSER, **admin.headers})
    assert api.status_code == 404 and api.json()["detail"] == "conversation 999999 not found"
    fragment = client.get("/c/999999", headers={**BROWSER, "HX-Request": "true"})
    assert fragment.status_code == 404 and fragment.json()["detail"]
    assert client.get("/no/such/page").json() == {"detail": "Not Found"}
    malformed = client.get("/api/v1/conversations/abc", headers={**BROWSER, **admin.headers})
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"] == ["path", "id"]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/c/999999", "Не найдено: обращение 999999."),
        ("/no/such/page", "Страницы /no/such/page нет."),
    ],
)
def test_a_russian_reader_gets_the_page_in_russian(
    client: TestClient, csrf: str, path: str, says: str
) -> None:
    page = client.get(path, headers={**BROWSER, "Accept-Language": "ru-RU,ru;q=0.9"})
    assert page.status_code == 404
    assert '<html lang="ru"' in page.text
    assert "<h1>Не найдено</h1>" in page.text and says in page.text
    assert "Not found" not in page.text


@pytest.mark.parametrize(
    ("language", "title", "says"),
    [
        ("en", "That is not right", "field “choice”: string should have at most 10 characters."),
        ("ru", "Так не получится", "Поле формы «choice»: не больше 10 символов."),
    ],
)
def test_a_form_no_page_would_send_names_its_field_in_the_readers_language(
    client: TestClient, csrf: str, language: str, title: str, says: str
) -> None:
    page = client.post(
        "/rate/any-token",
        data={"choice": "x" * 11, "csrf_token": csrf},
        headers={**BROWSER, "Accept-Language": language},
    )
    assert page.status_code == 422
    assert f"<h1>{title}</h1>" in page.text and says in page.text
