"""Admin settings: connecting a mailbox sends the browser to the consent page."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Mailbox, Role
from app.core.settings import Settings, load_settings
from tests.app.web.conftest import sign_in
from tests.conftest import TEST_SECRET, Member, Team


@pytest.fixture
def settings(database_url: str) -> Settings:
    """OAuth goes to an emulator's address (never called: the browser would open it)."""
    return load_settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        run_scheduler=False,
        gmail_emulator_url="http://127.0.0.1:9",
    )


def test_connect_goes_to_consent_and_progress_polls(
    client: TestClient, csrf: str, admin: Member, engine: Engine
) -> None:
    assert "Connect Gmail" in client.get("/settings").text
    answer = client.post(
        "/settings/mailboxes",
        data={"csrf_token": csrf, "email": "help@acme.test"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert "login_hint=help%40acme.test" in answer.headers["location"]
    with Session(engine) as session:
        mailbox = session.exec(select(Mailbox)).one()
    progress = client.get(f"/settings/mailboxes/{mailbox.id}/progress")
    assert "<progress" in progress.text and "Reconnect Gmail" in progress.text


def test_bad_address_is_explained(client: TestClient, csrf: str) -> None:
    answer = client.post("/settings/mailboxes", data={"csrf_token": csrf, "email": "nope"})
    assert answer.status_code == 422
    assert "invalid email &#39;nope&#39;" in answer.text


def test_agents_cannot_open_settings(client: TestClient, team: Team, admin: Member) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test", Role.AGENT)
    sign_in(client, agent)
    assert client.get("/settings").status_code == 403
