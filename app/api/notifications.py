"""`/api/v1/notifications`: the caller's own in-app notices (mentions, assignments) and marking
them read.

Notifications are private: another user's, even in the same workspace, is simply not found.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import NotFound
from app.core.models import Notification, User, utcnow
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep

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
                    "created_at": "2026-11-20T09:30:00Z",
                    "read_at": None,
                }
            ]
        }
    )

    id: int
    conversation_id: int | None
    kind: str = Field(description="`mention`, `assigned`, ...")
    text: str
    created_at: datetime
    read_at: datetime | None


class MarkedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"marked": 3}]})

    marked: int = Field(description="How many notifications were unread and now are read.")


def notification_out(row: Notification) -> NotificationOut:
    return NotificationOut.model_validate(row, from_attributes=True)


def _own(session: Session, id: int, user: User) -> Notification:
    row = get_scoped(session, Notification, id, user.workspace_id)
    if row.user_id != user.id:
        raise NotFound(f"notification {id} not found")
    return row


@router.get("")
def list_notifications(
    user: CurrentUser,
    session: SessionDep,
    unread: Annotated[bool, Query(description="Only those not yet read.")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationOut]:
    """The caller's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread:
        query = query.where(col(Notification.read_at).is_(None))
    rows = session.exec(
        query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(
            limit
        )
    )
    return [notification_out(row) for row in rows]


@router.post("/read-all")
def mark_all_read(user: CurrentUser, session: SessionDep) -> MarkedOut:
    result = session.execute(
        update(Notification)
        .where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    return MarkedOut(marked=result.rowcount)  # type: ignore[attr-defined]


@router.post("/{id}/read")
def mark_read(id: int, user: CurrentUser, session: SessionDep) -> NotificationOut:
    """Marking a read notification again keeps its first read time."""
    row = _own(session, id, user)
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        session.commit()
    return notification_out(row)
