"""Changing conversations through the API: transitions, assignment, bulk, and the audit trail."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Notification, Role, WebhookDelivery
from tests.app.api.test_conversations import seed_inbox
from tests.conftest import Member, Team

SOON = (datetime.now(UTC) + timedelta(days=1)).isoformat()


@pytest.fixture
def conversation_ids(engine: Engine, admin: Member) -> list[int]:
    return seed_inbox(engine, admin, 3)


def patch(client: TestClient, member: Member, conversation_id: int, body: dict) -> object:
    return client.patch(
        f"/api/v1/conversations/{conversation_id}", json=body, headers=member.headers
    )


def test_status_changes_are_audited_with_before_and_after(
    client: TestClient, admin: Member, conversation_ids: list[int]
) -> None:
    first = conversation_ids[0]
    response = patch(client, admin, first, {"status": "closed"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    patch(client, admin, first, {"status": "closed"})
    patch(client, admin, first, {"status": "open", "priority": "urgent"})
    events = client.get(f"/api/v1/conversations/{first}/events", headers=admin.headers).json()
    assert [(e["before"], e["after"]) for e in events] == [
        ({"status": "open"}, {"status": "closed"}),
        ({"priority": "normal", "status": "closed"}, {"priority": "urgent", "status": "open"}),
    ]
    assert {e["actor_id"] for e in events} == {admin.user_id}


def test_snoozing_needs_a_future_time_and_waking_clears_it(
    client: TestClient, admin: Member, conversation_ids: list[int]
) -> None:
    first = conversation_ids[0]
    missing = patch(client, admin, first, {"status": "snoozed"})
    assert missing.status_code == 422
    assert "snoozed_until" in missing.json()["detail"]
    past = patch(client, admin, first, {"snoozed_until": "2020-01-01T00:00:00Z"})
    assert past.status_code == 422
    naive = patch(client, admin, first, {"status": "snoozed", "snoozed_until": "2030-01-01T00:00"})
    assert naive.status_code == 422
    snoozed = patch(client, admin, first, {"snoozed_until": SOON}).json()
    assert (snoozed["status"], snoozed["snoozed_until"] is not None) == ("snoozed", True)
    woken = patch(client, admin, first, {"status": "open"}).json()
    assert (woken["status"], woken["snoozed_until"]) == ("open", None)


def test_assigning_checks_the_assignee_and_notifies_them(
    client: TestClient, admin: Member, team: Team, engine: Engine, conversation_ids: list[int]
) -> None:
    first = conversation_ids[0]
    agent = team.member(admin.workspace_id, "agent@acme.test")
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    foreign = patch(client, admin, first, {"assignee_id": stranger.user_id})
    assert foreign.status_code == 422
    assert "not an active user" in foreign.json()["detail"]
    assert (
        patch(client, admin, first, {"assignee_id": agent.user_id}).json()["assignee_id"]
        == agent.user_id
    )
    patch(client, agent, conversation_ids[2], {"assignee_id": agent.user_id})
    with Session(engine) as session:
        notices = session.exec(select(Notification)).all()
    assert [(n.user_id, n.conversation_id, n.kind) for n in notices] == [
        (agent.user_id, first, "assigned")
    ], "taking a conversation yourself notifies nobody"
    unassigned = patch(client, admin, first, {"assignee_id": None}).json()
    assert unassigned["assignee_id"] is None
    mine = client.get("/api/v1/conversations", params={"view": "mine"}, headers=agent.headers)
    assert [item["id"] for item in mine.json()["items"]] == [conversation_ids[2]]


def test_deactivated_users_cannot_be_assigned(
    client: TestClient, admin: Member, team: Team, conversation_ids: list[int]
) -> None:
    leaver = team.member(admin.workspace_id, "leaver@acme.test")
    client.patch(
        f"/api/v1/users/{leaver.user_id}", json={"is_active": False}, headers=admin.headers
    )
    assert (
        patch(client, admin, conversation_ids[0], {"assignee_id": leaver.user_id}).status_code
        == 422
    )


@pytest.mark.parametrize(
    "body",
    [
        {"status": "done"},
        {"priority": "asap"},
        {"assignee_id": "bob"},
        {"tags": "vip"},
        {"tags": [f"t{i}" for i in range(30)]},
        {"tags": ["x" * 80]},
    ],
)
def test_bad_changes_are_422_with_a_message(
    client: TestClient, admin: Member, conversation_ids: list[int], body: dict
) -> None:
    response = patch(client, admin, conversation_ids[0], body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_tags_are_trimmed_and_deduplicated(
    client: TestClient, admin: Member, conversation_ids: list[int]
) -> None:
    tags = patch(client, admin, conversation_ids[0], {"tags": [" vip", "vip", "billing ", ""]})
    assert tags.json()["tags"] == ["vip", "billing"]
    tagged = client.get("/api/v1/conversations", params={"tag": "billing"}, headers=admin.headers)
    assert [item["id"] for item in tagged.json()["items"]] == [conversation_ids[0]]


def test_bulk_changes_all_or_nothing(
    client: TestClient, admin: Member, team: Team, engine: Engine, conversation_ids: list[int]
) -> None:
    other = seed_inbox(engine, team.admin_of_new_workspace("Other", "o@other.test"), 1)
    refused = client.post(
        "/api/v1/conversations/bulk",
        headers=admin.headers,
        json={"ids": [*conversation_ids, *other], "changes": {"status": "closed"}},
    )
    assert refused.status_code == 404
    counts = client.get("/api/v1/conversations/counts", headers=admin.headers).json()
    assert counts["closed"] == 1, "nothing changed"
    done = client.post(
        "/api/v1/conversations/bulk",
        headers=admin.headers,
        json={"ids": conversation_ids, "changes": {"status": "closed"}},
    )
    assert done.status_code == 200
    assert {item["status"] for item in done.json()} == {"closed"}
    counts = client.get("/api/v1/conversations/counts", headers=admin.headers).json()
    assert (counts["closed"], counts["open"], counts["all"]) == (3, 0, 3)
    too_many = client.post(
        "/api/v1/conversations/bulk",
        headers=admin.headers,
        json={"ids": list(range(1, 502)), "changes": {"status": "open"}},
    )
    assert too_many.status_code == 422


def test_counts_follow_the_views(
    client: TestClient, admin: Member, team: Team, conversation_ids: list[int]
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test", Role.AGENT)
    patch(client, admin, conversation_ids[0], {"assignee_id": agent.user_id})
    patch(client, admin, conversation_ids[2], {"status": "pending"})
    counts = client.get("/api/v1/conversations/counts", headers=agent.headers).json()
    assert counts == {
        "mine": 1,
        "unassigned": 0,
        "open": 1,
        "pending": 1,
        "snoozed": 0,
        "overdue": 0,
        "closed": 1,
        "automated": 0,
        "all": 3,
    }


def test_changes_are_announced_to_webhooks(
    client: TestClient, admin: Member, engine: Engine, conversation_ids: list[int]
) -> None:
    hook = client.post(
        "/api/v1/webhooks",
        headers=admin.headers,
        json={
            "url": "https://hooks.test/hook",
            "events": ["conversation.updated", "conversation.closed"],
        },
    )
    assert hook.status_code == 201
    patch(client, admin, conversation_ids[0], {"priority": "high"})
    patch(client, admin, conversation_ids[0], {"status": "closed"})
    patch(client, admin, conversation_ids[0], {"status": "closed"})
    with Session(engine) as session:
        deliveries = session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [d.event for d in deliveries] == [
        "conversation.updated",
        "conversation.updated",
        "conversation.closed",
    ]
    assert deliveries[0].payload["changes"] == {"priority": ["normal", "high"]}
