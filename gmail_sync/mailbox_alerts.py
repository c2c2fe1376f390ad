"""A mailbox Google stopped accepting Tandem's access to (the grant was revoked or expired):
it is marked for reconnection and every active admin is told, in the bell and by e-mail when
the workspace mails its agents (`app.core.notices`).

Admins are told once per episode: on the change to needing reconnection, never again while it
stays so (the sync, a watch renewal and a reply that could not be sent all find it so, and
syncs stop until an admin reconnects). Reconnecting ends the episode. An admin who
disconnects a mailbox themselves is not alerted (`gmail_sync.connect`). Flushes, never commits.
"""

from datetime import datetime

from sqlmodel import Session, col, select

from app.core import notice_text
from app.core.models import Mailbox, MailboxStatus, Role, User, id_of
from app.core.notice_text import new_notification
from app.core.notices import notify
from gmail_sync.mailboxes import mark_needs_reauth


def access_refused(*, session: Session, mailbox: Mailbox, reason: str, now: datetime) -> None:
    """Marks `mailbox` for reconnection (`reason` is kept for Settings); the first time in
    this episode, tells every active admin of its workspace."""
    first = mailbox.status != MailboxStatus.NEEDS_REAUTH
    mark_needs_reauth(mailbox=mailbox, reason=reason)
    session.add(mailbox)
    if not first:
        return
    admins = session.exec(
        select(User)
        .where(
            User.workspace_id == mailbox.workspace_id,
            User.role == Role.ADMIN,
            col(User.is_active),
        )
        .order_by(col(User.id))
    )
    for admin in admins:
        notice = new_notification(
            workspace_id=mailbox.workspace_id,
            user_id=id_of(admin),
            kind=notice_text.MAILBOX_REAUTH,
            params=notice_text.mailbox_reauth(mailbox.email),
            now=now,
        )
        notify(session, notice, now=now)
