"""API tokens: shown once, stored hashed, revocable, stamped when used."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from app.core.accounts import hash_token
from app.core.models import ApiToken
from tests.conftest import Member, Team


def test_me_answers_the_tokens_user(client: TestClient, admin: Member) -> None:
    response = client.get("/api/v1/me", headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "admin@acme.test"
    assert body["role"] == "admin"
    assert body["workspace"]["name"] == "Acme"


def test_missing_or_wrong_token_gets_401_json(client: TestClient, admin: Member) -> None:
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401
    assert "bearer" in missing.json()["detail"].lower()
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.get("/api/v1/me", headers={"Authorization": "Bearer tdm_not-a-token"})
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "invalid or revoked API token"}
    basic = client.get("/api/v1/me", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert basic.status_code == 401


def test_tokens_are_stored_only_as_hashes(engine: Engine, admin: Member) -> None:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM api_token")).mappings().all()
    assert rows, "the fixture created a token"
    for row in rows:
        assert admin.token not in [str(value) for value in row.values()]
    assert hash_token(admin.token) in [row["token_hash"] for row in rows]


def test_created_token_is_shown_once_then_only_its_prefix(
    client: TestClient, admin: Member
) -> None:
    created = client.post("/api/v1/tokens", json={"name": "zapier"}, headers=admin.headers)
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("tdm_")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = client.get("/api/v1/tokens", headers=admin.headers).json()
    assert token not in str(listed)
    assert {"zapier", "test"} == {row["name"] for row in listed}
    assert any(token.startswith(row["prefix"]) for row in listed if row["name"] == "zapier")


def test_revoked_token_stops_working(client: TestClient, admin: Member) -> None:
    created = client.post("/api/v1/tokens", json={"name": "old"}, headers=admin.headers).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{created['id']}", headers=admin.headers)
    assert revoked.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    listed = client.get("/api/v1/tokens", headers=admin.headers).json()
    assert next(row for row in listed if row["id"] == created["id"])["revoked_at"] is not None


def test_use_stamps_last_used_at(client: TestClient, engine: Engine, admin: Member) -> None:
    with Session(engine) as session:
        row = session.exec(select(ApiToken).where(ApiToken.user_id == admin.user_id)).one()
        assert row.last_used_at is None
    client.get("/api/v1/me", headers=admin.headers)
    with Session(engine) as session:
        row = session.exec(select(ApiToken).where(ApiToken.user_id == admin.user_id)).one()
        assert row.last_used_at is not None


def test_an_agent_cannot_revoke_a_teammates_token(
    client: TestClient, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    admin_tokens = client.get("/api/v1/tokens", headers=admin.headers).json()
    admins_own = next(row for row in admin_tokens if row["user_id"] == admin.user_id)
    assert (
        client.delete(f"/api/v1/tokens/{admins_own['id']}", headers=agent.headers).status_code
        == 403
    )
    assert [
        row["user_id"] for row in client.get("/api/v1/tokens", headers=agent.headers).json()
    ] == [agent.user_id]


def test_a_deactivated_users_tokens_stop_working(
    client: TestClient, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "leaver@acme.test")
    assert client.get("/api/v1/me", headers=agent.headers).status_code == 200
    patched = client.patch(
        f"/api/v1/users/{agent.user_id}", json={"is_active": False}, headers=admin.headers
    )
    assert patched.status_code == 200
    assert client.get("/api/v1/me", headers=agent.headers).status_code == 401


def test_every_api_operation_refuses_a_caller_without_a_token(
    app: FastAPI, client: TestClient, admin: Member
) -> None:
    """The API router is closed by default: each operation, called with path ids filled in and
    no token, is a 401 before any handler runs."""
    operations = [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
    ]
    assert len(operations) > 40
    for method, path in operations:
        response = client.request(method, re.sub(r"\{[^}]+\}", "1", path))
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


def test_the_openapi_document_asks_every_api_operation_for_the_bearer_token(
    app: FastAPI,
) -> None:
    """What gives Swagger UI its Authorize button and a generated client its token setting."""
    document = app.openapi()
    scheme = document["components"]["securitySchemes"]["apiToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            expected = [{"apiToken": []}] if path.startswith("/api/v1/") else None
            assert operation.get("security") == expected, (method, path)
