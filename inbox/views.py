"""Which conversations a view shows: the views a support team works from every day (mine,
unassigned, all open, pending, snoozed, overdue, closed, automated) and the filters that narrow
any of them.

Overdue means open and past its reply due time: the SLA's, or a promise that lapsed (a broken
promise moves the due time to the promised time), until the team answers.

Automated conversations (only bounces, auto-replies and newsletters wrote into them) are not
the team's work: the open-work views (mine, unassigned, open, pending, overdue) leave them out
and the automated view holds those still open or pending. Snoozed, closed and all keep every
conversation of their status, so all is still the sum of the statuses.

One place builds these conditions, so the list, the counts and search agree.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, not_, or_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.core.models import Conversation, ConversationStatus, User, utcnow


class View(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    OVERDUE = "overdue"
    CLOSED = "closed"
    AUTOMATED = "automated"
    ALL = "all"


OPEN_WORK = frozenset({View.MINE, View.UNASSIGNED, View.OPEN, View.PENDING, View.OVERDUE})
_UNFINISHED = (ConversationStatus.OPEN, ConversationStatus.PENDING)


@dataclass(frozen=True)
class InboxFilter:
    """A view plus optional narrowing; every field left empty means "any"."""

    view: View = View.ALL
    status: ConversationStatus | None = None
    assignee_id: int | None = None
    mailbox_id: int | None = None
    priority: str | None = None
    tag: str | None = None
    contact_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    now: datetime = field(default_factory=utcnow)


def view_condition(view: View, user: User, now: datetime) -> ColumnElement[bool] | None:
    automated = col(Conversation.automated)
    if view == View.ALL:
        return None
    if view == View.AUTOMATED:
        return and_(automated, col(Conversation.status).in_(_UNFINISHED))
    condition = _status_condition(view, user, now)
    return and_(condition, not_(automated)) if view in OPEN_WORK else condition


def _status_condition(view: View, user: User, now: datetime) -> ColumnElement[bool]:
    status = col(Conversation.status)
    if view == View.OVERDUE:
        return and_(status == ConversationStatus.OPEN, col(Conversation.sla_due_at) <= now)
    if view == View.MINE:
        return and_(col(Conversation.assignee_id) == user.id, status != ConversationStatus.CLOSED)
    if view == View.UNASSIGNED:
        return and_(col(Conversation.assignee_id).is_(None), status == ConversationStatus.OPEN)
    return status == ConversationStatus(view.value)


def conditions(inbox: InboxFilter, user: User, dialect: str) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a filtered view, always scoped to the user's workspace."""
    found: list[ColumnElement[bool]] = [col(Conversation.workspace_id) == user.workspace_id]
    view = view_condition(inbox.view, user, inbox.now)
    if view is not None:
        found.append(view)
    exact: dict[Any, Any] = {
        col(Conversation.status): inbox.status,
        col(Conversation.assignee_id): inbox.assignee_id,
        col(Conversation.mailbox_id): inbox.mailbox_id,
        col(Conversation.priority): inbox.priority,
        col(Conversation.contact_id): inbox.contact_id,
    }
    found += [column == value for column, value in exact.items() if value is not None]
    if inbox.since is not None:
        found.append(col(Conversation.last_message_at) >= inbox.since)
    if inbox.until is not None:
        found.append(col(Conversation.last_message_at) < inbox.until)
    if inbox.tag is not None:
        found.append(has_tag(inbox.tag, dialect))
    return found


def has_tag(tag: str, dialect: str) -> ColumnElement[bool]:
    """JSON containment on PostgreSQL (JSONB), json_each on SQLite."""
    if dialect == "postgresql":
        return col(Conversation.tags).op("@>")(func.jsonb_build_array(tag))
    each = func.json_each(col(Conversation.tags)).table_valued("value")
    return sa_select(each.c.value).where(each.c.value == tag).exists()


def list_view(
    *,
    session: Session,
    user: User,
    inbox: InboxFilter,
    limit: int,
    after: tuple[datetime, int] | None = None,
) -> list[Conversation]:
    """A page of the view, latest activity first, the higher id first on a tie. `after` is the
    (last activity, id) of the previous page's last row: pages keyed so stay stable while new
    mail arrives, where an offset would shift."""
    dialect = session.get_bind().dialect.name
    query = select(Conversation).where(*conditions(inbox, user, dialect))
    if after is not None:
        stamp, ident = after
        last = col(Conversation.last_message_at)
        query = query.where(or_(last < stamp, and_(last == stamp, col(Conversation.id) < ident)))
    query = query.order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
    return list(session.exec(query.limit(limit)))


def counts(*, session: Session, user: User, now: datetime) -> dict[str, int]:
    """How many conversations each view holds, in one statement of index-only range counts.

    Each view counts its own range of an index (workspace and status, or workspace and
    assignee, each ending in `automated`; workspace and `automated` for the automated view),
    and all is the sum of the statuses: open and pending leave automated conversations out, and
    the automated view holds exactly those. A single pass over the workspace that evaluated
    every view's condition per row cost about twice as much (62 ms p95 at 100,000
    conversations on SQLite)."""
    workspace = col(Conversation.workspace_id) == user.workspace_id
    parts = [
        sa_select(literal(view.value).label("view"), func.count().label("n")).where(
            workspace, condition
        )
        for view in View
        if (condition := view_condition(view, user, now)) is not None
    ]
    found = {str(view): int(n) for view, n in session.execute(union_all(*parts))}
    statuses = sum(found[status.value] for status in ConversationStatus)
    found[View.ALL.value] = statuses + found[View.AUTOMATED.value]
    return {view.value: found[view.value] for view in View}
