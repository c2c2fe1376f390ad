"""The composer's template insertion: `/templates/{id}/text` renders a canned reply for one
conversation behind the web session, as the API's preview does."""

from fastapi.testclient import TestClient

from tests.app.web.conftest import Inbox
from tests.conftest import Member, Team


def _template(client: TestClient, admin: Member) -> int:
    body = {"name": "Thanks", "body_text": "Hello {{ contact.first_name }}, thank you."}
    created = client.post("/api/v1/templates", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_the_rendered_text_comes_back_for_the_reply_box(
    client: TestClient, admin: Member, inbox: Inbox, csrf: str
) -> None:
    template = _template(client, admin)

    answer = client.get(f"/templates/{template}/text?conversation_id={inbox.conversation_id}")

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "Hello Olga, thank you."
    page = client.get(f"/c/{inbox.conversation_id}").text
    assert f'data-conversation="{inbox.conversation_id}"' in page


def test_a_missing_conversation_is_a_clear_422(
    client: TestClient, admin: Member, inbox: Inbox, csrf: str
) -> None:
    answer = client.get(f"/templates/{_template(client, admin)}/text")

    assert answer.status_code == 422
    assert "conversation_id" in answer.json()["detail"]


def test_another_workspaces_conversation_is_404(
    client: TestClient, admin: Member, inbox: Inbox, csrf: str, team: Team
) -> None:
    template = _template(client, admin)
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    strangers_template = _template(client, stranger)

    unknown = client.get(f"/templates/{template}/text?conversation_id=999999")
    mine_with_theirs = client.get(
        f"/templates/{strangers_template}/text?conversation_id={inbox.conversation_id}"
    )

    assert unknown.status_code == 404
    assert mine_with_theirs.status_code == 404
