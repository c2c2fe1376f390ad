"""`/api/v1/templates` through the API: members share canned replies, authors and admins delete
them, names are unique per workspace, a template is checked when saved and previewed for a
real conversation with the caller as the agent."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Contact, Conversation, Mailbox, Workspace, id_of
from tests.conftest import Member, Team

URL = "/api/v1/templates"
THANKS = {"name": "Thanks", "body_text": "Thank you, {{ contact.first_name }}!"}


def seed_conversation(engine: Engine, member: Member, contact_name: str) -> int:
    """A conversation of the member's workspace, in Moscow time, with a promise and a client."""
    with session_scope(engine) as session:
        workspace = session.get(Workspace, member.workspace_id)
        assert workspace is not None
        workspace.timezone = "Europe/Moscow"
        mailbox = Mailbox(workspace_id=member.workspace_id, email=f"s{member.workspace_id}@a.test")
        contact = Contact(
            workspace_id=member.workspace_id, email="client@client.test", name=contact_name
        )
        session.add_all([workspace, mailbox, contact])
        session.flush()
        conversation = Conversation(
            workspace_id=member.workspace_id,
            mailbox_id=id_of(mailbox),
            contact_id=id_of(contact),
            gmail_thread_id="t1",
            subject="Invoice",
            promised_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        )
        session.add(conversation)
        session.flush()
        return id_of(conversation)


def test_members_create_list_read_and_change_templates(
    client: TestClient, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    created = client.post(URL, json=THANKS, headers=agent.headers)
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["body_text"], body["body_html"]) == (
        "Thanks",
        THANKS["body_text"],
        None,
    )
    assert body["created_by_id"] == agent.user_id
    other = {"name": "apology", "body_text": "Sorry, {{ contact.name }}."}
    client.post(URL, json=other, headers=admin.headers)
    listed = client.get(URL, headers=admin.headers).json()
    assert [t["name"] for t in listed] == ["apology", "Thanks"], "name order, any case"
    one = f"{URL}/{body['id']}"
    assert client.get(one, headers=admin.headers).json() == body
    changed = client.patch(
        one,
        json={"name": "  Thank you  ", "body_html": "<p>{{ agent.name }}</p>"},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["body_html"]) == (
        "Thank you",
        "<p>{{ agent.name }}</p>",
    )
    assert changed.json()["body_text"] == THANKS["body_text"]
    assert changed.json()["updated_at"] >= body["updated_at"]
    cleared = client.patch(one, json={"body_html": None}, headers=agent.headers)
    assert cleared.json()["body_html"] is None


