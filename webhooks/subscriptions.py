"""Webhook subscriptions of a workspace: create, change, list and remove them, with their rules,
and read their delivery log.

A URL must be absolute http(s) and, unless the deployment allows private targets, lead to a
public address (`webhooks.targets`); events come from `webhooks.events.EVENTS`; the secret is
generated when not given and is readable only by the caller that created it. The REST API and
the settings page validate with `WebhookIn`/`WebhookPatchIn` and call these functions, so both
accept and refuse the same subscriptions. Never commits.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from app.core.errors import Conflict, Invalid
from app.core.i18n import gettext as _
from app.core.models import WebhookDelivery, WebhookSubscription
from app.core.plain_text import ONE_LINE
from webhooks.events import EVENTS, Event, queue_ping
from webhooks.targets import check_target

MIN_SECRET_LENGTH = 16
URL_EXAMPLE = "https://hooks.example.com/tandem"


class WebhookIn(BaseModel):
    url: Annotated[str, Field(max_length=2048), ONE_LINE] = Field(examples=[URL_EXAMPLE])
    events: list[Event] = Field(min_length=1, examples=[["conversation.created"]])
    is_internal: bool = Field(
        default=False, description="Internal webhooks also receive note.created (internal notes)."
    )
    secret: Annotated[str, Field(min_length=MIN_SECRET_LENGTH, max_length=128), ONE_LINE] | None = (
        Field(default=None, description="The HMAC key; generated when not given.")
    )


class WebhookPatchIn(BaseModel):
    url: Annotated[str, Field(max_length=2048), ONE_LINE] | None = Field(
        default=None, examples=[URL_EXAMPLE]
    )
    events: list[Event] | None = Field(default=None, min_length=1)
    is_internal: bool | None = None
    is_active: bool | None = None


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, stripped, when it is an absolute http(s) URL with a host that is not a private
    address (unless `allow_private`); Invalid otherwise."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port  # a port out of range is a ValueError too
    except ValueError:
        raise Invalid(_("webhook url %(url)r is not a valid URL") % {"url": url}) from None
    if parts.scheme not in ("http", "https") or not host:
        raise Invalid(_("webhook url must be an absolute http:// or https:// URL with a host"))
    check_target(url, allow_private=allow_private)
    return url


def check_events(events: Iterable[str]) -> list[str]:
    """The events, deduplicated in order; Invalid when one is unknown or none is given."""
    chosen = list(dict.fromkeys(events))
    unknown = [event for event in chosen if event not in EVENTS]
    if unknown:
        known = ", ".join(sorted(EVENTS))
        raise Invalid(
            _("unknown webhook events %(unknown)s; known events: %(known)s")
            % {"unknown": unknown, "known": known}
        )
    if not chosen:
        raise Invalid(_("a webhook needs at least one event"))
    return chosen


def create_subscription(
    *, session: Session, workspace_id: int, body: WebhookIn, now: datetime, allow_private: bool
) -> WebhookSubscription:
    """A new active subscription; its `secret` is generated with `secrets.token_urlsafe(32)`
    when not given."""
    if body.secret is not None and len(body.secret) < MIN_SECRET_LENGTH:
        raise Invalid(
            _("a webhook secret needs at least %(count)s characters") % {"count": MIN_SECRET_LENGTH}
        )
    subscription = WebhookSubscription(
        workspace_id=workspace_id,
        url=check_url(body.url, allow_private=allow_private),
        secret=body.secret or secrets.token_urlsafe(32),
        events=check_events(body.events),
        is_internal=body.is_internal,
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
    body: WebhookPatchIn,
    allow_private: bool,
) -> WebhookSubscription:
    """Changes what is given; deliveries already queued keep the event they were queued for."""
    if body.url is not None:
        subscription.url = check_url(body.url, allow_private=allow_private)
    if body.events is not None:
        subscription.events = check_events(body.events)
    if body.is_internal is not None:
        subscription.is_internal = body.is_internal
    if body.is_active is not None:
        subscription.is_active = body.is_active
    session.add(subscription)
    session.flush()
    return subscription


def subscriptions_of(session: Session, workspace_id: int) -> list[WebhookSubscription]:
    query = (
        select(WebhookSubscription)
        .where(WebhookSubscription.workspace_id == workspace_id)
        .order_by(col(WebhookSubscription.id))
    )
    return list(session.exec(query))


def deliveries_of(
    session: Session, subscription: WebhookSubscription, limit: int
) -> list[WebhookDelivery]:
    """The delivery log, newest first, each delivery with every attempt."""
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def delete_subscription(*, session: Session, subscription: WebhookSubscription) -> None:
    """Removes the subscription with its delivery log."""
    session.delete(subscription)
    session.flush()


def ping(*, session: Session, subscription: WebhookSubscription, now: datetime) -> WebhookDelivery:
    """Queues a `ping` to an active subscription."""
    if not subscription.is_active:
        raise Conflict(_("the webhook is inactive: activate it before testing"))
    return queue_ping(session=session, subscription=subscription, now=now)
