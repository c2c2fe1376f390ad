"""Keeping the reports' rollup true: each conversation's report facts and status changes
(`app.core.models.reports`), recomputed whole from its messages and audit trail.

Why a rollup, and why recomputed when read: a report over ninety days at a hundred thousand
conversations spent its time finding each conversation's first client message and first reply
among half a million messages, reading statuses out of the audit trail's JSON and converting
every stored time to seconds, about two seconds a report. The rollup keeps those answers per
conversation, as whole epoch seconds, so a report reads two narrow indexes. What reports read
is written by many paths (the sync's bulk inserts, the outbox, the SLA and promise jobs, every
change through `inbox.changes`), so no single write path can be trusted to update it: database
triggers (migration 0022) mark a conversation stale in the transaction of any write to what a
report reads, and `refresh` recomputes the marked conversations before a report reads. A
rolled-back write leaves no mark; a write still in flight keeps its mark for the next report.

Beside the instants, the durations a report sums (waits, time open, due times) are measured
on the workspace's SLA calendar as each conversation is recomputed (`inbox.report_measures`);
a changed calendar has them all measured again by the next refresh, not recomputed from the
messages.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, case, delete, func, insert, select, true
from sqlmodel import Session, col

from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Message,
    ReportConversation,
    ReportReply,
    ReportStale,
    ReportStatusChange,
    ReportTag,
)
from inbox.report_measures import measure, measure_if_recalendared
from inbox.report_scope import (
    client_messages,
    epoch_seconds,
    started,
    status_after,
    status_before,
    status_changes,
    team_replies,
)

OPEN = ConversationStatus.OPEN.value
#: Conversations recomputed per statement: a bound list SQLite and PostgreSQL plan well.
CHUNK = 1000
#: "tandem-r" in ASCII: the transaction lock that lets one refresh of a workspace run at a time.
_REFRESH_LOCK = 0x74616E64656D2D72


def refresh(session: Session, workspace_id: int, limit: int | None = None) -> int:
    """Recomputes the workspace's stale conversations (at most `limit`) in the session's
    transaction (its caller commits), then measures the whole workspace again if its calendar
    changed; returns how many were recomputed. One refresh of a workspace runs at a time, and
    PostgreSQL skips the marks a writer still holds: that change is not committed, so the
    report could not see it anyway, and it stays marked for the next report."""
    connection = session.connection()
    dialect = connection.dialect.name
    marked = (
        select(col(ReportStale.conversation_id))
        .where(col(ReportStale.workspace_id) == workspace_id)
        .order_by(col(ReportStale.conversation_id))
        .limit(limit)
    )
    if dialect == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_REFRESH_LOCK + workspace_id)))
        marked = marked.with_for_update(skip_locked=True)
    ids = [int(cid) for cid in connection.execute(marked).scalars()]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        connection.execute(delete(ReportStale).where(col(ReportStale.conversation_id).in_(chunk)))
        rebuild(session, chunk)
    measure_if_recalendared(session, workspace_id)
    return len(ids)


def rebuild(session: Session, conversation_ids: Sequence[int]) -> None:
    """The rollup rows of these conversations, replaced by ones computed from their messages
    and audit trail (set-based: a few statements for the whole list), then measured. The facts
    come first: the status changes and replies repeat them."""
    connection = session.connection()
    dialect = connection.dialect.name
    for table, key in (
        (ReportConversation, ReportConversation.conversation_id),
        (ReportStatusChange, ReportStatusChange.conversation_id),
        (ReportReply, ReportReply.conversation_id),
        (ReportTag, ReportTag.conversation_id),
    ):
        connection.execute(delete(table).where(col(key).in_(conversation_ids)))
    for table, query in (
        (ReportConversation, _conversation_facts(dialect, conversation_ids)),
        (ReportStatusChange, _status_changes(dialect, conversation_ids)),
        (ReportReply, _replies(dialect, conversation_ids)),
        (ReportTag, _tags(dialect, conversation_ids)),
    ):
        names = [column.name for column in query.selected_columns]
        connection.execute(insert(table).from_select(names, query))
    measure(session, conversation_ids)


def _conversation_facts(dialect: str, conversation_ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    first_in = (
        select(func.min(Message.date))
        .where(col(Message.conversation_id) == Conversation.id, *client_messages())
        .correlate(Conversation)
        .scalar_subquery()
    )
    begun = (
        select(
            col(Conversation.id).label("conversation_id"),
            col(Conversation.workspace_id).label("workspace_id"),
            col(Conversation.mailbox_id).label("mailbox_id"),
            col(Conversation.assignee_id).label("assignee_id"),
            col(Conversation.automated).label("automated"),
            col(Conversation.contact_id).label("contact_id"),
            started().label("started"),
            first_in.label("first_in"),
        )
        .where(col(Conversation.id).in_(conversation_ids))
        .subquery()
    )
    replies = [
        col(Message.conversation_id) == begun.c.conversation_id,
        *team_replies(),
        col(Message.date) >= begun.c.first_in,
    ]
    reply_at = select(func.min(Message.date)).where(*replies).correlate(begun).scalar_subquery()
    replied_by = (
        select(col(Message.sent_by_user_id))
        .where(*replies, col(Message.date) == reply_at)
        .order_by(col(Message.id))
        .limit(1)
        .correlate(begun)
        .scalar_subquery()
    )
    return select(
        begun.c.conversation_id,
        begun.c.workspace_id,
        begun.c.mailbox_id,
        begun.c.assignee_id,
        begun.c.automated,
        begun.c.contact_id,
        epoch_seconds(dialect, begun.c.started).label("started"),
        epoch_seconds(dialect, begun.c.first_in).label("first_in"),
        epoch_seconds(dialect, reply_at).label("first_reply"),
        replied_by.label("first_reply_by"),
    )


def _status_changes(dialect: str, conversation_ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    replies = (
        select(func.count())
        .select_from(Message)
        .where(
            col(Message.conversation_id) == AuditEvent.conversation_id,
            *team_replies(),
            col(Message.date) <= AuditEvent.created_at,
        )
        .correlate(AuditEvent)
        .scalar_subquery()
    )
    changes = (
        select(
            col(AuditEvent.id).label("audit_event_id"),
            col(AuditEvent.conversation_id).label("conversation_id"),
            col(AuditEvent.workspace_id).label("workspace_id"),
            col(ReportConversation.mailbox_id),
            col(ReportConversation.assignee_id),
            col(ReportConversation.automated),
            col(ReportConversation.contact_id),
            col(ReportConversation.started),
            epoch_seconds(dialect, AuditEvent.created_at).label("at"),
            col(AuditEvent.action),
            status_before().label("status_before"),
            status_after().label("status_after"),
            col(AuditEvent.actor_id),
            replies.label("replies"),
        )
        .join(
            ReportConversation,
            col(ReportConversation.conversation_id) == AuditEvent.conversation_id,
        )
        .where(col(AuditEvent.conversation_id).in_(conversation_ids), *status_changes())
        .subquery()
    )
    order = (changes.c.at, changes.c.audit_event_id)
    prior_status, prior_at = (
        func.lag(column).over(partition_by=changes.c.conversation_id, order_by=order)
        for column in (changes.c.status_after, changes.c.at)
    )
    # A conversation begins open; a stretch open begins at its start or at the change before.
    since = case((prior_at > changes.c.started, prior_at), else_=changes.c.started)
    was_open = func.coalesce(prior_status, OPEN) == OPEN
    return select(*changes.c, case((was_open, since), else_=None).label("open_since"))


def _replies(dialect: str, conversation_ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    return (
        select(
            col(Message.id).label("message_id"),
            col(Message.conversation_id),
            col(Message.workspace_id),
            col(ReportConversation.mailbox_id),
            col(ReportConversation.assignee_id),
            col(ReportConversation.automated),
            epoch_seconds(dialect, Message.date).label("at"),
            col(Message.sent_by_user_id).label("sent_by"),
        )
        .join(
            ReportConversation,
            col(ReportConversation.conversation_id) == Message.conversation_id,
        )
        .where(
            col(Message.conversation_id).in_(conversation_ids),
            *team_replies(),
            col(Message.date).is_not(None),
        )
    )


def _tags(dialect: str, conversation_ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    elements = "json_each" if dialect == "sqlite" else "jsonb_array_elements_text"
    tag = getattr(func, elements)(col(Conversation.tags)).table_valued("value")
    return (
        select(
            col(Conversation.id).label("conversation_id"),
            tag.c.value.label("tag"),
            col(Conversation.workspace_id).label("workspace_id"),
        )
        .select_from(Conversation)
        .join(tag, true())
        .where(col(Conversation.id).in_(conversation_ids))
        .distinct()
    )
