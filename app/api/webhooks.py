"""`/api/v1/webhooks`: outgoing webhook subscriptions, their delivery log and a test ping.

Admins create, change and delete subscriptions; agents may read them (never the secret, which
is shown once, at creation). Rules and request models live in `webhooks.subscriptions` (the
settings page calls the same functions); this module only maps HTTP.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.core.db import get_scoped
from app.core.models import WebhookDelivery, WebhookSubscription, utcnow
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep, SettingsDep
from webhooks.subscriptions import (
    WebhookIn,
    WebhookPatchIn,
    create_subscription,
    delete_subscription,
    deliveries_of,
    ping,
    subscriptions_of,
    update_subscription,
)

router = APIRouter(tags=["webhooks"])

WEBHOOK_EXAMPLE: JsonDict = {
    "id": 2,
    "url": "https://crm.company.com/hooks/tandem",
    "events": ["conversation.created", "message.received"],
    "is_internal": False,
    "is_active": True,
    "created_at": "2026-11-02T09:30:00Z",
}
DELIVERY_EXAMPLE: JsonDict = {
    "id": 118,
    "event": "message.received",
    "state": "delivered",
    "attempts": 1,
    "next_attempt_at": None,
    "last_status": 200,
    "last_error": None,
    "delivered_at": "2026-11-20T10:02:01Z",
    "created_at": "2026-11-20T10:02:00Z",
    "payload": {"event": "message.received", "conversation_id": 42, "message_id": 311},
    "attempt_log": [
        {
            "attempt": 1,
            "at": "2026-11-20T10:02:01Z",
            "status": 200,
            "error": None,
            "duration_ms": 84,
        }
    ],
}


class WebhookOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [WEBHOOK_EXAMPLE]})

    id: int
    url: str
    events: list[str]
    is_internal: bool
    is_active: bool
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**WEBHOOK_EXAMPLE, "secret": "whsec_5b1d0c9e8f7a6b5c4d3e2f1a"}]
        }
    )

    secret: str = Field(description="The signing secret; shown only in this response.")


class AttemptOut(BaseModel):
    attempt: int
    at: datetime
    status: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [DELIVERY_EXAMPLE]})

    id: int
    event: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]
    attempt_log: list[AttemptOut]


def webhook_out(row: WebhookSubscription) -> WebhookOut:
    return WebhookOut.model_validate(row, from_attributes=True)


def delivery_out(row: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut.model_validate(row, from_attributes=True)


@router.get("/webhooks")
def list_webhooks(user: CurrentUser, session: SessionDep) -> list[WebhookOut]:
    return [webhook_out(row) for row in subscriptions_of(session, user.workspace_id)]


@router.post("/webhooks", status_code=status.HTTP_201_CREATED)
def add_webhook(
    body: WebhookIn, admin: AdminUser, session: SessionDep, settings: SettingsDep
) -> WebhookCreatedOut:
    """Subscribes a URL to events; deliveries are signed with the secret shown here once. A URL
    of a loopback, link-local or private address is refused (422)."""
    row = create_subscription(
        session=session,
        workspace_id=admin.workspace_id,
        body=body,
        now=utcnow(),
        allow_private=settings.webhook_allow_private,
    )
    return WebhookCreatedOut(**webhook_out(row).model_dump(), secret=row.secret)


@router.get("/webhooks/{id}")
def read_webhook(id: int, user: CurrentUser, session: SessionDep) -> WebhookOut:
    return webhook_out(get_scoped(session, WebhookSubscription, id, user.workspace_id))


@router.patch("/webhooks/{id}")
def change_webhook(
    id: int, body: WebhookPatchIn, admin: AdminUser, session: SessionDep, settings: SettingsDep
) -> WebhookOut:
    row = get_scoped(session, WebhookSubscription, id, admin.workspace_id)
    allow = settings.webhook_allow_private
    changed = update_subscription(session=session, subscription=row, body=body, allow_private=allow)
    return webhook_out(changed)


@router.delete("/webhooks/{id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_webhook(id: int, admin: AdminUser, session: SessionDep) -> Response:
    """Deletes the subscription and its delivery log."""
    row = get_scoped(session, WebhookSubscription, id, admin.workspace_id)
    delete_subscription(session=session, subscription=row)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{id}/deliveries", operation_id="listWebhookDeliveries")
def list_deliveries(
    id: int,
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[DeliveryOut]:
    """The delivery log, newest first, with every attempt of each delivery."""
    row = get_scoped(session, WebhookSubscription, id, user.workspace_id)
    return [delivery_out(delivery) for delivery in deliveries_of(session, row, limit)]


@router.post("/webhooks/{id}/test", status_code=status.HTTP_202_ACCEPTED)
def test_webhook(id: int, admin: AdminUser, session: SessionDep) -> DeliveryOut:
    """Queues a `ping` event to this webhook; its result shows in the delivery log."""
    row = get_scoped(session, WebhookSubscription, id, admin.workspace_id)
    return delivery_out(ping(session=session, subscription=row, now=utcnow()))
