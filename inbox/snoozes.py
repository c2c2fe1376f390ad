"""Wakes snoozed conversations whose time has come: back to open, audited as
`conversation.woken`, announced as conversation.updated, and the assignee told.

Each wake-up is a conditional UPDATE on (id, still snoozed, snoozed_until passed), so a second
process, or a client's mail that reopened the conversation meanwhile (the sync does that), makes
it a no-op; it never wakes a conversation twice.
"""

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.claims import claim
from app.core.db import session_scope
from app.core.models import AuditEvent, Conversation, ConversationStatus, Notification, id_of
from app.core.notices import notify
from inbox.changes import announce_change

CHUNK = 200


def wake_due_snoozes(engine: Engine, *, now: datetime, chunk: int = CHUNK) -> int:
    """Wakes every conversation snoozed until `now` or earlier; returns how many this call
    woke (not counting those another process woke first)."""
    woken = 0
    while True:
        with session_scope(engine) as session:
            due = list(
                session.exec(
                    select(Conversation.id, Conversation.snoozed_until)
                    .where(
                        col(Conversation.status) == ConversationStatus.SNOOZED,
                        col(Conversation.snoozed_until) <= now,
                    )
                    .order_by(col(Conversation.snoozed_until), col(Conversation.id))
                    .limit(chunk)
                )
            )
            woken += sum(
                wake(session, conversation_id=cid, until=until, now=now)
                for cid, until in due
                if cid is not None and until is not None
            )
        if len(due) < chunk:
            return woken


def wake(session: Session, *, conversation_id: int, until: datetime, now: datetime) -> bool:
    """Claims one wake-up; True when this call woke the conversation."""
    woken = claim(
        session,
        Conversation,
        col(Conversation.id) == conversation_id,
        col(Conversation.status) == ConversationStatus.SNOOZED,
        col(Conversation.snoozed_until) <= now,
        values={"status": ConversationStatus.OPEN, "snoozed_until": None, "updated_at": now},
    )
    if not woken:
        return False
    conversation = session.get(Conversation, conversation_id, populate_existing=True)
    assert conversation is not None, "it was just updated"
    before = {"status": ConversationStatus.SNOOZED.value, "snoozed_until": until.isoformat()}
    after = {"status": ConversationStatus.OPEN.value, "snoozed_until": None}
    session.add(
        AuditEvent(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation_id,
            actor_id=None,
            action="conversation.woken",
            before=before,
            after=after,
            created_at=now,
        )
    )
    _tell_assignee(session, conversation, now)
    session.flush()
    announce_change(
        session, conversation, {name: [before[name], after[name]] for name in before}, now
    )
    return True


def _tell_assignee(session: Session, conversation: Conversation, now: datetime) -> None:
    if conversation.assignee_id is not None:
        notice = Notification(
            workspace_id=conversation.workspace_id,
            user_id=conversation.assignee_id,
            conversation_id=id_of(conversation),
            kind="woken",
            text=f"“{conversation.subject}” is back from snooze",
            created_at=now,
        )
        notify(session, notice, now=now)
