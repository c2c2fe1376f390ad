"""Telling an agent that the client wrote again in a conversation they own: after a sync, one
notification per conversation (the newest mail's sender names it), in the bell and, when the
workspace mails its agents, by e-mail (`app.core.notices`).

Only a person's new live mail counts: automated mail (bounces, auto-replies, newsletters), the
team's own mail (sent from Tandem or from Gmail), a copy in a second mailbox and history
imported at connection never notify. It runs before round-robin assignment
(`app.main` wires it first): a conversation this sync created has no owner yet, and the
assignment's own notice tells its new owner, so nobody hears of one mail twice.
"""

from sqlmodel import Session, col

from app.core import notice_text
from app.core.models import Conversation, Message, id_of, utcnow
from app.core.notice_text import new_notification
from app.core.notices import notify
from gmail_sync.sync import SyncReport
from inbox.new_mail import new_client_mail


def notify_client_replies(session: Session, report: SyncReport) -> None:
    rows = new_client_mail(
        session,
        report,
        col(Message.automated).is_(None),
        col(Conversation.assignee_id).is_not(None),
    )
    newest = {id_of(conversation): (message, conversation) for message, conversation in rows}
    now = utcnow()
    for message, conversation in newest.values():
        assert conversation.assignee_id is not None
        who = message.from_name or message.from_address or None
        notice = new_notification(
            workspace_id=conversation.workspace_id,
            user_id=conversation.assignee_id,
            conversation_id=id_of(conversation),
            kind=notice_text.CLIENT_REPLY,
            params=notice_text.client_replied(conversation.subject, who),
            now=now,
        )
        notify(session, notice, now=now)
