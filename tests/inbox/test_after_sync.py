"""What follows a sync that stored new mail: webhook events and round-robin assignment, for
live mail only (history imported at connection fires nothing)."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Conversation, Notification, WebhookDelivery
from app.core.settings import Settings
from inbox.assignment import assign_new_mail
from scheduler.jobs import sync_due_mailboxes
from tests.conftest import Member, Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver

SUPPORT = "support@acme.test"


def test_live_mail_is_assigned_in_turn_and_announced(
    admin: Member,
    team: Team,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()

    def write_in(subject: str, when: datetime) -> None:
        raw = make_mail(subject, "help", sender=f"{subject.lower()}@client.test", date=when)
        deliver(control, SUPPORT, raw)

    write_in("Old", datetime.now(UTC) - timedelta(days=2))
    anna, ben = (team.member(admin.workspace_id, f"{n}@acme.test") for n in ("anna", "ben"))
    away = team.member(admin.workspace_id, "away@acme.test")
    tandem.patch(
        f"/api/v1/users/{away.user_id}", json={"is_available": False}, headers=away.headers
    )
    assert (
        tandem.patch("/api/v1/workspace", json={"auto_assign": True}, headers=admin.headers).json()[
            "auto_assign"
        ]
        is True
    )
    hook = tandem.post(
        "/api/v1/webhooks",
        headers=admin.headers,
        json={
            "url": "https://hooks.test/hook",
            "events": ["conversation.created", "message.received"],
        },
    )
    assert hook.status_code == 201
    connect_via_api(tandem, admin.headers, SUPPORT)
    assert sync_due_mailboxes(engine, sync_settings, after_sync=[assign_new_mail]) == 1
    for index, subject in enumerate(("First", "Second", "Third")):
        write_in(subject, datetime.now(UTC) + timedelta(seconds=5 + index))
    tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
    assert sync_due_mailboxes(engine, sync_settings, after_sync=[assign_new_mail]) == 1
    with Session(engine) as session:
        owners = {c.subject: c.assignee_id for c in session.exec(select(Conversation))}
        events = Counter(d.event for d in session.exec(select(WebhookDelivery)))
        autos = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "conversation.auto_assigned")
        ).all()
        notified = Counter(n.user_id for n in session.exec(select(Notification)))
    assert owners == {
        "Old": None,
        "First": anna.user_id,
        "Second": ben.user_id,
        "Third": anna.user_id,
    }
    assert events == {"conversation.created": 3, "message.received": 3}
    assert len(autos) == 3
    assert notified == {anna.user_id: 2, ben.user_id: 1}


def test_without_the_switch_nobody_is_assigned(
    admin: Member,
    team: Team,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    team.member(admin.workspace_id, "anna@acme.test")
    connect_via_api(tandem, admin.headers, SUPPORT)
    sync_due_mailboxes(engine, sync_settings, after_sync=[assign_new_mail])
    raw = make_mail(
        "New", "help", sender="c@client.test", date=datetime.now(UTC) + timedelta(seconds=5)
    )
    deliver(control, SUPPORT, raw)
    tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
    sync_due_mailboxes(engine, sync_settings, after_sync=[assign_new_mail])
    with Session(engine) as session:
        assert [c.assignee_id for c in session.exec(select(Conversation))] == [None]


def test_workspace_settings_are_for_admins(admin: Member, team: Team, tandem: TestClient) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    assert (
        tandem.patch(
            "/api/v1/workspace", json={"auto_assign": True}, headers=agent.headers
        ).status_code
        == 403
    )
    bad_zone = tandem.patch(
        "/api/v1/workspace", json={"timezone": "Mars/Olympus"}, headers=admin.headers
    )
    assert bad_zone.status_code == 422
    assert "time zone" in str(bad_zone.json()["detail"])
    moscow = tandem.patch(
        "/api/v1/workspace", json={"timezone": "Europe/Moscow"}, headers=admin.headers
    ).json()
    assert moscow["timezone"] == "Europe/Moscow"
    seen: Any = tandem.get("/api/v1/workspace", headers=agent.headers).json()
    assert (seen["timezone"], seen["auto_assign"]) == ("Europe/Moscow", False)
    assert seen["language"] == "en"
    bad_language = tandem.patch("/api/v1/workspace", json={"language": "fr"}, headers=admin.headers)
    assert bad_language.status_code == 422
    assert "unknown language 'fr'" in str(bad_language.json()["detail"])
    russian = tandem.patch("/api/v1/workspace", json={"language": "ru"}, headers=admin.headers)
    assert russian.json()["language"] == "ru"
