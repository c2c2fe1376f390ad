"""Webhook subscriptions of a workspace: create, change and remove them, with their rules.

A URL must be absolute http(s); events come from `webhooks.events.EVENTS`; the secret is
generated when not given and is readable only by the caller that created it. Never commits.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from app.core.errors import Conflict, Invalid
from app.core.models import WebhookDelivery, WebhookSubscription
from webhooks.events import EVENTS, queue_ping

MIN_SECRET_LENGTH = 16


def check_url(url: str) -> str:
    """The URL, stripped, when it is an absolute http(s) URL with a host; Invalid otherwise."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise Invalid(f"webhook url {url!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise Invalid("webhook url must be an absolute http:// or https:// URL with a host")
    return url


def check_events(events: Iterable[str]) -> list[str]:
    """The events, deduplicated in order; Invalid when one is unknown or none is given."""
    chosen = list(dict.fromkeys(events))
    unknown = [event for event in chosen if event not in EVENTS]
    if unknown:
        known = ", ".join(sorted(EVENTS))
        raise Invalid(f"unknown webhook events {unknown}; known events: {known}")
    if not chosen:
        raise Invalid("a webhook needs at least one event")
    return chosen


def create_subscription(
    *,
    session: Session,
    workspace_id: int,
    url: str,
    events: Iterable[str],
    is_internal: bool = False,
    secret: str | None = None,
    now: datetime,
) -> WebhookSubscription:
    """A new active subscription; its `secret` is generated with `secrets.token_urlsafe(32)`
    when not given."""
    if secret is not None and len(secret) < MIN_SECRET_LENGTH:
        raise Invalid(f"a webhook secret needs at least {MIN_SECRET_LENGTH} characters")
    subscription = WebhookSubscription(
        workspace_id=workspace_id,
        url=check_url(url),
        secret=secret or secrets.token_urlsafe(32),
        events=check_events(events),
        is_internal=is_internal,
        is_active=True,
        created_at=now,
    )
    session.add(subscription)
    session.flush()
    return subscription


def update_subscription(
    *,
    session: Session,
    subscription: WebhookSubscription,
    url: str | None = None,
    events: Iterable[str] | None = None,
    is_internal: bool | None = None,
    is_active: bool | None = None,
) -> WebhookSubscription:
    """Changes what is given; deliveries already queued keep the event they were queued for."""
    if url is not None:
        subscription.url = check_url(url)
    if events is not None:
        subscription.events = check_events(events)
    if is_internal is not None:
        subscription.is_internal = is_internal
    if is_active is not None:
        subscription.is_active = is_active
    session.add(subscription)
    session.flush()
    return subscription


def delete_subscription(*, session: Session, subscription: WebhookSubscription) -> None:
    """Removes the subscription with its delivery log."""
    session.delete(subscription)
    session.flush()


def ping(*, session: Session, subscription: WebhookSubscription, now: datetime) -> WebhookDelivery:
    """Queues a `ping` to an active subscription."""
    if not subscription.is_active:
        raise Conflict("the webhook is inactive: activate it before testing")
    return queue_ping(session=session, subscription=subscription, now=now)
