"""Delivery against a live receiver: signed bodies, backoff after failures, final failure,
and one POST per delivery however many senders run at once."""

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import WebhookDelivery, WebhookSubscription, id_of
from tests.webhooks.receiver import Receiver
from webhooks import delivery as delivery_module
from webhooks.delivery import BACKOFF, MAX_ATTEMPTS, claim, deliver_due
from webhooks.events import emit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "a-secret-of-at-least-sixteen"


def _subscribe(engine: Engine, workspace_id: int, url: str, *, active: bool = True) -> int:
    with session_scope(engine) as session:
        row = WebhookSubscription(
            workspace_id=workspace_id,
            url=url,
            secret=SECRET,
            events=["conversation.created", "message.received"],
            is_internal=False,
            is_active=active,
        )
        session.add(row)
        session.flush()
        return id_of(row)


def _queue(engine: Engine, workspace_id: int, count: int = 1) -> None:
    with session_scope(engine) as session:
        for number in range(count):
            data = {"conversation": {"id": number, "subject": "Счёт не пришёл"}}
            emit(
                session=session,
                workspace_id=workspace_id,
                event="conversation.created",
                data=data,
                now=NOW,
            )


def _delivery(engine: Engine) -> WebhookDelivery:
    with Session(engine) as session:
        return session.exec(select(WebhookDelivery)).one()


def test_a_delivery_is_signed_and_recorded(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    _subscribe(engine, workspace_id, receiver.url)
    _queue(engine, workspace_id)
    assert deliver_due(engine=engine, now=NOW, allow_private=True) == 1
    [request] = receiver.requests
    delivery = _delivery(engine)
    assert request.signed_with(SECRET)
    assert not request.signed_with("another-secret-entirely")
    assert request.headers["x-tandem-event"] == "conversation.created"
    assert request.headers["x-tandem-delivery"] == str(delivery.id)
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "id": delivery.id,
        "event": "conversation.created",
        "created_at": "2026-11-23T09:00:00+00:00",
        "workspace_id": workspace_id,
        "data": {"conversation": {"id": 0, "subject": "Счёт не пришёл"}},
    }
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert delivery.delivered_at == NOW
    assert delivery.claimed_by is None
    [attempt] = delivery.attempt_log
    assert (attempt["status"], attempt["error"]) == (200, None)
    assert attempt["duration_ms"] >= 0
    assert deliver_due(engine=engine, now=NOW + timedelta(days=1), allow_private=True) == 0
    assert len(receiver.requests) == 1


