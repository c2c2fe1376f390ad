"""The live event log: one row for each thing a teammate's open tab should learn (a conversation
created or changed, mail stored, a reply queued, cancelled, sent or failed, a note, a
notification, who is looking), read by the web's event stream (`GET /events`).

`publish` only remembers the event on the session: the row is written as the session commits,
in the same transaction as the change it tells of, so a change rolled back (or a savepoint
undone) tells nothing. On PostgreSQL that last write takes a transaction lock first, so ids
are handed out in commit order (a reader that has seen id N never later finds a smaller one
committed), and NOTIFYs `CHANNEL`, which wakes every process's listener at commit. Events
carry ids and small facts the team sees anyway, never a note's body or a mail's text; they go
only to the workspace's own signed-in tabs. This module never commits.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, or_, select, text
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel import col

from app.core.models import Conversation, LiveEvent, Notification, utcnow

#: The PostgreSQL channel every emitting transaction NOTIFYs.
CHANNEL = "tandem_live"
#: The transaction-level advisory lock that orders the writes of events ("tandem" in ASCII).
_ORDER_LOCK = 0x74616E64656D
_PENDING = "tandem.live_events"


class Live(StrEnum):
    CONVERSATION_CREATED = "conversation.created"
    CONVERSATION_UPDATED = "conversation.updated"
    MESSAGE_STORED = "message.stored"
    REPLY_QUEUED = "reply.queued"
    REPLY_CANCELLED = "reply.cancelled"
    REPLY_SENT = "reply.sent"
    REPLY_FAILED = "reply.failed"
    NOTE_CREATED = "note.created"
    NOTE_EDITED = "note.edited"
    NOTE_DELETED = "note.deleted"
    NOTE_RESTORED = "note.restored"
    NOTIFICATION = "notification"
    NOTIFICATIONS_READ = "notifications.read"
    PRESENCE = "presence"


@dataclass(frozen=True)
class Audience:
    """Whose tab a stream feeds: the workspace's events and the user's own notifications."""

    workspace_id: int
    user_id: int


@dataclass(frozen=True)
class LiveRow:
    """A stored event as a stream reads it."""

    id: int
    workspace_id: int
    user_id: int | None
    conversation_id: int | None
    kind: str
    data: dict[str, Any]

    def visible_to(self, audience: Audience) -> bool:
        return self.workspace_id == audience.workspace_id and self.user_id in (
            None,
            audience.user_id,
        )


@dataclass(frozen=True)
class _Pending:
    transaction: SessionTransaction
    row: dict[str, Any]


def publish(
    session: Session,
    *,
    workspace_id: int,
    kind: Live,
    conversation_id: int | None = None,
    user_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Tells the workspace's tabs (only `user_id`'s, when given) once the session commits."""
    session.connection()
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None, "the session has just begun one"
    row = {
        "workspace_id": workspace_id,
        "user_id": user_id,
        "conversation_id": conversation_id,
        "kind": str(kind),
        "data": json.loads(json.dumps(data or {}, default=_iso)),
    }
    session.info.setdefault(_PENDING, []).append(_Pending(transaction, row))


def publish_change(
    session: Session, conversation: Conversation, changes: dict[str, list[Any]]
) -> None:
    """Tells the workspace's tabs what changed on a conversation: {field: [before, after]}."""
    assert conversation.id is not None, "a changed conversation is stored"
    publish(
        session,
        workspace_id=conversation.workspace_id,
        kind=Live.CONVERSATION_UPDATED,
        conversation_id=conversation.id,
        data={"changes": changes},
    )


def publish_notification(session: Session, notification: Notification) -> None:
    """Tells the user's own tabs of a notification written for them (the bell): its kind and
    values, which each tab's stream writes as a sentence in its reader's language, and the
    English sentence."""
    publish(
        session,
        workspace_id=notification.workspace_id,
        kind=Live.NOTIFICATION,
        conversation_id=notification.conversation_id,
        user_id=notification.user_id,
        data={
            "kind": notification.kind,
            "params": notification.params,
            "text": notification.text,
        },
    )


def _iso(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    """The session's events, written last (a savepoint's release waits for the real commit)."""
    if session.in_nested_transaction() or not session.info.get(_PENDING):
        return
    pending: list[_Pending] = session.info.pop(_PENDING)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ORDER_LOCK})
    now = utcnow()
    session.execute(insert(LiveEvent), [{**item.row, "created_at": now} for item in pending])
    if postgres:
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


@event.listens_for(Session, "after_soft_rollback")
def _forget_undone(session: Session, previous_transaction: SessionTransaction) -> None:
    """Events of a rolled-back transaction or savepoint (and of savepoints inside it) go."""
    pending: list[_Pending] | None = session.info.get(_PENDING)
    if pending:
        kept = [item for item in pending if not _inside(item.transaction, previous_transaction)]
        session.info[_PENDING] = kept


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def newest_id(connection: Connection) -> int:
    """The newest event's id (0 for none): the one cheap query an idle process repeats."""
    return int(connection.scalar(select(func.max(LiveEvent.id))) or 0)


def oldest_id(connection: Connection) -> int:
    return int(connection.scalar(select(func.min(LiveEvent.id))) or 0)


def events_after(
    connection: Connection,
    after: int,
    *,
    upto: int | None = None,
    audience: Audience | None = None,
    limit: int,
) -> list[LiveRow]:
    """Events after id `after` (up to `upto`), oldest first; only the audience's when given."""
    query = select(
        col(LiveEvent.id),
        col(LiveEvent.workspace_id),
        col(LiveEvent.user_id),
        col(LiveEvent.conversation_id),
        col(LiveEvent.kind),
        col(LiveEvent.data),
    ).where(col(LiveEvent.id) > after)
    if upto is not None:
        query = query.where(col(LiveEvent.id) <= upto)
    if audience is not None:
        query = query.where(
            col(LiveEvent.workspace_id) == audience.workspace_id,
            or_(col(LiveEvent.user_id).is_(None), col(LiveEvent.user_id) == audience.user_id),
        )
    rows = connection.execute(query.order_by(col(LiveEvent.id)).limit(limit))
    return [LiveRow(*row) for row in rows]


def prune_events(session: Session, *, before: datetime) -> int:
    """Forgets events written before `before`, but never the newest: its id tells a returning
    tab whether what it missed is still here."""
    newest = newest_id(session.connection())
    result = session.execute(
        delete(LiveEvent).where(col(LiveEvent.created_at) < before, col(LiveEvent.id) < newest)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
