"""Notes through the API: writing, editing with history, soft deletion and restoring, who may do
which, the pinned handoff, mentions refused before anything is stored, the audit trail and the
internal-only `note.created` webhook."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.models import (
    AuditEvent,
    Conversation,
    Mailbox,
    Note,
    Notification,
    User,
    WebhookDelivery,
    id_of,
)
from tests.conftest import Member, Team


def seed_conversation(engine: Engine, workspace_id: int, subject: str = "Invoice #114") -> int:
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=workspace_id, email=f"support-{workspace_id}@acme.test")
        session.add(mailbox)
        session.flush()
        conversation = Conversation(
            workspace_id=workspace_id,
            mailbox_id=id_of(mailbox),
            gmail_thread_id=f"t-{workspace_id}",
            subject=subject,
        )
        session.add(conversation)
        session.flush()
        return id_of(conversation)


def rename(engine: Engine, member: Member, name: str) -> None:
    with session_scope(engine) as session:
        user = session.get(User, member.user_id)
        assert user is not None
        user.name = name
        session.add(user)


def notes_url(conversation_id: int) -> str:
    return f"/api/v1/conversations/{conversation_id}/notes"


def add(client: TestClient, member: Member, conversation_id: int, body: str, **extra: str) -> dict:
    response = client.post(
        notes_url(conversation_id), json={"body": body, **extra}, headers=member.headers
    )
    assert response.status_code == 201, response.text
    result: dict = response.json()
    return result


def actions(engine: Engine) -> list[tuple[str, dict]]:
    with Session(engine) as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
        return [(row.action, row.details) for row in rows if row.action.startswith("note.")]


def test_a_note_is_written_rendered_and_listed(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    note = add(client, admin, conversation, "Refund **approved**:\n\n- paid\n- `#114`")
    assert note["kind"] == "note" and note["author_id"] == admin.user_id
    assert note["conversation_id"] == conversation and note["is_pinned"] is False
    assert "<strong>approved</strong>" in note["html"] and "<li>paid</li>" in note["html"]
    assert note["edited_at"] is None and note["deleted_at"] is None
    listed = client.get(notes_url(conversation), headers=admin.headers).json()
    assert listed == [note]
    assert client.get(f"/api/v1/notes/{note['id']}", headers=admin.headers).json() == note
    assert actions(engine) == [("note.created", {"note_id": note["id"], "kind": "note"})]


def test_bad_bodies_are_refused_with_a_message(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    for body in ({}, {"body": "  \n "}):
        blank = client.post(notes_url(conversation), json=body, headers=admin.headers)
        assert blank.status_code == 422
        assert blank.json()["detail"] == "a note's body must not be blank"
    long = client.post(notes_url(conversation), json={"body": "x" * 20_001}, headers=admin.headers)
    assert long.status_code == 422
    exactly = client.post(
        notes_url(conversation), json={"body": "x" * 20_000}, headers=admin.headers
    )
    assert exactly.status_code == 201
    kind = client.post(
        notes_url(conversation), json={"body": "a", "kind": "x"}, headers=admin.headers
    )
    assert kind.status_code == 422


def test_the_author_edits_and_the_history_is_kept(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    note = add(client, admin, conversation, "first")
    url = f"/api/v1/notes/{note['id']}"
    for body in ("second", "third"):
        changed = client.patch(url, json={"body": body}, headers=admin.headers)
        assert changed.status_code == 200
    assert changed.json()["body"] == "third" and changed.json()["edited_at"] is not None
    same = client.patch(url, json={"body": "third"}, headers=admin.headers).json()
    assert same["edited_at"] == changed.json()["edited_at"], "no change, no revision"
    revisions = client.get(f"{url}/revisions", headers=admin.headers).json()
    assert [r["body"] for r in revisions] == ["second", "first"]
    assert {r["edited_by_id"] for r in revisions} == {admin.user_id}
    assert revisions[0]["html"] == "<p>second</p>\n"
    assert [a for a, _ in actions(engine)] == ["note.created", "note.edited", "note.edited"]


def test_nobody_but_the_author_edits_not_even_an_admin(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    author = team.member(admin.workspace_id, "author@acme.test")
    colleague = team.member(admin.workspace_id, "colleague@acme.test")
    conversation = seed_conversation(engine, admin.workspace_id)
    note = add(client, author, conversation, "mine")
    url = f"/api/v1/notes/{note['id']}"
    for other in (colleague, admin):
        refused = client.patch(url, json={"body": "theirs"}, headers=other.headers)
        assert refused.status_code == 403
    assert client.get(url, headers=admin.headers).json()["body"] == "mine"
    assert client.get(f"{url}/revisions", headers=admin.headers).json() == []


def test_the_author_or_an_admin_deletes_and_only_an_admin_restores(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    author = team.member(admin.workspace_id, "author@acme.test")
    colleague = team.member(admin.workspace_id, "colleague@acme.test")
    conversation = seed_conversation(engine, admin.workspace_id)
    first, second = (add(client, author, conversation, text) for text in ("one", "two"))
    one, two = (f"/api/v1/notes/{n['id']}" for n in (first, second))
    assert client.delete(one, headers=colleague.headers).status_code == 403
    assert client.delete(one, headers=author.headers).status_code == 204
    assert client.delete(two, headers=admin.headers).status_code == 204, "an admin deletes any"
    assert client.get(notes_url(conversation), headers=author.headers).json() == []
    assert client.get(one, headers=author.headers).status_code == 404
    assert client.patch(one, json={"body": "x"}, headers=author.headers).status_code == 404
    hidden = client.get(
        notes_url(conversation), params={"include_deleted": True}, headers=author.headers
    )
    assert hidden.status_code == 403
    all_notes = client.get(
        notes_url(conversation), params={"include_deleted": True}, headers=admin.headers
    ).json()
    assert [(n["body"], n["deleted_by_id"]) for n in all_notes] == [
        ("one", author.user_id),
        ("two", admin.user_id),
    ]
    assert client.post(f"{one}/restore", headers=author.headers).status_code == 403
    restored = client.post(f"{one}/restore", headers=admin.headers)
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None and restored.json()["deleted_by_id"] is None
    assert [
        n["body"] for n in client.get(notes_url(conversation), headers=author.headers).json()
    ] == ["one"]
    assert [a for a, _ in actions(engine)][2:] == ["note.deleted", "note.deleted", "note.restored"]


def test_another_workspace_gets_404(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    stranger = team.admin_of_new_workspace("Other", "admin@other.test")
    conversation = seed_conversation(engine, admin.workspace_id)
    note = add(client, admin, conversation, "ours")
    url = f"/api/v1/notes/{note['id']}"
    attempts = [
        client.get(notes_url(conversation), headers=stranger.headers),
        client.post(notes_url(conversation), json={"body": "x"}, headers=stranger.headers),
        client.get(url, headers=stranger.headers),
        client.patch(url, json={"body": "x"}, headers=stranger.headers),
        client.get(f"{url}/revisions", headers=stranger.headers),
        client.delete(url, headers=stranger.headers),
        client.post(f"{url}/restore", headers=stranger.headers),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert all("ours" not in r.text for r in attempts)


def test_a_handoff_is_pinned_on_top_in_place_of_the_previous_one(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    conversation = seed_conversation(engine, admin.workspace_id)
    add(client, admin, conversation, "early note")
    first = add(client, admin, conversation, "Anna owns it", kind="handoff")
    add(client, admin, conversation, "middle note")
    assert first["is_pinned"] is True
    second = add(client, admin, conversation, "Boris owns it", kind="handoff")

    def order() -> list[tuple[str, bool]]:
        notes = client.get(notes_url(conversation), headers=admin.headers).json()
        return [(n["body"], n["is_pinned"]) for n in notes]

    assert order() == [
        ("Boris owns it", True),
        ("early note", False),
        ("Anna owns it", False),
        ("middle note", False),
    ]
    client.delete(f"/api/v1/notes/{second['id']}", headers=admin.headers)
    assert order()[0] == ("Anna owns it", True), "the previous handoff comes back on top"
    client.post(f"/api/v1/notes/{second['id']}/restore", headers=admin.headers)
    assert order()[0] == ("Boris owns it", True)
    assert sum(pinned for _, pinned in order()) == 1
    timeline = client.get(f"/api/v1/conversations/{conversation}", headers=admin.headers).json()
    assert [(n["body"], n["is_pinned"]) for n in timeline["notes"]] == order()
    assert timeline["notes"][0]["html"] == "<p>Boris owns it</p>\n"


def test_mentions_are_stored_and_refused_before_anything_is_stored(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    team.admin_of_new_workspace("Other", "boris@other.test")
    conversation = seed_conversation(engine, admin.workspace_id)
    note = add(client, admin, conversation, "@anna@acme.test please call")
    assert note["mentions"] == [anna.user_id]
    assert '<span class="mention">@anna@acme.test</span>' in note["html"]
    for body, named in (("ask @boris@other.test", "@boris@other.test"), ("ask @Nobody", "@Nobody")):
        refused = client.post(notes_url(conversation), json={"body": body}, headers=admin.headers)
        assert refused.status_code == 422
        assert refused.json()["detail"] == f"{named} is not a member of this workspace"
    with Session(engine) as session:
        assert len(session.exec(select(Note)).all()) == 1
        assert len(session.exec(select(Notification)).all()) == 1


def test_note_created_reaches_internal_webhooks_only(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    hooks = "/api/v1/webhooks"
    for internal in (True, False):
        created = client.post(
            hooks,
            json={
                "url": f"https://hooks.test/{internal}",
                "events": ["note.created", "conversation.updated"],
                "is_internal": internal,
            },
            headers=admin.headers,
        )
        assert created.status_code == 201
    conversation = seed_conversation(engine, admin.workspace_id)
    note = add(client, admin, conversation, "secret marker 7f3a")
    with Session(engine) as session:
        deliveries = session.exec(select(WebhookDelivery)).all()
        internal_ids = {
            hook["id"]
            for hook in client.get(hooks, headers=admin.headers).json()
            if hook["is_internal"]
        }
    assert [(d.event, d.subscription_id in internal_ids) for d in deliveries] == [
        ("note.created", True)
    ]
    assert deliveries[0].payload["note"]["id"] == note["id"]
    assert deliveries[0].payload["note"]["body"] == "secret marker 7f3a"
