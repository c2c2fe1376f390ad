"""Raising a conversation to urgent when a client's new mail says it is (`inbox.urgency`).

After a sync, each new live mail a person wrote is read once: history imported at connection,
automated mail, the team's own mail and copies in a second mailbox never raise anything. The
conversation gets priority urgent, the words found as its `urgency_reason`, and an audit event
`conversation.urgent` (the system's, no actor) naming them; a reply already owed is owed by the
urgent target from then on. An agent who lowers it again is
not overruled by the same mail, which is never read twice; a later urgent mail raises it anew.
"""

from sqlmodel import Session, col

from app.core.models import AuditEvent, Conversation, Message, Priority, utcnow
from gmail_sync.sync import SyncReport
from inbox.changes import announce_change
from inbox.new_mail import new_client_mail, opens_conversation
from inbox.promises import retarget_reply_clock
from inbox.urgency import Urgency, detect_urgency

ACTION = "conversation.urgent"


def raise_urgent_mail(session: Session, report: SyncReport) -> None:
    rows = new_client_mail(session, report, col(Message.automated).is_(None))
    for message, conversation in rows:
        if conversation.priority == Priority.URGENT:
            continue
        urgency = detect_urgency(
            subject=message.subject,
            text=message.visible_text,
            opens_conversation=opens_conversation(message, conversation),
        )
        if urgency is not None:
            _raise(session, conversation, message, urgency)


def _raise(
    session: Session, conversation: Conversation, message: Message, urgency: Urgency
) -> None:
    now = utcnow()
    before = {"priority": conversation.priority}
    conversation.priority = Priority.URGENT
    conversation.urgency_reason = urgency.reason[:300]
    conversation.updated_at = now
    session.add(conversation)
    retarget_reply_clock(session, conversation)
    session.add(
        AuditEvent(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            actor_id=None,
            action=ACTION,
            before=before,
            after={
                "priority": Priority.URGENT.value,
                "words": list(urgency.words),
                "message_id": message.id,
            },
            created_at=now,
        )
    )
    session.flush()
    announce_change(
        session, conversation, {"priority": [before["priority"], Priority.URGENT.value]}, now
    )
