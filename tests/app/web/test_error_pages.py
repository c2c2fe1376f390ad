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
