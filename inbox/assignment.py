"""Automatic assignment: new mail in an unassigned conversation goes to the next available
agent in turn (round-robin), when the workspace has it switched on. Automated conversations
(only bounces, auto-replies and newsletters wrote into them) are nobody's work and get no one.

The turn is derived from the audit trail (who got the last automatic assignment), so there is
no counter to keep consistent. Functions flush, never commit.
"""

from datetime import datetime

from sqlalchemy import not_
from sqlmodel import Session, col, select

from app.core import notice_text
from app.core.live import publish_change
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Direction,
    Mailbox,
    Message,
    Role,
    User,
    Workspace,
    id_of,
    utcnow,
)
from app.core.notice_text import new_notification
from app.core.notices import notify
from gmail_sync.sync import SyncReport

AUTO_ASSIGNED = "conversation.auto_assigned"


def available_agents(session: Session, workspace_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(
                User.workspace_id == workspace_id,
                User.role == Role.AGENT,
                col(User.is_active),
                col(User.is_available),
            )
            .order_by(col(User.id))
        )
    )


def _last_auto_assignee(session: Session, workspace_id: int) -> int | None:
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.workspace_id == workspace_id, AuditEvent.action == AUTO_ASSIGNED)
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
    return int(event.after["assignee_id"]) if event is not None else None


def assign_in_turn(
    *, session: Session, workspace_id: int, conversation_ids: list[int], now: datetime
) -> dict[int, int]:
    """Assigns each open, unassigned, non-automated conversation (oldest first) to the next
    available agent; returns {conversation id: agent id}. Does nothing when auto-assignment is
    off."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None or not workspace.auto_assign:
        return {}
    return hand_out_in_turn(
        session=session, workspace_id=workspace_id, conversation_ids=conversation_ids, now=now
    )


def hand_out_in_turn(
    *,
    session: Session,
    workspace_id: int,
    conversation_ids: list[int],
    now: datetime,
    reason: str = "round-robin among available agents",
) -> dict[int, int]:
    """The turn itself, whatever the workspace's switch says: a routing rule that hands its
    mail out in turn (`inbox.rule_actions`) shares the one turn with automatic assignment."""
    agents = available_agents(session, workspace_id)
    if not agents or not conversation_ids:
        return {}
    waiting = session.exec(
        select(Conversation)
        .where(
            col(Conversation.id).in_(conversation_ids),
            Conversation.workspace_id == workspace_id,
            col(Conversation.assignee_id).is_(None),
            Conversation.status == ConversationStatus.OPEN,
            not_(col(Conversation.automated)),
        )
        .order_by(col(Conversation.created_at), col(Conversation.id))
    ).all()
    last = _last_auto_assignee(session, workspace_id)
    ids = [id_of(agent) for agent in agents]
    turn = (ids.index(last) + 1) if last in ids else 0
    assigned: dict[int, int] = {}
    for conversation in waiting:
        agent_id = ids[turn % len(ids)]
        turn += 1
        assign_automatically(session, conversation, agent_id, now, reason=reason)
        assigned[id_of(conversation)] = agent_id
    session.flush()
    return assigned


def assign_automatically(
    session: Session,
    conversation: Conversation,
    agent_id: int,
    now: datetime,
    *,
    reason: str = "round-robin among available agents",
) -> None:
    """Tandem gives the conversation an owner (`reason` says why, in the audit trail), and
    tells them."""
    conversation.assignee_id = agent_id
    conversation.updated_at = now
    session.add(conversation)
    session.add(
        AuditEvent(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            action=AUTO_ASSIGNED,
            before={"assignee_id": None},
            after={"assignee_id": agent_id},
            details={"rule": reason},
            created_at=now,
        )
    )
    notice = new_notification(
        workspace_id=conversation.workspace_id,
        user_id=agent_id,
        conversation_id=id_of(conversation),
        kind=notice_text.ASSIGNED,
        params=notice_text.assigned(conversation.subject),
        now=now,
    )
    notify(session, notice, now=now)
    publish_change(session, conversation, {"assignee_id": [None, agent_id]})


def assign_new_mail(session: Session, report: SyncReport) -> None:
    """After a sync: conversations a client just wrote to, still without an owner, get one."""
    live = report.live_message_ids
    if not live:
        return
    mailbox = session.get(Mailbox, report.mailbox_id)
    conversation_ids = session.exec(
        select(Message.conversation_id)
        .where(col(Message.id).in_(live), Message.direction == Direction.INBOUND)
        .distinct()
    ).all()
    if mailbox is not None:
        assign_in_turn(
            session=session,
            workspace_id=mailbox.workspace_id,
            conversation_ids=list(conversation_ids),
            now=utcnow(),
        )
