"""Settings > Webhooks: create with the secret shown once, refuse bad URLs and events with the
input kept, ping, read the delivery log, delete."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.job_text import WEBHOOK_UNRESOLVED, said
from app.core.models import WebhookDelivery
from tests.conftest import Member

URL = "https://hooks.example.com/tandem"


def _create(client: TestClient, csrf: str, **extra: str | list[str]) -> str:
    form = {"csrf_token": csrf, "url": URL, "events": ["conversation.created", "note.created"]}
    answer = client.post("/settings/webhooks", data={**form, **extra})
    assert answer.status_code == 201
    return answer.text


def test_secret_is_shown_once_and_signs_for_the_api(
    client: TestClient, csrf: str, admin: Member
) -> None:
    page = _create(client, csrf, is_internal="true")
    secret = page.split('id="webhook-secret">')[1].split("<")[0]
    assert len(secret) >= 32
    assert secret not in client.get("/settings/webhooks").text
    (hook,) = client.get("/api/v1/webhooks", headers=admin.headers).json()
    assert hook["url"] == URL and hook["is_internal"] is True
    assert hook["events"] == ["conversation.created", "note.created"]


def test_bad_url_and_events_are_explained_and_kept(
    client: TestClient, csrf: str, admin: Member
) -> None:
    bad_url = client.post(
        "/settings/webhooks",
        data={"csrf_token": csrf, "url": "ftp://nowhere", "events": ["message.sent"]},
    )
    assert bad_url.status_code == 422
    assert "http:// or https://" in bad_url.text.split('id="url-error">')[1].split("<")[0]
    assert 'value="ftp://nowhere"' in bad_url.text
    assert re.search(r'value="message.sent" id="event-message-sent" checked', bad_url.text)

    no_events = client.post("/settings/webhooks", data={"csrf_token": csrf, "url": URL})
    assert no_events.status_code == 422 and 'id="events-error"' in no_events.text

    unknown = client.post(
        "/settings/webhooks", data={"csrf_token": csrf, "url": URL, "events": ["mail.eaten"]}
    )
    assert unknown.status_code == 422 and 'id="events-error"' in unknown.text
    assert client.get("/api/v1/webhooks", headers=admin.headers).json() == []


def test_ping_shows_in_the_delivery_log_and_delete_removes(
    client: TestClient, csrf: str, admin: Member
) -> None:
    _create(client, csrf)
    (hook,) = client.get("/api/v1/webhooks", headers=admin.headers).json()
    log = f"/settings/webhooks/{hook['id']}"
    assert "Nothing delivered yet." in client.get(log).text
    pinged = client.post(f"{log}/test", data={"csrf_token": csrf})
    assert "Test ping queued" in pinged.text
    assert "<code>ping</code>" in pinged.text and "pending" in pinged.text
    deleted = client.post(f"{log}/delete", data={"csrf_token": csrf})
    assert f"Webhook to {URL} deleted." in deleted.text
    assert client.get("/api/v1/webhooks", headers=admin.headers).json() == []
    assert client.get(log).status_code == 404


def test_a_webhook_is_changed_or_paused_and_bad_changes_are_explained(
    client: TestClient, csrf: str, admin: Member
) -> None:
    _create(client, csrf)
    (hook,) = client.get("/api/v1/webhooks", headers=admin.headers).json()
    page = f"/settings/webhooks/{hook['id']}"
    shown = client.get(page).text
    assert 'id="webhook-active" checked' in shown
    assert "<title>Webhook deliveries · Settings · Tandem</title>" in shown
    saved = client.post(
        page, data={"csrf_token": csrf, "url": URL + "/v2", "events": ["message.received"]}
    )
    assert "Webhook saved." in saved.text
    (changed,) = client.get("/api/v1/webhooks", headers=admin.headers).json()
    assert changed["url"] == URL + "/v2" and changed["events"] == ["message.received"]
    assert changed["is_active"] is False and changed["is_internal"] is False
    assert 'id="webhook-active" checked' not in saved.text

    bad = client.post(page, data={"csrf_token": csrf, "url": "ftp://x", "events": ["nope"]})
    assert bad.status_code == 422 and 'value="ftp://x"' in bad.text
    assert 'id="events-error"' in bad.text
    assert client.get("/api/v1/webhooks", headers=admin.headers).json() == [changed]
    resumed = client.post(
        page, data={"csrf_token": csrf, "url": URL, "events": ["note.created"], "is_active": "true"}
    )
    assert 'id="webhook-active" checked' in resumed.text
    (active,) = client.get("/api/v1/webhooks", headers=admin.headers).json()
    assert active["is_active"] is True and active["url"] == URL


def test_a_delivery_error_reads_in_the_readers_language_with_the_servers_words_kept(
    client: TestClient, csrf: str, admin: Member, engine: Engine
) -> None:
    _create(client, csrf)
    (hook,) = client.get("/api/v1/webhooks", headers=admin.headers).json()
    with session_scope(engine) as session:
        session.add(
            WebhookDelivery(
                workspace_id=admin.workspace_id,
                subscription_id=hook["id"],
                event="note.created",
                state="failed",
                attempts=1,
                last_error=said(WEBHOOK_UNRESOLVED, error="[Errno -2] Name or service not known"),
            )
        )
    client.headers["Accept-Language"] = "ru"
    page = client.get(f"/settings/webhooks/{hook['id']}").text
    assert "не удалось найти хост вебхука: [Errno -2] Name or service not known" in page
    client.headers["Accept-Language"] = "en"
    page = client.get(f"/settings/webhooks/{hook['id']}").text
    assert "cannot resolve the webhook&#39;s host: [Errno -2] Name or service not known" in page
