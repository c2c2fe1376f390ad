"""`/api/v1/notifications`: a mention lands in the mentioned user's list, newest first; read
marks stick; nobody sees or marks anyone else's."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.app.api.test_notes import add, seed_conversation
from tests.conftest import Member, Team

URL = "/api/v1/notifications"


def test_mentions_arrive_newest_first_and_are_marked_read(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    first = seed_conversation(engine, admin.workspace_id, subject="Invoice #114")
    add(client, admin, first, "@anna see the invoice")
    add(client, admin, first, "@anna@acme.test and again")
    items = client.get(URL, headers=anna.headers).json()
    assert [(n["kind"], n["conversation_id"], n["read_at"]) for n in items] == [
        ("mention", first, None),
        ("mention", first, None),
    ]
    assert items[0]["id"] > items[1]["id"], "newest first"
    assert items[0]["text"] == "admin mentioned you in a note on “Invoice #114”"
    assert client.get(URL, headers=admin.headers).json() == [], "the author is not told"

    read = client.post(f"{URL}/{items[1]['id']}/read", headers=anna.headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = client.post(f"{URL}/{items[1]['id']}/read", headers=anna.headers).json()
    assert again["read_at"] == read.json()["read_at"], "the first read time stays"
    unread = client.get(URL, params={"unread": True}, headers=anna.headers).json()
    assert [n["id"] for n in unread] == [items[0]["id"]]

    marked = client.post(f"{URL}/read-all", headers=anna.headers)
    assert marked.json() == {"marked": 1}
    assert client.get(URL, params={"unread": True}, headers=anna.headers).json() == []
    assert len(client.get(URL, headers=anna.headers).json()) == 2


def test_nobody_sees_or_marks_another_users_notifications(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    colleague = team.member(admin.workspace_id, "boris@acme.test")
    stranger = team.admin_of_new_workspace("Other", "admin@other.test")
    conversation = seed_conversation(engine, admin.workspace_id)
    add(client, admin, conversation, "@anna look")
    (notice,) = client.get(URL, headers=anna.headers).json()
    for other in (colleague, admin, stranger):
        assert client.get(URL, headers=other.headers).json() == []
        refused = client.post(f"{URL}/{notice['id']}/read", headers=other.headers)
        assert refused.status_code == 404
        assert client.post(f"{URL}/read-all", headers=other.headers).json() == {"marked": 0}
    assert client.get(URL, params={"unread": True}, headers=anna.headers).json() == [notice]


def test_the_list_is_limited(client: TestClient, engine: Engine, admin: Member, team: Team) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    conversation = seed_conversation(engine, admin.workspace_id)
    for number in range(3):
        add(client, admin, conversation, f"@anna number {number}")
    assert len(client.get(URL, params={"limit": 2}, headers=anna.headers).json()) == 2
    assert client.get(URL, params={"limit": 0}, headers=anna.headers).status_code == 422
