"""The inbox list and a conversation's timeline through the API."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Attachment, Contact, Conversation, Mailbox, Message, Note, Role, id_of
from tests.conftest import Member, Team

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def seed_inbox(engine: Engine, member: Member, count: int) -> list[int]:
    """`count` conversations, the last one newest, two sharing one timestamp."""
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=member.workspace_id, email=f"s{member.workspace_id}@a.test")
        session.add(mailbox)
        session.flush()
        ids = []
        for index in range(count):
            when = START + timedelta(minutes=index if index != 3 else 2)
            conversation = Conversation(
                workspace_id=member.workspace_id,
                mailbox_id=id_of(mailbox),
                gmail_thread_id=f"t{index}",
                subject=f"Question {index}",
                status="closed" if index % 2 else "open",
                last_message_at=when,
            )
            session.add(conversation)
            session.flush()
            ids.append(id_of(conversation))
        return ids


def test_pages_walk_every_conversation_once_newest_first(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    ids = seed_inbox(engine, admin, 7)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/conversations", params=params, headers=admin.headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))
    assert seen[0] == ids[-1]
    assert seen.index(ids[3]) < seen.index(ids[2]), "same time: the higher id first"


def test_filters_by_status_and_refuses_bad_input(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    seed_inbox(engine, admin, 6)
    closed = client.get("/api/v1/conversations", params={"status": "closed"}, headers=admin.headers)
    assert {item["status"] for item in closed.json()["items"]} == {"closed"}
    assert len(closed.json()["items"]) == 3
    bad_status = client.get(
        "/api/v1/conversations", params={"status": "done"}, headers=admin.headers
    )
    assert bad_status.status_code == 422
    bad_cursor = client.get("/api/v1/conversations", params={"cursor": "x"}, headers=admin.headers)
    assert bad_cursor.status_code == 422
    assert "cursor" in bad_cursor.json()["detail"]


def test_timeline_has_messages_attachments_and_notes(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    conversation_id = seed_inbox(engine, admin, 1)[0]
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        for minute, text in ((2, "Second"), (1, "First")):
            message = Message(
                workspace_id=admin.workspace_id,
                conversation_id=conversation_id,
                mailbox_id=conversation.mailbox_id,
                gmail_id=text,
                from_address="c@client.test",
                from_name="Client",
                visible_text=text,
                date=START + timedelta(minutes=minute),
            )
            session.add(message)
            session.flush()
        session.add(
            Attachment(
                workspace_id=admin.workspace_id,
                message_id=id_of(message),
                filename="report.pdf",
                size=10,
            )
        )
        session.add(
            Note(
                workspace_id=admin.workspace_id,
                conversation_id=conversation_id,
                author_id=admin.user_id,
                body="VIP client",
            )
        )
    body = client.get(f"/api/v1/conversations/{conversation_id}", headers=admin.headers).json()
    assert [m["text"] for m in body["messages"]] == ["First", "Second"]
    assert body["messages"][0]["from"] == "Client <c@client.test>"
    assert body["messages"][0]["attachments"][0]["filename"] == "report.pdf"
    assert [n["body"] for n in body["notes"]] == ["VIP client"]


def test_other_workspaces_conversations_stay_invisible(
    client: TestClient, engine: Engine, admin: Member, team
) -> None:
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    seed_inbox(engine, other, 3)
    assert client.get("/api/v1/conversations", headers=admin.headers).json()["items"] == []


def test_the_view_shows_the_client_and_their_other_conversations(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    ids = seed_inbox(engine, admin, 4)
    with session_scope(engine) as session:
        contact = Contact(workspace_id=admin.workspace_id, email="olga@client.test", name="Olga")
        session.add(contact)
        session.flush()
        for conversation_id in ids[:3]:
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.contact_id = id_of(contact)
            session.add(conversation)
    body = client.get(f"/api/v1/conversations/{ids[0]}", headers=admin.headers).json()
    assert body["contact"] == {
        "id": body["contact_id"],
        "email": "olga@client.test",
        "name": "Olga",
    }
    assert [c["id"] for c in body["contact_history"]] == [ids[2], ids[1]]
    lone = client.get(f"/api/v1/conversations/{ids[3]}", headers=admin.headers).json()
    assert (lone["contact"], lone["contact_history"]) == (None, [])


def test_new_mail_between_pages_neither_repeats_nor_skips(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    ids = seed_inbox(engine, admin, 5)
    first = client.get("/api/v1/conversations", params={"limit": 2}, headers=admin.headers).json()
    with session_scope(engine) as session:
        mailbox_id = session.get(Conversation, ids[0]).mailbox_id  # type: ignore[union-attr]
        session.add(
            Conversation(
                workspace_id=admin.workspace_id,
                mailbox_id=mailbox_id,
                gmail_thread_id="late",
                subject="Arrived meanwhile",
                last_message_at=START + timedelta(days=1),
            )
        )
    rest = client.get(
        "/api/v1/conversations",
        params={"limit": 50, "cursor": first["next_cursor"]},
        headers=admin.headers,
    ).json()
    walked = [c["id"] for c in first["items"] + rest["items"]]
    assert sorted(walked) == sorted(ids)
    assert rest["next_cursor"] is None
    fresh = client.get("/api/v1/conversations", params={"limit": 1}, headers=admin.headers).json()
    assert fresh["items"][0]["subject"] == "Arrived meanwhile"


def test_an_empty_inbox_and_an_exact_last_page(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    empty = client.get("/api/v1/conversations", headers=admin.headers).json()
    assert empty == {"items": [], "next_cursor": None}
    seed_inbox(engine, admin, 4)
    first = client.get("/api/v1/conversations", params={"limit": 2}, headers=admin.headers).json()
    last = client.get(
        "/api/v1/conversations",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=admin.headers,
    ).json()
    assert len(last["items"]) == 2
    assert last["next_cursor"] is None, "no empty page after an exactly full one"
    huge = client.get("/api/v1/conversations", params={"limit": 10_000}, headers=admin.headers)
    assert huge.status_code == 422


def test_counts_agree_with_every_view_list(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test", Role.AGENT)
    ids = seed_inbox(engine, admin, 24)
    statuses = ["open", "pending", "snoozed", "closed"]
    with session_scope(engine) as session:
        for index, conversation_id in enumerate(ids):
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.status = statuses[index % 4]
            conversation.assignee_id = [None, agent.user_id, admin.user_id][index % 3]
            session.add(conversation)
    seed_inbox(engine, team.admin_of_new_workspace("Other", "boss@other.test"), 5)
    for member in (admin, agent):
        counts = client.get("/api/v1/conversations/counts", headers=member.headers).json()
        for view, count in counts.items():
            params = {"view": view, "limit": 200}
            listed = client.get("/api/v1/conversations", params=params, headers=member.headers)
            assert len(listed.json()["items"]) == count, (member.user_id, view)
        assert counts["all"] == 24 and counts["mine"] == 6


def test_automated_conversations_leave_the_open_work_views_and_their_counts(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test", Role.AGENT)
    ids = seed_inbox(engine, admin, 32)
    statuses = ["open", "pending", "snoozed", "closed"]
    with session_scope(engine) as session:
        for index, conversation_id in enumerate(ids):
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.status = statuses[index % 4]
            conversation.assignee_id = [None, agent.user_id][index // 4 % 2]
            conversation.automated = index // 8 % 2 == 1
            conversation.sla_due_at = START - timedelta(hours=1)
            session.add(conversation)
    automated = {cid for index, cid in enumerate(ids) if index // 8 % 2 == 1}
    for member in (admin, agent):
        counts = client.get("/api/v1/conversations/counts", headers=member.headers).json()
        for view, count in counts.items():
            params = {"view": view, "limit": 200}
            listed = client.get("/api/v1/conversations", params=params, headers=member.headers)
            found = {item["id"] for item in listed.json()["items"]}
            assert len(found) == count, (member.user_id, view)
            if view in ("mine", "unassigned", "open", "pending", "overdue"):
                assert not found & automated, view
            if view == "automated":
                assert found <= automated
        assert counts["automated"] == 8, "the open and pending ones: 16 automated, half closed"
        assert counts["all"] == 32
        assert (counts["open"], counts["pending"], counts["snoozed"]) == (4, 4, 8)
    agent_counts = client.get("/api/v1/conversations/counts", headers=agent.headers).json()
    assert (agent_counts["mine"], agent_counts["overdue"], agent_counts["unassigned"]) == (6, 4, 2)
