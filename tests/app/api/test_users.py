"""The team through the API: admins manage users, agents manage themselves, errors are clear."""

from fastapi.testclient import TestClient

from tests.conftest import Member, Team


def test_admin_adds_an_agent_who_can_sign_in(client: TestClient, admin: Member) -> None:
    created = client.post(
        "/api/v1/users", json={"email": "Nina@Acme.test", "name": "Nina"}, headers=admin.headers
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["email"], body["role"]) == ("nina@acme.test", "agent")
    assert len(body["password"]) >= 12
    login = client.post(
        "/login",
        data={"email": "nina@acme.test", "password": body["password"], "csrf_token": _csrf(client)},
        follow_redirects=False,
    )
    assert login.status_code == 303


def _csrf(client: TestClient) -> str:
    page = client.get("/login").text
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_agents_cannot_add_users(client: TestClient, admin: Member, team: Team) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    response = client.post("/api/v1/users", json={"email": "x@acme.test"}, headers=agent.headers)
    assert response.status_code == 403
    assert "admin" in response.json()["detail"]


def test_bad_input_gets_422_with_a_message(client: TestClient, admin: Member) -> None:
    bad_email = client.post("/api/v1/users", json={"email": "not-an-email"}, headers=admin.headers)
    assert bad_email.status_code == 422
    assert "invalid email" in bad_email.json()["detail"]
    bad_role = client.post(
        "/api/v1/users", json={"email": "r@acme.test", "role": "owner"}, headers=admin.headers
    )
    assert bad_role.status_code == 422
    broken_json = client.post(
        "/api/v1/users",
        content=b"{not json",
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert broken_json.status_code == 422
    assert "detail" in broken_json.json()


def test_duplicate_email_is_a_conflict(client: TestClient, admin: Member) -> None:
    response = client.post(
        "/api/v1/users", json={"email": "ADMIN@acme.test"}, headers=admin.headers
    )
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


def test_agent_edits_own_profile_but_not_roles(
    client: TestClient, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    own = client.patch(
        f"/api/v1/users/{agent.user_id}",
        json={"name": "Ann", "is_available": False},
        headers=agent.headers,
    )
    assert own.status_code == 200
    assert (own.json()["name"], own.json()["is_available"]) == ("Ann", False)
    promote = client.patch(
        f"/api/v1/users/{agent.user_id}", json={"role": "admin"}, headers=agent.headers
    )
    assert promote.status_code == 403
    other = client.patch(
        f"/api/v1/users/{admin.user_id}", json={"name": "X"}, headers=agent.headers
    )
    assert other.status_code == 403


def test_admin_cannot_lock_themselves_out(client: TestClient, admin: Member) -> None:
    response = client.patch(
        f"/api/v1/users/{admin.user_id}", json={"is_active": False}, headers=admin.headers
    )
    assert response.status_code == 422
    assert client.get("/api/v1/me", headers=admin.headers).status_code == 200


def test_unknown_route_is_json_404(client: TestClient, admin: Member) -> None:
    response = client.get("/api/v1/nothing-here", headers=admin.headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
