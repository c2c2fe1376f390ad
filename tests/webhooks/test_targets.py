"""Webhooks post to public addresses only: loopback, link-local and private targets (and names
that resolve to them) are a 422 when a webhook is created or changed, through the API and the
settings page, and a refused attempt at delivery, where the connection then goes to the address
that was checked; redirects are not followed; TANDEM_WEBHOOK_ALLOW_PRIVATE lifts the rule."""

import ipaddress
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import WebhookDelivery, WebhookSubscription, id_of
from app.core.settings import Settings
from app.main import create_app
from tests.app.web.conftest import sign_in
from tests.conftest import Member
from tests.webhooks.receiver import Receiver, running_receiver
from webhooks.delivery import deliver_due
from webhooks.events import emit
from webhooks.targets import is_public

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOOK = {"events": ["conversation.created"]}
PRIVATE_URLS = [
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://[::1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/hook",
    "https://192.168.1.20/hook",
    "http://100.64.0.1/hook",
    "http://0.0.0.0:9/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://2130706433/hook",
    "http://intranet.acme.test/hook",
]


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names of these tests resolve to what the test says; every other name as usual."""
    names = {"intranet.acme.test": "10.1.2.3", "hooks.acme.test": "93.184.216.34"}
    real: Callable[..., Any] = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            return real(names[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as live:
        yield live


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 (an address judged, not bound)
        ("224.0.0.1", False),
        ("::1", False),
        ("fc00::1", False),
        ("fe80::1", False),
        ("::ffff:10.0.0.1", False),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_a_private_target_is_refused_when_created(
    client: TestClient, admin: Member, url: str
) -> None:
    answer = client.post("/api/v1/webhooks", json={**HOOK, "url": url}, headers=admin.headers)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "loopback, link-local or private address" in detail
    assert "TANDEM_WEBHOOK_ALLOW_PRIVATE=true" in detail
    assert client.get("/api/v1/webhooks", headers=admin.headers).json() == []


def test_a_name_is_judged_by_what_it_resolves_to(client: TestClient, admin: Member) -> None:
    url = "http://intranet.acme.test/hook"
    answer = client.post("/api/v1/webhooks", json={**HOOK, "url": url}, headers=admin.headers)
    assert "intranet.acme.test (which resolves to 10.1.2.3)" in answer.json()["detail"]
    for fine in ("https://hooks.acme.test/x", "https://does-not-resolve.invalid/x"):
        answer = client.post("/api/v1/webhooks", json={**HOOK, "url": fine}, headers=admin.headers)
        assert answer.status_code == 201, answer.text


def test_a_private_target_is_refused_when_changed(client: TestClient, admin: Member) -> None:
    created = client.post(
        "/api/v1/webhooks", json={**HOOK, "url": "https://hooks.acme.test/x"}, headers=admin.headers
    ).json()
    url = f"/api/v1/webhooks/{created['id']}"
    answer = client.patch(url, json={"url": "http://localhost:5432/"}, headers=admin.headers)
    assert answer.status_code == 422
    assert "private address" in answer.json()["detail"]
    assert client.get(url, headers=admin.headers).json()["url"] == "https://hooks.acme.test/x"


def test_the_settings_page_refuses_a_private_target_beside_the_url(
    client: TestClient, admin: Member
) -> None:
    csrf = sign_in(client, admin)
    form = {"csrf_token": csrf, "events": ["conversation.created"], "is_active": "true"}
    refused = client.post("/settings/webhooks", data={**form, "url": "http://10.0.0.5/hook"})
    assert refused.status_code == 422
    assert 'id="url-error"' in refused.text and "private address" in refused.text
    client.post("/settings/webhooks", data={**form, "url": "https://hooks.acme.test/x"})
    (hook,) = client.get("/api/v1/webhooks", headers=admin.headers).json()
    edited = client.post(
        f"/settings/webhooks/{hook['id']}", data={**form, "url": "http://[::1]:8000/"}
    )
    assert edited.status_code == 422 and "private address" in edited.text
    assert client.get("/api/v1/webhooks", headers=admin.headers).json() == [hook]


def test_the_setting_allows_private_targets(settings: Settings, admin: Member) -> None:
    allowing = settings.model_copy(update={"webhook_allow_private": True})
    with TestClient(create_app(allowing)) as client:
        answer = client.post(
            "/api/v1/webhooks",
            json={**HOOK, "url": "http://127.0.0.1:8080/hook"},
            headers=admin.headers,
        )
    assert answer.status_code == 201


def _subscribe_and_queue(engine: Engine, workspace_id: int, url: str) -> None:
    with session_scope(engine) as session:
        row = WebhookSubscription(
            workspace_id=workspace_id,
            url=url,
            secret="a-secret-of-at-least-sixteen",
            events=["conversation.created"],
            is_internal=False,
        )
        session.add(row)
        session.flush()
        emit(
            session=session,
            workspace_id=workspace_id,
            event="conversation.created",
            data={"conversation_id": id_of(row)},
            now=NOW,
        )


def _delivery(engine: Engine) -> WebhookDelivery:
    with Session(engine) as session:
        return session.exec(select(WebhookDelivery)).one()


def test_a_target_that_resolves_to_a_private_address_at_delivery_gets_nothing(
    engine: Engine, admin: Member, receiver: Receiver, dns: dict[str, str]
) -> None:
    """Saved while its name was public; by delivery the name points inside (DNS can change)."""
    dns["moving.acme.test"] = "127.0.0.1"
    _subscribe_and_queue(engine, admin.workspace_id, f"http://moving.acme.test:{receiver.port}/")
    assert deliver_due(engine=engine, now=NOW, allow_private=False) == 0
    assert receiver.requests == []
    delivery = _delivery(engine)
    assert delivery.state == "pending" and delivery.attempts == 1
    assert delivery.last_error and delivery.last_error.startswith("refused: ")
    assert "moving.acme.test (which resolves to 127.0.0.1)" in delivery.last_error


def test_a_delivery_connects_to_the_address_it_checked(engine: Engine, admin: Member) -> None:
    """The name is resolved once: the request goes to that address, with the name kept for the
    Host header and TLS, so a second lookup cannot lead somewhere else."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    _subscribe_and_queue(engine, admin.workspace_id, "https://hooks.acme.test:8443/in?x=1")
    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        assert deliver_due(engine=engine, now=NOW, allow_private=False, client=client) == 1
    [request] = seen
    assert str(request.url) == "https://93.184.216.34:8443/in?x=1"
    assert request.headers["host"] == "hooks.acme.test:8443"
    assert request.extensions["sni_hostname"] == "hooks.acme.test"


def test_a_redirect_is_not_followed(engine: Engine, admin: Member, receiver: Receiver) -> None:
    with running_receiver() as elsewhere:
        receiver.always, receiver.location = 307, elsewhere.url
        _subscribe_and_queue(engine, admin.workspace_id, receiver.url)
        with httpx.Client(follow_redirects=True) as client:
            assert deliver_due(engine=engine, now=NOW, allow_private=True, client=client) == 0
        assert len(receiver.requests) == 1 and elsewhere.requests == []
    assert _delivery(engine).last_error == "HTTP 307"
