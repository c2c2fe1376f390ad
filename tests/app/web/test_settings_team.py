"""Settings > Team: add members, change roles, availability and activation, with the API's
rules: bad input keeps what was typed, and the last admin cannot be demoted or deactivated."""

from fastapi.testclient import TestClient

from app.core.models import Role
from tests.app.web.conftest import sign_in
from tests.conftest import Member, Team


def test_added_member_sees_the_password_once_and_signs_in(
    client: TestClient, csrf: str, team: Team, admin: Member
) -> None:
    answer = client.post(
        "/settings/team",
        data={"csrf_token": csrf, "email": "Nina@Acme.test", "name": "Nina Rossi", "role": "agent"},
    )
    assert answer.status_code == 201
    assert "nina@acme.test" in answer.text
    password = answer.text.split('id="initial-password">')[1].split("<")[0]
    assert len(password) >= 12
    assert password not in client.get("/settings/team").text
    client.post("/logout", data={"csrf_token": csrf})
    nina = Member(admin.workspace_id, 0, "nina@acme.test", password, "")
    assert sign_in(client, nina)
    assert client.get("/inbox").status_code == 200


def test_a_typed_password_and_admin_role_are_kept(
    client: TestClient, csrf: str, team: Team, admin: Member
) -> None:
    answer = client.post(
        "/settings/team",
        data={
            "csrf_token": csrf,
            "email": "lead@acme.test",
            "role": "admin",
            "password": "a long password",
        },
    )
    assert answer.status_code == 201
    assert 'id="initial-password">a long password<' in answer.text
    row = client.get("/settings/team").text.split("lead@acme.test")[1].split("</tr>")[0]
    assert 'value="admin" selected' in row


def test_bad_member_input_is_explained_and_kept(client: TestClient, csrf: str) -> None:
    answer = client.post(
        "/settings/team",
        data={"csrf_token": csrf, "email": "not-an-email", "name": "Typed Name", "role": "agent"},
    )
    assert answer.status_code == 422
    assert 'id="email-error"' in answer.text and "invalid email" in answer.text
    assert 'value="not-an-email"' in answer.text and 'value="Typed Name"' in answer.text

    short = client.post(
        "/settings/team",
        data={"csrf_token": csrf, "email": "ok@acme.test", "password": "short"},
    )
    assert short.status_code == 422
    assert 'id="password-error"' in short.text and "at least 8 characters" in short.text
    assert 'value="ok@acme.test"' in short.text

    role = client.post(
        "/settings/team", data={"csrf_token": csrf, "email": "ok@acme.test", "role": "boss"}
    )
    assert role.status_code == 422 and 'id="role-error"' in role.text


def test_a_taken_email_is_a_conflict_beside_the_field(
    client: TestClient, csrf: str, admin: Member
) -> None:
    answer = client.post("/settings/team", data={"csrf_token": csrf, "email": admin.email})
    assert answer.status_code == 409
    assert 'id="email-error"' in answer.text and "already exists" in answer.text


def test_role_availability_and_activation_change(
    client: TestClient, csrf: str, team: Team, admin: Member
) -> None:
    agent = team.member(admin.workspace_id, "anna@acme.test")
    url = f"/settings/team/{agent.user_id}"

    promoted = client.post(url, data={"csrf_token": csrf, "role": "admin"})
    assert promoted.status_code == 200 and "is now an admin" in promoted.text
    assert team.user(agent.user_id).role == Role.ADMIN

    away = client.post(
        url, data={"csrf_token": csrf, "is_available": "false"}, follow_redirects=False
    )
    assert away.status_code == 303 and away.headers["location"] == "/settings/team"
    assert team.user(agent.user_id).is_available is False

    client.post(url, data={"csrf_token": csrf, "is_active": "false"})
    assert team.user(agent.user_id).is_active is False
    back = client.post(url, data={"csrf_token": csrf, "is_active": "true"})
    assert "is active" in back.text
    assert team.user(agent.user_id).is_active is True


def test_the_last_admin_cannot_demote_or_deactivate_themselves(
    client: TestClient, csrf: str, team: Team, admin: Member
) -> None:
    url = f"/settings/team/{admin.user_id}"
    for change in ({"role": "agent"}, {"is_active": "false"}):
        answer = client.post(url, data={"csrf_token": csrf, **change})
        assert answer.status_code == 422
        assert f'id="member-{admin.user_id}-error"' in answer.text
        assert "cannot demote or deactivate themselves" in answer.text
    assert team.user(admin.user_id).role == Role.ADMIN
    assert team.user(admin.user_id).is_active is True


def test_a_second_admin_can_be_demoted_by_the_first(
    client: TestClient, csrf: str, team: Team, admin: Member
) -> None:
    other = team.member(admin.workspace_id, "lead@acme.test", Role.ADMIN)
    answer = client.post(
        f"/settings/team/{other.user_id}", data={"csrf_token": csrf, "role": "agent"}
    )
    assert answer.status_code == 200 and "is now an agent" in answer.text


def test_a_bad_role_or_another_workspace_member_is_refused(
    client: TestClient, csrf: str, team: Team, admin: Member
) -> None:
    agent = team.member(admin.workspace_id, "anna@acme.test")
    bad = client.post(f"/settings/team/{agent.user_id}", data={"csrf_token": csrf, "role": "boss"})
    assert bad.status_code == 422 and f'id="member-{agent.user_id}-error"' in bad.text
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    elsewhere = client.post(
        f"/settings/team/{stranger.user_id}", data={"csrf_token": csrf, "role": "agent"}
    )
    assert elsewhere.status_code == 404
    assert team.user(stranger.user_id).role == Role.ADMIN


def test_new_mail_can_be_handed_out_in_turn(client: TestClient, csrf: str, admin: Member) -> None:
    assert "Hand it out in turn" in client.get("/settings/team").text
    on = client.post("/settings/team/auto-assign", data={"csrf_token": csrf, "on": "true"})
    assert "goes to the available members in turn." in on.text
    assert client.get("/api/v1/workspace", headers=admin.headers).json()["auto_assign"] is True
    client.post("/settings/team/auto-assign", data={"csrf_token": csrf, "on": "false"})
    assert client.get("/api/v1/workspace", headers=admin.headers).json()["auto_assign"] is False
