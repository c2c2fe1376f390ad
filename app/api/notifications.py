"""`/api/v1/notifications`: the caller's own in-app notices (mentions, assignments, reminders,
a client's reply, a mailbox that stopped syncing) and marking them read.

Notifications are private: another user's, even in the same workspace, is simply not found.
Reading and marking are `inbox.notifications`' (the web's notification menu calls them too).
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from app.core.models import Notification, utcnow
from app.core.notice_text import notification_text
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox import notifications

router = APIRouter(prefix="/notifications", tags=["notifications"])


class NotificationOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "conversation_id": 42,
                    "kind": "mention",
                    "text": "Boris mentioned you in a note on “Invoice #114”",
                    "params": {"actor": "Boris", "subject": "Invoice #114"},
                    "created_at": "2026-11-20T09:30:00Z",
                    "read_at": None,
                }
            ]
        }
    )

    id: int
    conversation_id: int | None
    kind: str = Field(
        description="`mention`, `assigned`, `client_reply`, `woken`, `csat_unsolved`, "
        "`mailbox_reauth`, `reminder.…`, ..."
    )
    text: str = Field(description="What it says, in English.")
    params: dict[str, Any] | None = Field(
        description="The values `text` names, by kind (`actor`, `subject`, `client`, "
        "`mailbox`, `words`); null for notifications from before they were kept."
    )
    created_at: datetime
    read_at: datetime | None


class MarkedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"marked": 3}]})

    marked: int = Field(description="How many notifications were unread and now are read.")


def notification_out(row: Notification) -> NotificationOut:
    """`text` written from the values now (the API reads English), as the bell writes it."""
    out = NotificationOut.model_validate(row, from_attributes=True)
    out.text = notification_text(row)
    return out


@router.get("")
def list_notifications(
    user: CurrentUser,
    session: SessionDep,
    unread: Annotated[bool, Query(description="Only those not yet read.")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationOut]:
    """The caller's notifications, newest first."""
    rows = notifications.notifications_of(session, user, unread=unread, limit=limit)
    return [notification_out(row) for row in rows]


@router.post("/read-all", operation_id="markAllNotificationsRead")
def mark_all_read(user: CurrentUser, session: SessionDep) -> MarkedOut:
    return MarkedOut(marked=notifications.mark_all_read(session=session, user=user, now=utcnow()))


@router.post("/{id}/read", operation_id="markNotificationRead")
def mark_read(id: int, user: CurrentUser, session: SessionDep) -> NotificationOut:
    """Marking a read notification again keeps its first read time."""
    row = notifications.own_notification(session, id, user)
    notifications.mark_read(session=session, notification=row, now=utcnow())
    return notification_out(row)
