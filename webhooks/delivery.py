"""Sends queued webhook deliveries: claim, sign, POST, record, and retry with backoff.

Each delivery is claimed with a conditional UPDATE (a lease) and committed before the POST, so
two senders never post one delivery twice; the result is written only by the claim's holder.
It never sends a delivery whose subscription is inactive, never posts to a private address
unless the deployment allows it (checked again at each attempt, `webhooks.targets`), and never
follows a redirect, which could lead anywhere.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import col, select
from standardwebhooks.webhooks import Webhook

from app.core.claims import claim as claim_rows
from app.core.claims import lease_free
from app.core.db import session_scope
from app.core.errors import Invalid
from app.core.job_text import WEBHOOK_INACTIVE, WEBHOOK_REFUSED, WEBHOOK_UNRESOLVED, said
from app.core.metrics import WEBHOOK_ATTEMPTS
from app.core.models import WebhookDelivery, WebhookDeliveryState, WebhookSubscription, id_of
from webhooks.targets import resolve_target

TIMEOUT_SECONDS = 10.0
#: Waits after the 1st, 2nd, ... failed attempt; after the last attempt the delivery fails.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: Longer than one POST can take, so a live claim never expires under its holder.
CLAIM_LEASE = timedelta(seconds=TIMEOUT_SECONDS * 6)
USER_AGENT = "Tandem-Webhooks/1"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """What one POST gave: a status code, or an error when there was no usable answer;
    a `final` attempt is never retried."""

    status: int | None
    error: str | None
    duration_ms: int
    final: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signature(secret: str, body: bytes) -> str:
    """The `X-Tandem-Signature` value: `sha256=` and the hex HMAC-SHA256 of the exact body.
    Kept for one version beside the Standard Webhooks headers, then dropped (see CHANGELOG)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_headers(
    secret: str, delivery_id: int, body: bytes, sent_at: datetime
) -> dict[str, str]:
    """The Standard Webhooks headers (standardwebhooks.com): `webhook-id` is the delivery's id,
    the same on every retry so a receiver can drop duplicates; `webhook-timestamp` is when this
    attempt was signed, so a receiver can refuse a captured delivery replayed later; the key is
    the secret's UTF-8 bytes (receivers pass `secret.encode()` to the library)."""
    message_id = str(delivery_id)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret.encode()).sign(message_id, sent_at, body),
    }


def body_of(delivery: WebhookDelivery) -> bytes:
    """The JSON body, the same bytes on every attempt."""
    document: dict[str, Any] = {
        "id": id_of(delivery),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "workspace_id": delivery.workspace_id,
        "data": delivery.payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def due_delivery_ids(*, engine: Engine, now: datetime, limit: int) -> list[int]:
    with session_scope(engine) as session:
        query = (
            select(WebhookDelivery.id)
            .where(
                col(WebhookDelivery.state) == WebhookDeliveryState.PENDING,
                col(WebhookDelivery.next_attempt_at) <= now,
            )
            .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
            .limit(limit)
        )
        return [delivery_id for delivery_id in session.exec(query) if delivery_id is not None]


def claim(*, engine: Engine, delivery_id: int, owner: str, now: datetime) -> bool:
    """Takes the lease on a due pending delivery; False when another sender holds it or the
    delivery is no longer due."""
    with session_scope(engine) as session:
        claimed = claim_rows(
            session,
            WebhookDelivery,
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.state) == WebhookDeliveryState.PENDING,
            col(WebhookDelivery.next_attempt_at) <= now,
            lease_free(col(WebhookDelivery.claimed_until), now),
            values={"claimed_by": owner, "claimed_until": now + CLAIM_LEASE},
        )
        return bool(claimed)


