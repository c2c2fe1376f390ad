"""Settings > API tokens: a new token is shown once and works against the API; revoking it
stops it; a too long name is explained."""

from fastapi.testclient import TestClient

from tests.conftest import Member, Team


def test_created_token_is_shown_once_works_and_is_revoked(
    client: TestClient, csrf: str, admin: Member
) -> None:
    answer = client.post("/settings/tokens", data={"csrf_token": csrf, "name": "CRM"})
    assert answer.status_code == 201
    token = answer.text.split('id="new-token">')[1].split("<")[0]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/conversations", headers=headers).status_code == 200
    listed = client.get("/settings/tokens").text
    assert token not in listed and token[:8] in listed

    (row,) = (
        t for t in client.get("/api/v1/tokens", headers=admin.headers).json() if t["name"] == "CRM"
    )
    revoked = client.post(f"/settings/tokens/{row['id']}/revoke", data={"csrf_token": csrf})
    assert "Token revoked" in revoked.text
    assert client.get("/api/v1/conversations", headers=headers).status_code == 401


def test_admins_see_and_revoke_every_token_of_the_workspace(
    client: TestClient, csrf: str, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "anna@acme.test")
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    page = client.get("/settings/tokens").text
    assert agent.token[:8] in page and stranger.token[:8] not in page
    (theirs,) = client.get("/api/v1/tokens", headers=agent.headers).json()
    client.post(f"/settings/tokens/{theirs['id']}/revoke", data={"csrf_token": csrf})
    assert client.get("/api/v1/me", headers=agent.headers).status_code == 401
    (foreign,) = client.get("/api/v1/tokens", headers=stranger.headers).json()
    refused = client.post(f"/settings/tokens/{foreign['id']}/revoke", data={"csrf_token": csrf})
    assert refused.status_code == 404
    assert client.get("/api/v1/me", headers=stranger.headers).status_code == 200


def test_too_long_a_name_is_explained_and_kept(client: TestClient, csrf: str) -> None:
    name = "x" * 201
    answer = client.post("/settings/tokens", data={"csrf_token": csrf, "name": name})
    assert answer.status_code == 422
    assert 'id="name-error"' in answer.text and f'value="{name}"' in answer.text


def test_a_token_name_on_the_account_page_is_one_line(client: TestClient, csrf: str) -> None:
    answer = client.post("/tokens", data={"csrf_token": csrf, "name": "CRM\r\nBcc: x@evil.test"})
    assert answer.status_code == 422
    assert "must be one line" in answer.text
    assert 'value="CRM\r\nBcc: x@evil.test"' in answer.text
    assert 'id="new-token"' not in answer.text
