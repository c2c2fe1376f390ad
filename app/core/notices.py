"""Telling one team member something: the in-app notification, the event that moves the bell
in their open tabs, and, when the workspace has an SMTP server, an e-mail to their login
address. Every layer that notifies (assignment, mentions, a client's reply, a mailbox that
stopped syncing) writes through here, so no notice reaches the bell without its e-mail or the
other way round. The e-mail is a row of the agent e-mail queue (`inbox.agent_mail` sends it
after this transaction commits and writes the link to the conversation), written in the
recipient's own language and zone; fired reminders queue theirs in bulk the same way
(`inbox.reminder_delivery`). Flushes, never commits.
"""

from datetime import datetime

from sqlmodel import Session, select

from app.core.i18n import gettext as _
from app.core.live import publish_notification
from app.core.models import AgentEmail, AgentEmailState, Notification, SmtpServer, User, Workspace
from app.core.notice_text import notification_text
from app.core.plain_text import one_line
from app.core.readers import writing_for


def notify(session: Session, notice: Notification, *, now: datetime) -> None:
    """Writes `notice`, tells its user's tabs, and queues its e-mail when the workspace mails
    its agents and the user has not turned e-mail off."""
    session.add(notice)
    session.flush()
    publish_notification(session, notice)
    if mails_agents(session, notice.workspace_id):
        user = session.get(User, notice.user_id)
        if user is not None and user.is_active and user.email_notifications:
            workspace = session.get(Workspace, notice.workspace_id)
            session.add(notice_email(notice, user, workspace, now))


def mails_agents(session: Session, workspace_id: int) -> bool:
    """Whether the workspace configured an SMTP server for e-mail to its agents."""
    found = session.exec(select(SmtpServer.id).where(SmtpServer.workspace_id == workspace_id))
    return found.first() is not None


def notice_email(
    notice: Notification, user: User, workspace: Workspace | None, now: datetime
) -> AgentEmail:
    """The pending e-mail of a notification, as `user` reads Tandem; the mail job adds the
    conversation's link."""
    with writing_for(user, workspace):
        text = notification_text(notice)
        subject = _("Tandem: %(notice)s") % {"notice": text}
    return AgentEmail(
        workspace_id=notice.workspace_id,
        user_id=notice.user_id,
        conversation_id=notice.conversation_id,
        to_address=user.email,
        subject=one_line(subject)[:300],
        body=f"{text}\n",
        state=AgentEmailState.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