def post(
    client: httpx.Client,
    subscription: WebhookSubscription,
    delivery: WebhookDelivery,
    *,
    allow_private: bool,
) -> Attempt:
    """POSTs the signed body once; every failure becomes an Attempt, never an exception."""
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Tandem-Event": delivery.event,
        "X-Tandem-Delivery": str(id_of(delivery)),
        "X-Tandem-Signature": signature(subscription.secret, body),
        # The wall clock, not the run's `now`: the receiver compares it with its own clock.
        **standard_headers(subscription.secret, id_of(delivery), body, datetime.now(UTC)),
    }
    started = time.monotonic()
    try:
        target = resolve_target(subscription.url, allow_private=allow_private)
        response = client.post(
            target.url,
            content=body,
            headers={**headers, **target.headers},
            extensions=target.extensions,
            follow_redirects=False,
        )
    except Invalid as exc:
        return Attempt(None, said(WEBHOOK_REFUSED, reason=str(exc)), _elapsed_ms(started))
    except (OSError, UnicodeError) as exc:
        unresolved = said(WEBHOOK_UNRESOLVED, error=str(exc))
        return Attempt(None, unresolved, _elapsed_ms(started))
    except httpx.HTTPError as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Attempt(None, reason, _elapsed_ms(started))
    error = None if response.is_success else f"HTTP {response.status_code}"
    return Attempt(response.status_code, error, _elapsed_ms(started))


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def record(*, delivery: WebhookDelivery, attempt: Attempt, now: datetime) -> None:
    """Writes the attempt into the row: delivered, retried after the backoff, or failed."""
    delivery.attempts += 1
    delivery.last_status = attempt.status
    delivery.last_error = attempt.error
    entry = {
        "attempt": delivery.attempts,
        "at": now.isoformat(),
        "status": attempt.status,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
    }
    delivery.attempt_log = [*delivery.attempt_log, entry]
    delivery.claimed_by = None
    delivery.claimed_until = None
    if attempt.ok:
        delivery.state = WebhookDeliveryState.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        WEBHOOK_ATTEMPTS.labels("delivered").inc()
    elif attempt.final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = WebhookDeliveryState.FAILED
        delivery.next_attempt_at = None
        WEBHOOK_ATTEMPTS.labels("failed").inc()
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        WEBHOOK_ATTEMPTS.labels("retry").inc()


def _send_claimed(
    *,
    engine: Engine,
    client: httpx.Client,
    delivery_id: int,
    owner: str,
    now: datetime,
    allow_private: bool,
) -> bool:
    """Sends one claimed delivery and records the result; True when it was delivered."""
    with session_scope(engine) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        subscription = (
            session.get(WebhookSubscription, delivery.subscription_id) if delivery else None
        )
    if delivery is None or subscription is None or delivery.claimed_by != owner:
        return False
    try:
        if subscription.is_active:
            attempt = post(client, subscription, delivery, allow_private=allow_private)
        else:
            attempt = Attempt(None, said(WEBHOOK_INACTIVE), 0, final=True)
    except Exception as exc:  # a fault of this delivery's: an attempt like any failed one
        logger.exception("webhook delivery failed", extra={"delivery_id": delivery_id})
        attempt = Attempt(None, f"{type(exc).__name__}: {exc}", 0)
    with session_scope(engine) as session:
        current = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if current is None or current.claimed_by != owner:
            return False
        record(delivery=current, attempt=attempt, now=now)
        session.add(current)
    return attempt.ok


def deliver_due(
    *,
    engine: Engine,
    now: datetime,
    allow_private: bool,
    client: httpx.Client | None = None,
    limit: int = 100,
) -> int:
    """Sends up to `limit` due deliveries and returns how many were delivered (2xx);
    `allow_private` is the deployment's `webhook_allow_private`.

    Safe to run in several threads or processes at once: each delivery is posted by the one
    sender whose conditional UPDATE claimed it.
    """
    owner = secrets.token_hex(8)
    ids = due_delivery_ids(engine=engine, now=now, limit=limit)
    if not ids:
        return 0
    if client is None:
        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as own_client:
            return _deliver(engine, own_client, ids, owner=owner, now=now, allow=allow_private)
    return _deliver(engine, client, ids, owner=owner, now=now, allow=allow_private)


def _deliver(
    engine: Engine, client: httpx.Client, ids: list[int], *, owner: str, now: datetime, allow: bool
) -> int:
    delivered = 0
    for delivery_id in ids:
        if claim(engine=engine, delivery_id=delivery_id, owner=owner, now=now):
            delivered += _send_claimed(
                engine=engine,
                client=client,
                delivery_id=delivery_id,
                owner=owner,
                now=now,
                allow_private=allow,
            )
    return delivered
