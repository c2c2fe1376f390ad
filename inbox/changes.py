"""Changing conversations: status, assignee, priority, tags and snooze, alone or in bulk.

Every effective change is an AuditEvent with the fields' values before and after, and a
conversation handed to someone else lands in that person's notifications. Functions flush,
never commit.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.core import notice_text
from app.core.errors import Invalid, NotFound
from app.core.i18n import gettext as _
from app.core.live import publish_change
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Priority,
    User,
    id_of,
)
from app.core.notice_text import new_notification
from app.core.notices import notify
from app.core.plain_text import is_one_line
from inbox.promises import retarget_reply_clock
from webhooks.events import Event, emit
from webhooks.payloads import conversation_data

CHANGEABLE = ("status", "assignee_id", "priority", "tags", "snoozed_until")
MAX_TAGS, MAX_TAG_LENGTH = 20, 50


def change_conversation(
    *,
    session: Session,
    conversation: Conversation,
    actor: User | None,
    changes: dict[str, Any],
    now: datetime,
) -> AuditEvent | None:
    """Applies `changes` (only the fields given); returns the audit event, None if nothing
    actually changed. `actor` None is the client, through Tandem (a rating that says the
    problem is not solved reopens the conversation)."""
    wanted = _normalized(session, conversation, changes, now)
    before = {name: _plain(getattr(conversation, name)) for name in wanted}
    after = {name: _plain(value) for name, value in wanted.items()}
    changed = {name for name in wanted if before[name] != after[name]}
    if not changed:
        return None
    for name in changed:
        setattr(conversation, name, wanted[name])
    if "status" in changed:
        closed = conversation.status == ConversationStatus.CLOSED
        conversation.closed_at = now if closed else None
    if "priority" in changed:
        conversation.urgency_reason = None
    conversation.updated_at = now
    session.add(conversation)
    if "priority" in changed and Priority.URGENT in (before["priority"], after["priority"]):
        retarget_reply_clock(session, conversation)
    event = AuditEvent(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        actor_id=actor.id if actor else None,
        action="conversation.updated",
        before={name: before[name] for name in sorted(changed)},
        after={name: after[name] for name in sorted(changed)},
        created_at=now,
    )
    session.add(event)
    if actor and "assignee_id" in changed and conversation.assignee_id not in (None, actor.id):
        _notify_new_owner(session, conversation, actor, now)
    session.flush()
    announce_change(
        session, conversation, {name: [before[name], after[name]] for name in changed}, now
    )
    return event


def announce_change(
    session: Session, conversation: Conversation, changes: dict[str, list[Any]], now: datetime
) -> None:
    """conversation.updated for every change, and conversation.closed when it was closed."""
    data = conversation_data(conversation, changes)
    publish_change(session, conversation, changes)
    emit(
        session=session,
        workspace_id=conversation.workspace_id,
        event=Event.CONVERSATION_UPDATED,
        data=data,
        now=now,
    )
    if "status" in changes and conversation.status == ConversationStatus.CLOSED:
        emit(
            session=session,
            workspace_id=conversation.workspace_id,
            event=Event.CONVERSATION_CLOSED,
            data=data,
            now=now,
        )


def change_many(
    *, session: Session, ids: list[int], actor: User, changes: dict[str, Any], now: datetime
) -> list[Conversation]:
    """All or nothing: every id must be a conversation of the actor's workspace."""
    unique = list(dict.fromkeys(ids))
    found = {
        c.id: c
        for c in session.exec(
            select(Conversation).where(
                col(Conversation.id).in_(unique), Conversation.workspace_id == actor.workspace_id
            )
        )
    }
    missing = [i for i in unique if i not in found]
    if missing:
        raise NotFound(
            _("conversations not found: %(ids)s") % {"ids": ", ".join(map(str, missing))}
        )
    for conversation_id in unique:
        change_conversation(
            session=session,
            conversation=found[conversation_id],
            actor=actor,
            changes=changes,
            now=now,
        )
    return [found[i] for i in unique]


def _normalized(
    session: Session,
    conversation: Conversation,
    changes: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    wanted = {name: changes[name] for name in CHANGEABLE if name in changes}
    if "assignee_id" in wanted and wanted["assignee_id"] is not None:
        _check_assignee(session, conversation.workspace_id, wanted["assignee_id"])
    if "tags" in wanted:
        wanted["tags"] = _clean_tags(wanted["tags"])
    if wanted.get("snoozed_until") is not None:
        if wanted["snoozed_until"] <= now:
            raise Invalid(_("snoozed_until must be in the future"))
        wanted.setdefault("status", ConversationStatus.SNOOZED)
    status = wanted.get("status")
    if status == ConversationStatus.SNOOZED:
        until = wanted.get("snoozed_until", conversation.snoozed_until)
        if until is None or until <= now:
            raise Invalid(_("a snoozed conversation needs snoozed_until, a time in the future"))
        wanted["snoozed_until"] = until
    elif status is not None:
        wanted["snoozed_until"] = None
    unsnoozed = "snoozed_until" in wanted and wanted["snoozed_until"] is None
    if unsnoozed and status is None and conversation.status == ConversationStatus.SNOOZED:
        wanted["status"] = ConversationStatus.OPEN
    return wanted


def _check_assignee(session: Session, workspace_id: int, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is None or user.workspace_id != workspace_id or not user.is_active:
        raise Invalid(
            _("assignee %(id)s is not an active user of this workspace") % {"id": user_id}
        )


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if len(cleaned) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in cleaned):
        raise Invalid(
            _("at most %(tags)s tags of at most %(length)s characters each")
            % {"tags": MAX_TAGS, "length": MAX_TAG_LENGTH}
        )
    if not all(is_one_line(tag) for tag in cleaned):
        raise Invalid(_("a tag must be one line, without line breaks or control characters"))
    return cleaned


def _plain(value: Any) -> Any:
    """JSON-ready: times as ISO strings, enums as their values."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if hasattr(value, "value") else value


def _notify_new_owner(
    session: Session, conversation: Conversation, actor: User, now: datetime
) -> None:
    assert conversation.assignee_id is not None
    notice = new_notification(
        workspace_id=conversation.workspace_id,
        user_id=conversation.assignee_id,
        conversation_id=id_of(conversation),
        kind=notice_text.ASSIGNED,
        params=notice_text.assigned(conversation.subject, actor.name),
        now=now,
    )
    notify(session, notice, now=now)
