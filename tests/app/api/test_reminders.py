"""The reminders API: custom reminders and follow-ups, listing, cancelling, the scheduler's
status for admins and the SMTP server for reminder email; validation and workspace scoping."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.models import Reminder, ReminderState, Template, User, id_of, utcnow
from app.core.settings import Settings
from app.main import create_app
from inbox.reminder_firing import fire_due
from tests.conftest import TEST_LINKS, Member, Team
from tests.inbox.reminder_world import World, build_world

URL = "/api/v1/conversations/{}/reminders"


@pytest.fixture
def world(engine: Engine, team: Team) -> World:
    return build_world(engine, team)


def soon(minutes: int = 30) -> str:
    return (utcnow() + timedelta(minutes=minutes)).isoformat()


def add(client: TestClient, member: Member, conversation_id: int, **body: Any) -> Any:
    response = client.post(URL.format(conversation_id), json=body, headers=member.headers)
    assert response.status_code == 201, response.text
    return response.json()


def template_of(engine: Engine, workspace_id: int) -> int:
    with session_scope(engine) as session:
        template = Template(workspace_id=workspace_id, name="Bye", body_text="Closing, thanks.")
        session.add(template)
        session.flush()
        return id_of(template)


def test_a_custom_reminder_is_for_the_caller_by_default(client: TestClient, world: World) -> None:
    due = soon()
    created = add(client, world.agent, world.conversation_id, due_at=due, text=" Call Anna ")
    assert created["user_id"] == created["created_by_id"] == world.agent.user_id
    assert created["kind"] == "custom" and created["state"] == "pending"
    assert created["text"] == "Call Anna" and created["action"] is None
    assert datetime.fromisoformat(created["due_at"]) == datetime.fromisoformat(due)
    listed = client.get("/api/v1/reminders", headers=world.admin.headers).json()
    assert listed == [created]


def test_follow_ups_remind_or_close_with_a_template(
    client: TestClient, world: World, engine: Engine
) -> None:
    template_id = template_of(engine, world.workspace_id)
    remind = add(client, world.agent, world.conversation_id, due_at=soon(), kind="followup")
    close = add(
        client,
        world.agent,
        world.conversation_id,
        due_at=soon(60),
        kind="followup",
        action="close",
        template_id=template_id,
        user_id=world.admin.user_id,
    )
    assert remind["action"] == "remind" and remind["template_id"] is None
    assert close["action"] == "close" and close["template_id"] == template_id
    assert close["user_id"] == world.admin.user_id


@pytest.mark.parametrize(
    "body",
    [
        {"due_at": "2030-01-01T09:00:00"},
        {"due_at": "2020-01-01T09:00:00Z"},
        {"due_at": "next week"},
        {"due_at": "2030-01-01T09:00:00Z", "kind": "promise"},
        {"due_at": "2030-01-01T09:00:00Z", "action": "remind"},
        {"due_at": "2030-01-01T09:00:00Z", "kind": "followup", "action": "close"},
        {"due_at": "2030-01-01T09:00:00Z", "kind": "followup", "template_id": 1},
        {"due_at": "2030-01-01T09:00:00Z", "user_id": 999999},
        {"due_at": "2030-01-01T09:00:00Z", "colour": "red"},
        {"text": "no time"},
    ],
)
def test_bad_reminders_are_refused(client: TestClient, world: World, body: dict) -> None:
    response = client.post(
        URL.format(world.conversation_id), json=body, headers=world.agent.headers
    )
    assert response.status_code == 422, response.text
    assert client.get("/api/v1/reminders", headers=world.agent.headers).json() == []


def test_only_active_members_of_the_workspace_can_be_reminded(
    client: TestClient, world: World, team: Team, engine: Engine
) -> None:
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    gone = team.member(world.workspace_id, "gone@acme.test")
    with session_scope(engine) as session:
        user = session.get(User, gone.user_id)
        assert user is not None
        user.is_active = False
    for user_id in (stranger.user_id, gone.user_id):
        body = {"due_at": soon(), "user_id": user_id}
        response = client.post(
            URL.format(world.conversation_id), json=body, headers=world.agent.headers
        )
        assert response.status_code == 422
        assert "not an active member" in response.json()["detail"]


def test_another_workspace_sees_nothing(client: TestClient, world: World, team: Team) -> None:
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    created = add(client, world.agent, world.conversation_id, due_at=soon())
    response = client.post(
        URL.format(world.conversation_id), json={"due_at": soon()}, headers=stranger.headers
    )
    assert response.status_code == 404
    assert client.get("/api/v1/reminders", headers=stranger.headers).json() == []
    deleted = client.delete(f"/api/v1/reminders/{created['id']}", headers=stranger.headers)
    assert deleted.status_code == 404


def test_listing_filters_and_orders_by_due_time(client: TestClient, world: World) -> None:
    late = add(client, world.agent, world.conversation_id, due_at=soon(90))
    early = add(client, world.admin, world.conversation_id, due_at=soon(10))
    headers = world.agent.headers
    everything = client.get("/api/v1/reminders", headers=headers).json()
    assert [r["id"] for r in everything] == [early["id"], late["id"]]
    mine = client.get(f"/api/v1/reminders?user_id={world.agent.user_id}", headers=headers)
    assert [r["id"] for r in mine.json()] == [late["id"]]
    client.delete(f"/api/v1/reminders/{late['id']}", headers=headers)
    pending = client.get("/api/v1/reminders?state=pending", headers=headers).json()
    assert [r["id"] for r in pending] == [early["id"]]
    other = client.get("/api/v1/reminders?conversation_id=999", headers=headers).json()
    assert other == []
    assert client.get("/api/v1/reminders?state=later", headers=headers).status_code == 422


def test_cancelling_is_for_owner_author_or_admin_and_only_while_pending(
    client: TestClient, world: World, team: Team, engine: Engine
) -> None:
    other = team.member(world.workspace_id, "petr@acme.test")
    first = add(client, world.agent, world.conversation_id, due_at=soon())
    url = f"/api/v1/reminders/{first['id']}"
    assert client.delete(url, headers=other.headers).status_code == 403
    cancelled = client.delete(url, headers=world.agent.headers)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.delete(url, headers=world.admin.headers)
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]
    second = add(client, world.agent, world.conversation_id, due_at=soon())
    fire_due(engine, clock=lambda: utcnow() + timedelta(hours=1), worker="w1", links=TEST_LINKS)
    fired = client.delete(f"/api/v1/reminders/{second['id']}", headers=world.admin.headers)
    assert fired.status_code == 409 and "already fired" in fired.json()["detail"]
    with Session(engine) as session:
        row = session.get(Reminder, second["id"])
        assert row is not None and row.state == ReminderState.FIRED


def test_scheduler_status_is_for_admins(client: TestClient, world: World, engine: Engine) -> None:
    add(client, world.agent, world.conversation_id, due_at=soon(5))
    with session_scope(engine) as session:
        session.add(
            Reminder(
                workspace_id=world.workspace_id,
                conversation_id=world.conversation_id,
                user_id=world.agent.user_id,
                due_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    assert client.get("/api/v1/scheduler", headers=world.agent.headers).status_code == 403
    status = client.get("/api/v1/scheduler", headers=world.admin.headers).json()
    assert status["running"] is False and status["jobs"] == []
    assert status["pending"] == 2 and status["overdue"] == 1
    assert status["next_due"][0]["due_at"].startswith("2026-01-01")


def test_scheduler_status_lists_the_running_jobs(world: World, settings: Settings) -> None:
    """The app's lifespan runs the scheduler and exposes its jobs."""
    app = create_app(settings.model_copy(update={"run_scheduler": True}))
    with TestClient(app) as client:
        status = client.get("/api/v1/scheduler", headers=world.admin.headers).json()
    jobs = {job["id"]: job for job in status["jobs"]}
    assert status["running"] is True
    assert {
        "fire-reminders",
        "wake-snoozed",
        "send-agent-email",
        "send-replies",
        "break-lapsed-promises",
    } <= set(jobs)
    assert jobs["fire-reminders"]["trigger"] == "interval[0:00:01]"
    assert jobs["fire-reminders"]["next_run_at"] is not None


def test_smtp_server_for_reminder_email(client: TestClient, world: World) -> None:
    body = {"host": "smtp.acme.test", "port": 2525, "sender": "tandem@acme.test"}
    url = "/api/v1/scheduler/smtp"
    assert client.get(url, headers=world.admin.headers).status_code == 404
    assert client.put(url, json=body, headers=world.agent.headers).status_code == 403
    saved = client.put(url, json={**body, "password": "s3cret"}, headers=world.admin.headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["has_password"] is True and "password" not in saved.json()
    kept = client.put(url, json={**body, "port": 587}, headers=world.admin.headers).json()
    assert kept["has_password"] is True and kept["port"] == 587
    assert client.get(url, headers=world.admin.headers).json() == kept
    for bad in ({"port": 0}, {"sender": "not an address"}, {"security": "ssl3"}):
        refused = client.put(url, json={**body, **bad}, headers=world.admin.headers)
        assert refused.status_code == 422, bad
    assert client.delete(url, headers=world.admin.headers).status_code == 204
    assert client.get(url, headers=world.admin.headers).status_code == 404
