"""A conversation's activity page: its audit trail in plain words, with who did it and when in
the workspace's time zone; another workspace's conversation is not reachable."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.accounts import workspace_of
from app.core.db import session_scope
from app.core.models import AuditEvent, Role, User
from tests.app.web.conftest import Inbox, seed
from tests.conftest import Member, Team


def _entries(page: str) -> list[str]:
    listed = page.split('id="activity">')[1].split("</ol>")[0]
    return [item.split("</time>")[1].split("</li>")[0].strip() for item in listed.split("<li>")[1:]]


def test_who_did_what_reads_as_sentences_in_the_workspace_zone(
    client: TestClient, csrf: str, admin: Member, team: Team, inbox: Inbox, engine: Engine
) -> None:
    ben = team.member(admin.workspace_id, "ben@acme.test", Role.AGENT)
    with session_scope(engine) as session:
        workspace_of(session, admin.workspace_id).timezone = "Asia/Tokyo"
        session.get_one(User, ben.user_id).name = "Ben"
        session.get_one(User, admin.user_id).name = "Anna"
    page = client.get(f"/c/{inbox.conversation_id}").text
    assert f'href="/c/{inbox.conversation_id}/activity"' in page
    client.post(
        f"/c/{inbox.conversation_id}/update",
        data={
            "csrf_token": csrf,
            "assignee": str(ben.user_id),
            "status": "open",
            "priority": "high",
            "tags": "billing",
        },
    )
    client.post(f"/c/{inbox.conversation_id}/notes", data={"csrf_token": csrf, "body": "Call"})
    with session_scope(engine) as session:
        session.add(
            AuditEvent(
                workspace_id=admin.workspace_id,
                conversation_id=inbox.conversation_id,
                actor_id=ben.user_id,
                action="reply.sender_only",
                details={"reason": "Private salary question", "dropped": ["piotr@client.test"]},
                created_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
            )
        )
    answer = client.get(f"/c/{inbox.conversation_id}/activity")
    assert answer.status_code == 200
    assert "times in Asia/Tokyo" in answer.text
    assert "Nov 20, 2026, 18:30" in answer.text  # 09:30 UTC in Tokyo
    entries = _entries(answer.text)
    assert (
        "Ben replied to the sender only: Private salary question (leaving out "
        "piotr@client.test)." in entries
    )
    assert (
        "Anna assigned it to Ben; Anna set the priority to high; Anna set the tags to billing."
        in entries
    )
    assert "Anna added a note." in entries


def test_a_conversation_without_changes_says_so(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    answer = client.get(f"/c/{inbox.conversation_id}/activity")
    assert "Nothing has happened to it yet." in answer.text


def test_another_workspaces_activity_is_not_reachable(
    client: TestClient, csrf: str, team: Team, engine: Engine
) -> None:
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    theirs = seed(engine, other)
    answer = client.get(f"/c/{theirs.conversation_id}/activity")
    assert answer.status_code == 404
