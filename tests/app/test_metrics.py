"""GET /metrics after real work: a mailbox synced from the emulator, a reply sent through it,
a failing Gmail retried, webhooks and a late snooze waiting in the database; and who may read
it (a bearer token, else loopback only), on the web and on a worker's own metrics server."""

from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Conversation, ConversationStatus, Message, utcnow
from app.core.settings import Settings
from app.http.metrics import serve_metrics
from app.main import create_app
from scheduler.jobs import send_replies
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
LOOPBACK = ("127.0.0.1", 50000)
TOKEN = "metrics-token-of-some-length"


class Scrape:
    def __init__(self, text: str) -> None:
        self.samples = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def __call__(self, name: str, **labels: str) -> float:
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def local(sync_settings: Settings) -> Iterator[TestClient]:
    """Tandem as a client on the same machine sees it (scheduler off, as in `tandem`)."""
    with TestClient(create_app(sync_settings), client=LOOPBACK) as client:
        yield client


def scrape(client: TestClient, **headers: str) -> Scrape:
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return Scrape(answer.text)


def test_the_counters_move_with_real_work(
    local: TestClient,
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    before = scrape(local)
    control.post("/_emulator/mailboxes", json={"email": SUPPORT, "name": "Acme Support"})
    deliver(control, SUPPORT, make_mail("Invoice 1042", "Where is it?", to=SUPPORT))
    mailbox_id = connect_via_api(local, admin.headers, SUPPORT)
    mailbox = str(mailbox_id)
    assert run_sync(engine, sync_settings, mailbox_id).error is None
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
    hook = {"url": "https://hooks.test/hook", "events": ["message.sent"]}
    assert local.post("/api/v1/webhooks", json=hook, headers=admin.headers).is_success
    reply = local.post(
        f"/api/v1/conversations/{conversation.id}/reply",
        json={"body_text": "It is on its way."},
        headers=admin.headers,
    )
    assert reply.status_code == 201, reply.text

    queued = scrape(local)
    assert queued("tandem_queue_depth", queue="replies") == 1
    assert queued("tandem_queue_due", queue="replies") == 0, "its undo window is still open"

    with Session(engine) as session:  # the undo window passes
        queued_reply = session.get(Message, reply.json()["id"])
        assert queued_reply is not None
        queued_reply.send_after = utcnow() - timedelta(seconds=1)
        session.add(queued_reply)
        session.commit()
    assert send_replies(engine, sync_settings) == 1
    control.post("/_emulator/faults", json={"error_rates": {"503": 1.0}})
    control.post(f"/_emulator/mailboxes/{SUPPORT}/messages", content=make_mail("Again"))
    with Session(engine) as session:
        snoozed = session.get(Conversation, conversation.id)
        assert snoozed is not None
        snoozed.status = ConversationStatus.SNOOZED
        snoozed.snoozed_until = utcnow() - timedelta(minutes=2)
        session.add(snoozed)
        session.commit()
    assert run_sync(engine, sync_settings, mailbox_id).error is not None
    control.post("/_emulator/faults", json={})
    after = scrape(local)

    def moved(name: str, **labels: str) -> float:
        return after(name, **labels) - before(name, **labels)

    assert moved("tandem_sync_runs_total", mailbox=mailbox, outcome="ok") == 1
    assert moved("tandem_sync_runs_total", mailbox=mailbox, outcome="error") == 1
    assert moved("tandem_messages_synced_total", mailbox=mailbox) == 1
    assert moved("tandem_replies_total", outcome="sent") == 1
    assert moved("tandem_gmail_calls_total", method="messages.send") == 1
    assert moved("tandem_gmail_quota_units_total", method="messages.send") == 100
    quota = control.get("/_emulator/quota").json()["total"]
    spent = sum(
        value - before(name, **dict(labels))
        for (name, labels), value in after.samples.items()
        if name == "tandem_gmail_quota_units_total"
    )
    assert spent == quota, "Tandem's count agrees with what the emulator charged"
    assert moved("tandem_gmail_retries_total", method="history.list") == 5
    assert moved("tandem_gmail_errors_total", method="history.list", error="GmailUnavailable") == 1

    reply_route = "/api/v1/conversations/{id}/reply"
    assert moved("tandem_http_requests_total", method="POST", route=reply_route, status="201") == 1
    assert (
        moved("tandem_http_request_duration_seconds_count", method="POST", route=reply_route) == 1
    )
    raw_paths = [labels for (name, labels) in after.samples if name == "tandem_http_requests_total"]
    assert not any(f"/{conversation.id}/" in value for labels in raw_paths for _, value in labels)

    assert after("tandem_queue_depth", queue="replies") == 0
    assert after("tandem_queue_depth", queue="webhooks") == 1
    assert after("tandem_queue_due", queue="webhooks") == 1
    assert after("tandem_queue_lag_seconds", queue="webhooks") >= 0
    assert after("tandem_timers_due", timer="snoozes") == 1
    assert after("tandem_timer_lateness_seconds", timer="snoozes") >= 120


def test_static_files_and_unknown_addresses_are_counted_by_template(local: TestClient) -> None:
    before = scrape(local)
    assert local.get("/api/v1/no-such-thing/42").status_code == 404
    assert local.get("/static/bell.js").status_code == 200
    after = scrape(local)
    for labels in (
        {"method": "GET", "route": "unmatched", "status": "404"},
        {"method": "GET", "route": "/static/{path}", "status": "200"},
    ):
        name = "tandem_http_requests_total"
        assert after(name, **labels) - before(name, **labels) == 1, labels


def test_without_a_token_only_direct_loopback_calls_are_answered(
    local: TestClient, sync_settings: Settings
) -> None:
    assert local.get("/metrics").status_code == 200
    proxied = local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403
    assert "loopback" in proxied.text and "TANDEM_METRICS_TOKEN" in proxied.text
    with TestClient(create_app(sync_settings), client=("203.0.113.9", 4000)) as remote:
        refused = remote.get("/metrics")
    assert refused.status_code == 403
    assert "TANDEM_METRICS_TOKEN" in refused.text


def test_with_a_token_every_caller_needs_it(sync_settings: Settings) -> None:
    settings = sync_settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    with TestClient(create_app(settings), client=LOOPBACK) as client:
        missing = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).is_success
    for refused in (missing, wrong):
        assert refused.status_code == 401
        assert "Bearer <TANDEM_METRICS_TOKEN>" in refused.text
        assert refused.headers["www-authenticate"].startswith("Bearer")


def test_a_worker_serves_the_same_metrics_on_its_own_port(
    engine: Engine, free_port: Callable[[], int]
) -> None:
    server = serve_metrics(engine, host="127.0.0.1", port=free_port(), token=SecretStr(TOKEN))
    try:
        assert httpx.get(server.url).status_code == 401
        answer = httpx.get(server.url, headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
        assert Scrape(answer.text)("tandem_queue_depth", queue="replies") == 0
        assert "tandem_gmail_calls_total" in answer.text or "tandem_gmail_calls" in answer.text
        elsewhere = httpx.get(
            server.url.replace("/metrics", "/"), headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert elsewhere.status_code == 404
    finally:
        server.stop()
    open_server = serve_metrics(engine, host="127.0.0.1", port=free_port(), token=None)
    try:
        assert httpx.get(open_server.url).status_code == 200
        forwarded = httpx.get(open_server.url, headers={"X-Forwarded-For": "203.0.113.9"})
        assert forwarded.status_code == 403
    finally:
        open_server.stop()
