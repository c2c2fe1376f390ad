""" "Send and close" and "Send and mark pending": the status the agent picked with a reply.

The status changes as the reply is queued, so the inbox shows the conversation where the agent
put it at once; its audit entry names the reply (`details.with_reply`). A reply undone in its
window was never sent, so the status it brought is undone with it, back to what it was (a snooze
whose time has passed comes back open), unless someone changed the status since: then theirs
stands. Functions flush, never commit.
"""

from datetime import datetime

from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Conversation, ConversationStatus, Message, User, id_of
from gmail_sync.send import cancel_reply
from inbox.changes import change_conversation

_RECENT_CHANGES = 50


def mark_with_reply(
    session: Session,
    *,
    conversation: Conversation,
    user: User,
    message: Message,
    status: ConversationStatus,
    now: datetime,
) -> None:
    """Sets the status picked with the queued reply, remembering which reply brought it."""
    event = change_conversation(
        session=session, conversation=conversation, actor=user, changes={"status": status}, now=now
    )
    if event is not None:
        event.details = {"with_reply": id_of(message)}
        session.add(event)
        session.flush()


def cancel_and_unmark(session: Session, *, message: Message, actor: User, now: datetime) -> None:
    """Cancels the reply in its undo window (`cancel_reply`) and puts back the status it set."""
    cancel_reply(session=session, message=message, actor=actor, now=now)
    conversation = session.get(Conversation, message.conversation_id)
    if conversation is None:
        return
    changes = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.conversation_id == message.conversation_id,
            AuditEvent.action == "conversation.updated",
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(_RECENT_CHANGES)
    ).all()
    statuses = [event for event in changes if "status" in event.after]
    if not statuses or statuses[0].details.get("with_reply") != message.id:
        return  # the send set no status, or someone changed it since
    if conversation.status != statuses[0].after["status"]:
        return
    change_conversation(
        session=session,
        conversation=conversation,
        actor=actor,
        changes=_restored(statuses[0].before, now),
        now=now,
    )


def _restored(before: dict[str, object], now: datetime) -> dict[str, object]:
    status = ConversationStatus(str(before["status"]))
    if status != ConversationStatus.SNOOZED:
        return {"status": status}
    until = before.get("snoozed_until")
    woken = datetime.fromisoformat(until) if isinstance(until, str) else None
    if woken is None or woken <= now:
        return {"status": ConversationStatus.OPEN}
    return {"status": status, "snoozed_until": woken}
