"""A team member's in-app notifications (mentions, assignments, reminders, a client's reply,
a mailbox that stopped syncing): reading their own and marking them read. Whoever decides to
notify writes the row (through `app.core.notices`); this module only reads and marks, and
never reaches another user's notifications. Flushes, never commits.
"""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import NotFound
from app.core.i18n import gettext as _
from app.core.live import Live, publish
from app.core.models import Notification, User, id_of


def notifications_of(
    session: Session, user: User, *, unread: bool = False, limit: int
) -> list[Notification]:
    """The user's notifications, newest first (only the unread ones when `unread`)."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread:
        query = query.where(col(Notification.read_at).is_(None))
    newest_first = (col(Notification.created_at).desc(), col(Notification.id).desc())
    return list(session.exec(query.order_by(*newest_first).limit(limit)))


def own_notification(session: Session, notification_id: int, user: User) -> Notification:
    """Another user's notification, even in the same workspace, is simply not found."""
    row = get_scoped(session, Notification, notification_id, user.workspace_id)
    if row.user_id != user.id:
        raise NotFound(_("notification %(id)s not found") % {"id": notification_id})
    return row


def mark_read(*, session: Session, notification: Notification, now: datetime) -> None:
    """Marking a read notification again keeps its first read time."""
    if notification.read_at is None:
        notification.read_at = now
        session.add(notification)
        session.flush()
        _tell_tabs(session, user_id=notification.user_id, workspace_id=notification.workspace_id)


def mark_all_read(
    *, session: Session, user: User, now: datetime, conversation_id: int | None = None
) -> int:
    """How many of the user's notifications (only those about `conversation_id`, when given:
    opening a conversation reads what told the user of it) were unread and now are read."""
    query = update(Notification).where(
        col(Notification.user_id) == user.id, col(Notification.read_at).is_(None)
    )
    if conversation_id is not None:
        query = query.where(col(Notification.conversation_id) == conversation_id)
    result = session.execute(query.values(read_at=now))
    read = int(result.rowcount)  # type: ignore[attr-defined]
    if read:
        _tell_tabs(session, user_id=id_of(user), workspace_id=user.workspace_id)
    return read


def _tell_tabs(session: Session, *, user_id: int, workspace_id: int) -> None:
    """The user's other tabs update their bell."""
    publish(session, workspace_id=workspace_id, kind=Live.NOTIFICATIONS_READ, user_id=user_id)
