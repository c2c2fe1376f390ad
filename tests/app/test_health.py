"""Probes: a load balancer can tell a live process from a ready one."""

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.core.migrations import head_revision
from app.core.settings import load_settings
from app.main import create_app
from tests.conftest import TEST_SECRET


def test_healthz_answers_without_authentication(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_migration(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["migration"] == head_revision()


def test_readyz_is_unavailable_before_migrations(tmp_path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path}/empty.db", secret_key=TEST_SECRET)
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "tandem migrate" in response.json()["detail"]


def test_readyz_is_unavailable_when_the_database_is_unreachable() -> None:
    settings = load_settings(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", secret_key=TEST_SECRET
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "cannot connect to database" in response.json()["detail"]


def test_readyz_notices_a_schema_behind_head(client: TestClient, engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        assert client.get("/readyz").status_code == 503
    finally:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
