"""Follow-ups at their time: "if the client has not written by then, remind me" or "... close
the conversation with this message". A client who wrote since the follow-up was set makes it
done without action. It runs inside the firing transaction and never commits.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from app.core.errors import Invalid, TandemError
from app.core.i18n import gettext as _
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    FollowupAction,
    Reminder,
    Template,
    User,
    id_of,
)
from app.core.notice_text import CLOSE_FAILED, REMINDER, english, reminder_says
from inbox.changes import change_conversation
from inbox.rating_links import RatingLinks
from inbox.resolution import queue_resolution


class FollowupOutcome(StrEnum):
    REMIND = "remind"
    CLOSED = "closed"
    DONE = "done"


def client_wrote_since(conversation: Conversation, since: datetime) -> bool:
    return conversation.last_inbound_at is not None and conversation.last_inbound_at > since


def run_followup(
    session: Session,
    *,
    reminder: Reminder,
    conversation: Conversation | None,
    links: RatingLinks,
    now: datetime,
) -> FollowupOutcome:
    """What the follow-up did; REMIND means the caller delivers it as a reminder (also when an
    auto-close cannot run, with the reason in its text, so nobody is left waiting silently)."""
    if conversation is None or client_wrote_since(conversation, reminder.created_at):
        return FollowupOutcome.DONE
    if conversation.status == ConversationStatus.CLOSED:
        return FollowupOutcome.DONE
    if reminder.action != FollowupAction.CLOSE:
        return FollowupOutcome.REMIND
    try:
        _close_with_message(
            session, reminder=reminder, conversation=conversation, links=links, now=now
        )
    except TandemError as exc:
        says = reminder_says(CLOSE_FAILED, conversation.subject.strip() or None, reason=str(exc))
        reminder.params = says
        reminder.text = english(f"{REMINDER}{reminder.kind}", says)
        session.add(reminder)
        return FollowupOutcome.REMIND
    return FollowupOutcome.CLOSED


def _close_with_message(
    session: Session,
    *,
    reminder: Reminder,
    conversation: Conversation,
    links: RatingLinks,
    now: datetime,
) -> None:
    """Queues the template as the resolution message, with its rating links (to everyone on
    the thread, sent by the send job at once), then closes the conversation in the name of
    whoever set the follow-up; raises before writing anything when the message cannot be
    written. Whoever set it chose the template, so the pre-send check does not hold it."""
    actor = _actor(session, reminder)
    template = session.get(Template, reminder.template_id) if reminder.template_id else None
    if actor is None or template is None:
        raise Invalid(_("its template or the person who set it no longer exists"))
    message = queue_resolution(
        session,
        conversation=conversation,
        template=template,
        author=actor,
        links=links,
        confirmed=True,
        now=now,
        delay=timedelta(0),
    )
    change_conversation(
        session=session,
        conversation=conversation,
        actor=actor,
        changes={"status": ConversationStatus.CLOSED},
        now=now,
    )
    session.add(
        AuditEvent(
            workspace_id=conversation.workspace_id,
            conversation_id=id_of(conversation),
            actor_id=None,
            action="reminder.followup_closed",
            details={"reminder_id": id_of(reminder), "message_id": id_of(message)},
            created_at=now,
        )
    )


def _actor(session: Session, reminder: Reminder) -> User | None:
    """The person the close is done for: who set the follow-up, else whom it reminds; the
    audit trail also records the system's `reminder.followup_closed`."""
    for user_id in (reminder.created_by_id, reminder.user_id):
        user = session.get(User, user_id) if user_id is not None else None
        if user is not None and user.is_active:
            return user
    return None
