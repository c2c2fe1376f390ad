"""The Standard Webhooks signature checked by the receiver example in docs/webhooks.md, run as
written against a real delivery: it accepts the delivery, refuses it replayed six minutes
later or with a tampered timestamp, and the `standardwebhooks` library agrees; a retry keeps
the delivery's webhook-id."""

import re
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.core.db import session_scope
from app.core.models import WebhookSubscription
from tests.webhooks.receiver import Receiver
from webhooks.delivery import BACKOFF, deliver_due
from webhooks.events import emit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "a-secret-of-at-least-sixteen"
DOC = Path(__file__).parents[2] / "docs" / "webhooks.md"


def _doc_receiver() -> Any:
    """The receiver example's code block, executed as a reader would paste it."""
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return SimpleNamespace(**namespace)


def _deliver_one(engine: Engine, workspace_id: int, receiver: Receiver) -> None:
    with session_scope(engine) as session:
        session.add(
            WebhookSubscription(
                workspace_id=workspace_id,
                url=receiver.url,
                secret=SECRET,
                events=["conversation.created"],
                is_internal=False,
                is_active=True,
            )
        )
        emit(
            session=session,
            workspace_id=workspace_id,
            event="conversation.created",
            data={"conversation": {"id": 7, "subject": "Счёт не пришёл"}},
            now=NOW,
        )


def test_the_documented_receiver_accepts_a_delivery_and_refuses_its_replay(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    _deliver_one(engine, workspace_id, receiver)
    deliver_due(engine=engine, now=NOW, allow_private=True)
    [request] = receiver.requests
    docs = _doc_receiver()
    signed_at = int(request.headers["webhook-timestamp"])
    assert abs(signed_at - time.time()) < 60
    assert request.headers["webhook-signature"].startswith("v1,")

    docs.verify(SECRET, request.body, request.headers)
    Webhook(SECRET.encode()).verify(request.body, request.headers)

    with pytest.raises(docs.Rejected, match="stale timestamp"):
        docs.verify(SECRET, request.body, request.headers, now=signed_at + 6 * 60)
    later = signed_at + 6 * 60
    refreshed = {**request.headers, "webhook-timestamp": str(later)}
    with pytest.raises(docs.Rejected, match="bad signature"):
        docs.verify(SECRET, request.body, refreshed, now=later)
    with pytest.raises(docs.Rejected, match="bad signature"):
        docs.verify("another-secret-entirely", request.body, request.headers)
    with pytest.raises(docs.Rejected, match="bad signature"):
        docs.verify(SECRET, request.body.replace(b"7", b"8"), request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET.encode()).verify(request.body, {**request.headers, "webhook-id": "9"})
    assert request.signed_with(SECRET), "the old X-Tandem-Signature stays for one version"


def test_a_retry_keeps_the_webhook_id_and_signs_afresh(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    receiver.answer(503)
    _deliver_one(engine, workspace_id, receiver)
    deliver_due(engine=engine, now=NOW, allow_private=True)
    deliver_due(engine=engine, now=NOW + BACKOFF[0], allow_private=True)
    first, retry = receiver.requests
    assert first.headers["webhook-id"] == retry.headers["webhook-id"]
    assert first.headers["webhook-id"] == first.headers["x-tandem-delivery"]
    docs = _doc_receiver()
    for request in (first, retry):
        docs.verify(SECRET, request.body, request.headers)
