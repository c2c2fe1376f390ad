"""Settings > Workspace: the team's name and time zone, saved with the API's rules
(`PATCH /api/v1/workspace`); a bad value is explained next to its field with the input kept."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.models import Workspace
from tests.conftest import Member, Team


def _workspace(engine: Engine, workspace_id: int) -> Workspace:
    with Session(engine) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        return workspace


def test_name_and_time_zone_are_saved_and_shown(
    client: TestClient, csrf: str, admin: Member, engine: Engine
) -> None:
    page = client.get("/settings/workspace").text
    assert 'value="Acme"' in page and '<option value="Europe/Berlin">' in page
    saved = client.post(
        "/settings/workspace",
        data={
            "csrf_token": csrf,
            "name": "Acme Support",
            "timezone": "Europe/Berlin",
            "language": "ru",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    again = client.get(saved.headers["location"]).text
    assert "Workspace settings saved." in again
    assert 'value="Acme Support"' in again
    assert '<option value="Europe/Berlin" selected>' in again
    assert '<option value="ru" selected>Русский</option>' in again
    workspace = _workspace(engine, admin.workspace_id)
    assert (workspace.name, workspace.timezone, workspace.language) == (
        "Acme Support",
        "Europe/Berlin",
        "ru",
    )
    api = client.get("/api/v1/workspace", headers=admin.headers).json()
    assert (api["name"], api["timezone"]) == ("Acme Support", "Europe/Berlin")


def test_a_bad_name_or_zone_is_explained_and_kept(
    client: TestClient, csrf: str, admin: Member, engine: Engine
) -> None:
    for name, zone, field, message in (
        ("", "UTC", "name", "at least 1 character"),
        ("x" * 201, "UTC", "name", "at most 200 characters"),
        ("Acme\r\nBcc: x@evil.test", "UTC", "name", "must be one line"),
        ("Acme", "Mars/Olympus", "timezone", "unknown time zone"),
    ):
        answer = client.post(
            "/settings/workspace", data={"csrf_token": csrf, "name": name, "timezone": zone}
        )
        assert answer.status_code == 422, (name, zone)
        assert f'id="{field}-error"' in answer.text and message in answer.text
        assert f'value="{name}"' in answer.text and f'<option value="{zone}" selected>' in (
            answer.text
        )
    workspace = _workspace(engine, admin.workspace_id)
    assert (workspace.name, workspace.timezone) == ("Acme", "UTC")


def test_only_the_admins_own_workspace_changes(
    client: TestClient, csrf: str, admin: Member, team: Team, engine: Engine
) -> None:
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    client.post(
        "/settings/workspace",
        data={"csrf_token": csrf, "name": "Renamed", "timezone": "Asia/Tokyo"},
    )
    assert _workspace(engine, other.workspace_id).name == "Other"
    assert _workspace(engine, admin.workspace_id).name == "Renamed"
