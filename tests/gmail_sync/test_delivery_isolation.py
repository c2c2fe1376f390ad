"""One reply that cannot be sent, even for a fault of Tandem's, never holds back the replies
behind it: it fails with its reason, the others go out, and admins see it among the queues'
failures (GET /api/v1/scheduler)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Conversation, utcnow
from app.core.settings import Settings
from gmail_sync import delivery
from gmail_sync.delivery import send_due
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"


def test_a_poisoned_reply_fails_alone_and_admins_see_why(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    deliver(control, SUPPORT, make_mail("Invoice", "Where is it?", message_id="<q@client.test>"))
    run_sync(engine, sync_settings, connect_via_api(tandem, admin.headers, SUPPORT))
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()
    url = f"/api/v1/conversations/{conversation_id}/reply"
    replies: list[dict[str, Any]] = [
        tandem.post(url, json={"body_text": text}, headers=admin.headers).json()
        for text in ("First answer.", "Second answer.", "Third answer.")
    ]
    poisoned = replies[0]["id"]
    build = delivery._outgoing

    def outgoing_or_break(session: Session, settings: Settings, message_id: int, now: Any) -> Any:
        if message_id == poisoned:
            raise KeyError("signature")
        return build(session, settings, message_id, now)

    monkeypatch.setattr(delivery, "_outgoing", outgoing_or_break)
    outcomes = send_due(engine=engine, settings=sync_settings, now=utcnow() + timedelta(minutes=1))

    assert [(o.message_id, o.sent) for o in outcomes] == [
        (poisoned, False),
        (replies[1]["id"], True),
        (replies[2]["id"], True),
    ]
    assert len(control.get(f"/_emulator/mailboxes/{SUPPORT}/sent").json()["messages"]) == 2
    failed = tandem.get("/api/v1/outbox?state=failed", headers=admin.headers).json()
    assert [item["id"] for item in failed] == [poisoned]
    assert failed[0]["send_error"] == "Tandem could not send it (KeyError: 'signature')"
    queues = tandem.get("/api/v1/scheduler", headers=admin.headers).json()["queues"]
    shown = {queue["name"]: queue for queue in queues}
    assert set(shown) == {"replies", "webhooks", "agent_email", "reminders"}
    assert shown["replies"]["failed"] == 1
    assert shown["replies"]["latest_failures"][0]["id"] == poisoned
    assert shown["replies"]["latest_failures"][0]["error"] == failed[0]["send_error"]
    assert shown["webhooks"] == {
        "name": "webhooks",
        "waiting": 0,
        "failed": 0,
        "latest_failures": [],
    }
