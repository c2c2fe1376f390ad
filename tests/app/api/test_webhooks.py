"""`/api/v1/webhooks` through the API: admins manage subscriptions, agents read them, a test
ping reaches a live receiver signed with the secret shown at creation, and the log shows it."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.models import utcnow
from app.core.settings import Settings
from app.main import create_app
from tests.conftest import Member, Team
from tests.webhooks.receiver import Receiver, running_receiver
from webhooks.delivery import BACKOFF, deliver_due

HOOK = {"url": "https://hooks.example.com/tandem", "events": ["conversation.created"]}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as live:
        yield live


@pytest.fixture
def local_client(settings: Settings) -> Iterator[TestClient]:
    """Tandem allowing webhooks to private addresses, such as the local receiver's."""
    with TestClient(create_app(settings.model_copy(update={"webhook_allow_private": True}))) as app:
        yield app


def test_admin_creates_a_webhook_and_sees_the_secret_once(
    client: TestClient, admin: Member
) -> None:
    created = client.post("/api/v1/webhooks", json=HOOK, headers=admin.headers)
    assert created.status_code == 201
    body = created.json()
    assert len(body["secret"]) >= 32
    assert (body["url"], body["events"], body["is_internal"], body["is_active"]) == (
        HOOK["url"],
        HOOK["events"],
        False,
        True,
    )
    listed = client.get("/api/v1/webhooks", headers=admin.headers).json()
    assert [hook["id"] for hook in listed] == [body["id"]]
    assert "secret" not in listed[0]
    read = client.get(f"/api/v1/webhooks/{body['id']}", headers=admin.headers).json()
    assert "secret" not in read
    own = client.post("/api/v1/webhooks", json={**HOOK, "secret": "x" * 20}, headers=admin.headers)
    assert own.json()["secret"] == "x" * 20


def test_agents_may_list_but_not_change_webhooks(
    client: TestClient, admin: Member, team: Team
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    hook = client.post("/api/v1/webhooks", json=HOOK, headers=admin.headers).json()
    assert client.get("/api/v1/webhooks", headers=agent.headers).status_code == 200
    url = f"/api/v1/webhooks/{hook['id']}"
    assert client.post("/api/v1/webhooks", json=HOOK, headers=agent.headers).status_code == 403
    assert client.patch(url, json={"is_active": False}, headers=agent.headers).status_code == 403
    assert client.delete(url, headers=agent.headers).status_code == 403
    assert client.post(f"{url}/test", headers=agent.headers).status_code == 403
    assert client.get(f"{url}/deliveries", headers=agent.headers).status_code == 200


@pytest.mark.parametrize(
    "url", ["ftp://hooks.example.com/x", "hooks.example.com/x", "http://", "javascript:alert(1)"]
)
def test_a_url_that_is_not_http_is_refused(client: TestClient, admin: Member, url: str) -> None:
    response = client.post("/api/v1/webhooks", json={**HOOK, "url": url}, headers=admin.headers)
    assert response.status_code == 422
    assert "http" in response.json()["detail"]


def test_bad_events_and_short_secrets_are_refused(client: TestClient, admin: Member) -> None:
    for body in (
        {**HOOK, "events": ["conversation.deleted"]},
        {**HOOK, "events": []},
        {**HOOK, "events": ["ping"]},
        {**HOOK, "secret": "short"},
        {"events": HOOK["events"]},
    ):
        response = client.post("/api/v1/webhooks", json=body, headers=admin.headers)
        assert response.status_code == 422, body
        assert response.json()["detail"]


def test_admin_changes_and_deletes_a_webhook(client: TestClient, admin: Member) -> None:
    hook = client.post("/api/v1/webhooks", json=HOOK, headers=admin.headers).json()
    url = f"/api/v1/webhooks/{hook['id']}"
    changed = client.patch(
        url,
        json={"events": ["note.created", "message.sent"], "is_internal": True, "is_active": False},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert changed.json()["events"] == ["note.created", "message.sent"]
    assert (changed.json()["is_internal"], changed.json()["is_active"]) == (True, False)
    bad = client.patch(url, json={"url": "mailto:x@y.test"}, headers=admin.headers)
    assert bad.status_code == 422
    assert client.post(f"{url}/test", headers=admin.headers).status_code == 409
    assert client.delete(url, headers=admin.headers).status_code == 204
    assert client.get(url, headers=admin.headers).status_code == 404


def test_a_ping_reaches_the_receiver_and_the_log_lists_every_attempt(
    local_client: TestClient, admin: Member, engine: Engine, receiver: Receiver
) -> None:
    client = local_client
    created = client.post(
        "/api/v1/webhooks", json={**HOOK, "url": receiver.url}, headers=admin.headers
    ).json()
    url = f"/api/v1/webhooks/{created['id']}"
    queued = client.post(f"{url}/test", headers=admin.headers)
    assert queued.status_code == 202
    assert (queued.json()["event"], queued.json()["state"]) == ("ping", "pending")
    receiver.answer(500)
    now = utcnow()
    assert deliver_due(engine=engine, now=now, allow_private=True) == 0
    assert deliver_due(engine=engine, now=now + BACKOFF[0], allow_private=True) == 1
    first, second = receiver.requests
    assert second.signed_with(created["secret"])
    assert second.json["data"] == {"webhook_id": created["id"]}
    assert second.headers["x-tandem-event"] == "ping"
    client.post(f"{url}/test", headers=admin.headers)
    log = client.get(f"{url}/deliveries", headers=admin.headers).json()
    assert [entry["state"] for entry in log] == ["pending", "delivered"]
    attempts = log[1]["attempt_log"]
    assert [(a["attempt"], a["status"], a["error"]) for a in attempts] == [
        (1, 500, "HTTP 500"),
        (2, 200, None),
    ]
    assert all(a["duration_ms"] >= 0 for a in attempts)
    assert log[1]["attempts"] == 2
    assert log[1]["delivered_at"] is not None
    one = client.get(f"{url}/deliveries?limit=1", headers=admin.headers).json()
    assert [entry["id"] for entry in one] == [log[0]["id"]]
    assert first.body == second.body


def test_another_workspace_cannot_see_the_log(
    client: TestClient, admin: Member, team: Team
) -> None:
    hook = client.post("/api/v1/webhooks", json=HOOK, headers=admin.headers).json()
    other = team.admin_of_new_workspace("Other", "admin@other.test")
    for path in ("", "/deliveries"):
        response = client.get(f"/api/v1/webhooks/{hook['id']}{path}", headers=other.headers)
        assert response.status_code == 404
    assert (
        client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=other.headers).status_code == 404
    )
    assert client.get("/api/v1/webhooks", headers=other.headers).json() == []