def test_only_the_author_or_an_admin_deletes(client: TestClient, admin: Member, team: Team) -> None:
    author = team.member(admin.workspace_id, "author@acme.test")
    colleague = team.member(admin.workspace_id, "colleague@acme.test")
    first = client.post(URL, json=THANKS, headers=author.headers).json()
    second = client.post(URL, json={**THANKS, "name": "Other"}, headers=author.headers).json()

    refused = client.delete(f"{URL}/{first['id']}", headers=colleague.headers)
    assert refused.status_code == 403
    assert "author or an admin" in refused.json()["detail"]
    assert client.delete(f"{URL}/{first['id']}", headers=author.headers).status_code == 204
    assert client.delete(f"{URL}/{second['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"{URL}/{first['id']}", headers=admin.headers).status_code == 404
    assert client.get(URL, headers=admin.headers).json() == []


def test_another_workspace_sees_nothing(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    template = client.post(URL, json=THANKS, headers=admin.headers).json()
    other = team.admin_of_new_workspace("Other", "admin@other.test")
    one = f"{URL}/{template['id']}"
    assert client.get(URL, headers=other.headers).json() == []
    assert client.get(one, headers=other.headers).status_code == 404
    assert client.patch(one, json={"name": "x"}, headers=other.headers).status_code == 404
    assert client.delete(one, headers=other.headers).status_code == 404
    own = client.post(URL, json=THANKS, headers=other.headers)
    assert own.status_code == 201, "names are unique per workspace only"
    conversation_id = seed_conversation(engine, admin, "Anna")
    foreign = client.post(
        f"{URL}/{own.json()['id']}/render",
        json={"conversation_id": conversation_id},
        headers=other.headers,
    )
    assert foreign.status_code == 404
    assert f"conversation {conversation_id} not found" in foreign.json()["detail"]


def test_a_duplicate_name_is_a_conflict(client: TestClient, admin: Member) -> None:
    client.post(URL, json=THANKS, headers=admin.headers)
    again = client.post(URL, json={**THANKS, "name": "thanks"}, headers=admin.headers)
    assert again.status_code == 409
    assert "'thanks' already exists" in again.json()["detail"]
    other = client.post(URL, json={**THANKS, "name": "Other"}, headers=admin.headers).json()
    renamed = client.patch(f"{URL}/{other['id']}", json={"name": "Thanks"}, headers=admin.headers)
    assert renamed.status_code == 409
    same = client.patch(f"{URL}/{other['id']}", json={"name": "Other"}, headers=admin.headers)
    assert same.status_code == 200, "keeping its own name is no conflict"


def test_an_unknown_variable_is_refused_on_create_and_on_patch(
    client: TestClient, admin: Member
) -> None:
    bad = {"name": "Bad", "body_text": "Hi {{ contact.nmae }}"}
    created = client.post(URL, json=bad, headers=admin.headers)
    assert created.status_code == 422
    assert created.json()["detail"].startswith("body_text: unknown variable {{ contact.nmae }}")
    html = client.post(URL, json={**THANKS, "body_html": "<p>{{ foo }}</p>"}, headers=admin.headers)
    assert html.status_code == 422
    assert "body_html: unknown variable {{ foo }}" in html.json()["detail"]
    template = client.post(URL, json=THANKS, headers=admin.headers).json()
    one = f"{URL}/{template['id']}"
    patched = client.patch(one, json={"body_text": "{% if x %}"}, headers=admin.headers)
    assert patched.status_code == 422
    assert "syntax error" in patched.json()["detail"]
    unknown = client.patch(one, json={"body_text": "{{ agent.phone }}"}, headers=admin.headers)
    assert "{{ agent.phone }}" in unknown.json()["detail"]
    assert client.get(one, headers=admin.headers).json()["body_text"] == THANKS["body_text"]


def test_empty_and_oversized_fields_are_refused(client: TestClient, admin: Member) -> None:
    for body in (
        {**THANKS, "name": "   "},
        {**THANKS, "name": "n" * 201},
        {**THANKS, "body_text": ""},
        {**THANKS, "body_text": "x" * 50_001},
        {**THANKS, "body_html": "x" * 50_001},
        {"name": "No body"},
    ):
        response = client.post(URL, json=body, headers=admin.headers)
        assert response.status_code == 422, body
        assert response.json()["detail"]
    blank = client.post(URL, json={**THANKS, "body_text": " \n "}, headers=admin.headers)
    assert blank.json()["detail"] == "body_text must not be blank"
    assert client.get(URL, headers=admin.headers).json() == []


def test_the_variables_are_listed(client: TestClient, admin: Member) -> None:
    listed = client.get(f"{URL}/variables", headers=admin.headers).json()
    names = [variable["name"] for variable in listed]
    assert {"contact.name", "agent.name", "conversation.number", "promised_time"} <= set(names)
    assert all(variable["description"] for variable in listed)


def test_a_preview_renders_for_a_conversation_with_the_caller_as_agent(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "boris@acme.test")
    conversation_id = seed_conversation(engine, admin, "Tom & <Jerry>")
    template = client.post(
        URL,
        json={
            "name": "Promise",
            "body_text": (
                "Hi {{ contact.name }}, #{{ conversation.number }} ({{ conversation.subject }}):"
                " by {{ promised_time }}. {{ agent.name }}"
            ),
            "body_html": "<p>Hi {{ contact.name }}</p>",
        },
        headers=admin.headers,
    ).json()

    preview = client.post(
        f"{URL}/{template['id']}/render",
        json={"conversation_id": conversation_id},
        headers=agent.headers,
    )

    assert preview.status_code == 200
    assert preview.json() == {
        "body_text": (
            f"Hi Tom & <Jerry>, #{conversation_id} (Invoice): "
            "by Tuesday 24 November, 15:00 (MSK). boris"
        ),
        "body_html": "<p>Hi Tom &amp; &lt;Jerry&gt;</p>",
    }
    missing = client.post(
        f"{URL}/{template['id']}/render", json={"conversation_id": 999}, headers=agent.headers
    )
    assert missing.status_code == 404
    with session_scope(engine) as session:
        unpromised = session.get(Conversation, conversation_id)
        assert unpromised is not None
        unpromised.promised_at = None
    hole = client.post(
        f"{URL}/{template['id']}/render",
        json={"conversation_id": conversation_id},
        headers=agent.headers,
    )
    assert hole.status_code == 422, "never 'by .' in a mail"
    assert "{{ promised_time }} has no value for this conversation" in hole.json()["detail"]