def test_a_failed_post_is_retried_after_the_backoff(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    _subscribe(engine, workspace_id, receiver.url)
    _queue(engine, workspace_id)
    receiver.answer(500)
    assert deliver_due(engine=engine, now=NOW, allow_private=True) == 0
    delivery = _delivery(engine)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at == NOW + BACKOFF[0]
    assert (
        deliver_due(engine=engine, now=NOW + BACKOFF[0] - timedelta(seconds=1), allow_private=True)
        == 0
    )
    assert len(receiver.requests) == 1
    assert deliver_due(engine=engine, now=NOW + BACKOFF[0], allow_private=True) == 1
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["x-tandem-delivery"] == second.headers["x-tandem-delivery"]
    delivery = _delivery(engine)
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert [entry["status"] for entry in delivery.attempt_log] == [500, 200]


def test_a_delivery_fails_after_the_last_attempt(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    _subscribe(engine, workspace_id, receiver.url)
    _queue(engine, workspace_id)
    receiver.always = 503
    now = NOW
    waits = []
    for _ in range(MAX_ATTEMPTS):
        assert deliver_due(engine=engine, now=now, allow_private=True) == 0
        delivery = _delivery(engine)
        if delivery.next_attempt_at is not None:
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
    assert waits == list(BACKOFF)
    assert waits == sorted(waits)
    delivery = _delivery(engine)
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
        "failed",
        MAX_ATTEMPTS,
        None,
    )
    assert len(delivery.attempt_log) == MAX_ATTEMPTS
    assert deliver_due(engine=engine, now=now + timedelta(days=30), allow_private=True) == 0
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_an_unreachable_receiver_is_an_attempt_with_an_error(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    closed_port = receiver.url.replace(str(receiver.port), "1")
    _subscribe(engine, workspace_id, closed_port)
    _queue(engine, workspace_id)
    assert deliver_due(engine=engine, now=NOW, allow_private=True) == 0
    delivery = _delivery(engine)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, None)
    assert delivery.last_error and "ConnectError" in delivery.last_error


def test_an_inactive_subscription_gets_nothing(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    subscription_id = _subscribe(engine, workspace_id, receiver.url)
    _queue(engine, workspace_id)
    with session_scope(engine) as session:
        row = session.get(WebhookSubscription, subscription_id)
        assert row is not None
        row.is_active = False
    assert deliver_due(engine=engine, now=NOW, allow_private=True) == 0
    assert receiver.requests == []
    delivery = _delivery(engine)
    assert (delivery.state, delivery.last_error) == ("failed", "the webhook is inactive")


def test_a_claimed_delivery_waits_for_its_lease(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    _subscribe(engine, workspace_id, receiver.url)
    _queue(engine, workspace_id)
    delivery_id = id_of(_delivery(engine))
    assert claim(engine=engine, delivery_id=delivery_id, owner="crashed", now=NOW)
    assert not claim(engine=engine, delivery_id=delivery_id, owner="late", now=NOW)
    assert deliver_due(engine=engine, now=NOW, allow_private=True) == 0
    assert receiver.requests == []
    assert deliver_due(engine=engine, now=NOW + timedelta(minutes=5), allow_private=True) == 1
    assert len(receiver.requests) == 1


def test_concurrent_senders_never_post_a_delivery_twice(
    engine: Engine, workspace_id: int, receiver: Receiver
) -> None:
    _subscribe(engine, workspace_id, receiver.url)
    _queue(engine, workspace_id, count=30)
    results: list[int] = []
    start = threading.Barrier(3)

    def send() -> None:
        with httpx.Client(timeout=10) as client:
            start.wait()
            results.append(deliver_due(engine=engine, now=NOW, client=client, allow_private=True))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [request.headers["x-tandem-delivery"] for request in receiver.requests]
    assert len(ids) == len(set(ids)) == 30
    assert sum(results) == 30
    with Session(engine) as session:
        states = {row.state for row in session.exec(select(WebhookDelivery))}
    assert states == {"delivered"}


def test_a_delivery_that_cannot_be_sent_never_holds_back_the_others(
    engine: Engine, workspace_id: int, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poisoned row (here one whose body cannot be built) fails on its own: its attempt is
    recorded with the reason and retried with backoff, then failed, while the rest arrive."""
    _subscribe(engine, workspace_id, receiver.url)
    _queue(engine, workspace_id, count=3)
    with Session(engine) as session:
        poisoned = session.exec(select(WebhookDelivery.id).order_by(WebhookDelivery.id)).first()
    build = delivery_module.body_of

    def body_or_break(delivery: WebhookDelivery) -> bytes:
        if delivery.id == poisoned:
            raise TypeError("Object of type Decimal is not JSON serializable")
        return build(delivery)

    monkeypatch.setattr(delivery_module, "body_of", body_or_break)
    assert deliver_due(engine=engine, now=NOW, allow_private=True) == 2
    assert len(receiver.requests) == 2
    moment = NOW
    for wait in BACKOFF:
        moment += wait
        deliver_due(engine=engine, now=moment, allow_private=True)
    with Session(engine) as session:
        failed = session.get(WebhookDelivery, poisoned)
    assert failed is not None and failed.state == "failed"
    assert failed.attempts == MAX_ATTEMPTS
    assert failed.last_error == "TypeError: Object of type Decimal is not JSON serializable"
