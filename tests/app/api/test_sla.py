"""The SLA policy through the API: defaults until saved, admins replace it, every bad field is
a 422 that names it, and a change is audited."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Workspace
from tests.conftest import Member, Team

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
POLICY: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "business_hours": {
        "mon": [["14:00", "18:00"], ["09:00", "13:00"]],
        "tue": [["09:00", "24:00"]],
    },
    "holidays": ["2026-12-25", "2026-12-24"],
    "first_response_minutes": 60,
    "next_response_minutes": 240,
    "max_response_minutes": 480,
}


def test_defaults_until_saved_in_the_workspace_zone(
    client: TestClient, admin: Member, team: Team, engine: Engine
) -> None:
    with Session(engine) as session:
        workspace = session.get(Workspace, admin.workspace_id)
        assert workspace is not None
        workspace.timezone = "Asia/Tokyo"
        session.add(workspace)
        session.commit()
    agent = team.member(admin.workspace_id, "agent@acme.test")
    response = client.get("/api/v1/sla-policy", headers=agent.headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["timezone"], body["is_default"], body["updated_at"]) == ("Asia/Tokyo", True, None)
    assert body["business_hours"]["mon"] == [["09:00", "17:00"]]
    assert body["business_hours"]["sat"] == []
    assert (body["first_response_minutes"], body["max_response_minutes"]) == (120, 1440)


def test_admin_saves_and_reads_back_in_canonical_form(client: TestClient, admin: Member) -> None:
    saved = client.put("/api/v1/sla-policy", json=POLICY, headers=admin.headers)
    assert saved.status_code == 200, saved.text
    body = client.get("/api/v1/sla-policy", headers=admin.headers).json()
    assert body == saved.json()
    assert body["is_default"] is False and body["updated_at"] is not None
    assert body["business_hours"] == {
        **{day: [] for day in WEEK},
        "mon": [["09:00", "13:00"], ["14:00", "18:00"]],
        "tue": [["09:00", "24:00"]],
    }
    assert body["holidays"] == ["2026-12-24", "2026-12-25"]
    assert body["next_response_minutes"] == 240
    assert (body["holiday_country"], body["working_days"]) == (None, [])
    assert body["max_response_clock"] == "working_days", "the default for a policy sent without it"
    again = client.put("/api/v1/sla-policy", json={**POLICY, "holidays": []}, headers=admin.headers)
    assert again.json()["holidays"] == []
    russian = {**POLICY, "holiday_country": "ru", "working_days": ["2025-11-01"]}
    russia = client.put("/api/v1/sla-policy", json=russian, headers=admin.headers).json()
    assert (russia["holiday_country"], russia["working_days"]) == ("RU", ["2025-11-01"])


def test_agents_cannot_change_the_policy(client: TestClient, admin: Member, team: Team) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    response = client.put("/api/v1/sla-policy", json=POLICY, headers=agent.headers)
    assert response.status_code == 403
    assert "admin" in response.json()["detail"]
    assert client.get("/api/v1/sla-policy", headers=agent.headers).json()["is_default"] is True


def test_each_workspace_has_its_own_policy(client: TestClient, admin: Member, team: Team) -> None:
    other = team.admin_of_new_workspace("Other", "admin@other.test")
    client.put("/api/v1/sla-policy", json=POLICY, headers=admin.headers)
    body = client.get("/api/v1/sla-policy", headers=other.headers).json()
    assert (body["is_default"], body["timezone"]) == (True, "UTC")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"timezone": "Mars/Base"}, "timezone", "unknown time zone 'Mars/Base'"),
        ({"business_hours": {"mon": [["09:00", "25:00"]]}}, "business_hours", "'25:00'"),
        (
            {"business_hours": {"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            "business_hours",
            "mon: 09:00-13:00 overlaps 12:00-18:00",
        ),
        ({"business_hours": {"fri": [["17:00", "09:00"]]}}, "business_hours", "start before"),
        ({"business_hours": {"caturday": []}}, "business_hours", "unknown weekday 'caturday'"),
        ({"business_hours": {"mon": [["09:00"]]}}, "business_hours", "an interval is [start, end]"),
        ({"holidays": ["2026-02-30"]}, "holidays", "holiday '2026-02-30' is not a date"),
        ({"working_days": ["2026-1-3"]}, "working_days", "working day '2026-1-3' is not a date"),
        ({"holiday_country": "Kingdom of Narnia"}, "holiday_country", "at most 8 characters"),
        ({"holiday_country": "XX"}, "holiday_country", "unknown country 'XX'"),
        ({"max_response_clock": "lunar"}, "max_response_clock", "'working_days' or 'calendar'"),
        ({"first_response_minutes": 0}, "first_response_minutes", "greater than 0"),
        ({"next_response_minutes": -5}, "next_response_minutes", "greater than 0"),
        ({"max_response_minutes": 10**9}, "max_response_minutes", "less than or equal"),
        ({"first_response_minutes": 600}, "", "first_response_minutes (600) must not exceed"),
        ({"next_response_minutes": 481}, "", "next_response_minutes (481) must not exceed"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, admin: Member, change: dict[str, Any], field: str, message: str
) -> None:
    response = client.put("/api/v1/sla-policy", json={**POLICY, **change}, headers=admin.headers)
    assert response.status_code == 422
    errors = response.json()["detail"]
    named = [error for error in errors if message in error["msg"]]
    assert named, errors
    assert not field or field in named[0]["loc"], errors


def test_missing_fields_are_422(client: TestClient, admin: Member) -> None:
    response = client.put("/api/v1/sla-policy", json={"timezone": "UTC"}, headers=admin.headers)
    assert response.status_code == 422
    missing = {error["loc"][-1] for error in response.json()["detail"]}
    assert "business_hours" in missing and "max_response_minutes" in missing


def test_a_change_is_audited_with_before_and_after(
    client: TestClient, admin: Member, engine: Engine
) -> None:
    client.put("/api/v1/sla-policy", json=POLICY, headers=admin.headers)
    client.put("/api/v1/sla-policy", json=POLICY, headers=admin.headers)
    client.put(
        "/api/v1/sla-policy", json={**POLICY, "first_response_minutes": 30}, headers=admin.headers
    )
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    assert [event.action for event in events] == ["sla_policy.updated"] * 2
    first, second = events
    assert (first.actor_id, first.workspace_id) == (admin.user_id, admin.workspace_id)
    assert first.before["timezone"] == "UTC" and first.after["timezone"] == "Europe/Berlin"
    assert first.before["first_response_minutes"] == 120
    assert second.before == {"first_response_minutes": 60}
    assert second.after == {"first_response_minutes": 30}


def test_the_request_body_has_an_example(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SlaPolicyIn"]
    assert schema["examples"][0]["timezone"] == "Europe/Berlin"
