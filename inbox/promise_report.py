"""How well the team keeps its word: promises made, kept and broken in a period, read from the
audit trail (which records each outcome once, when it happened), and the ones open now.
Reports narrow it to some conversations, and credit each outcome to the person who made the
promise. Reads only; never writes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import AuditEvent, Conversation, PromiseState

OUTCOMES = {"promise.made": "made", "promise.kept": "kept", "promise.broken": "broken"}


@dataclass(frozen=True)
class PromiseCounts:
    made: int
    kept: int
    broken: int
    pending_now: int


def count_promises(
    session: Session,
    workspace_id: int,
    since: datetime | None,
    until: datetime | None,
    conversations: Sequence[ColumnElement[bool]] = (),
) -> PromiseCounts:
    """Outcomes from `since` (inclusive) to `until` (exclusive); either may be open.
    `conversations` narrows to the conversations that match (conditions on Conversation)."""
    found = count_outcomes(session, workspace_id, since, until, conversations)
    pending = session.exec(
        select(func.count()).where(
            Conversation.workspace_id == workspace_id,
            Conversation.promise_state == PromiseState.PENDING,
            *conversations,
        )
    ).one()
    return PromiseCounts(
        made=found.get("made", 0),
        kept=found.get("kept", 0),
        broken=found.get("broken", 0),
        pending_now=int(pending),
    )


def count_outcomes(
    session: Session,
    workspace_id: int,
    since: datetime | None,
    until: datetime | None,
    conversations: Sequence[ColumnElement[bool]] = (),
) -> dict[str, int]:
    """Promises made, kept and broken, as `count_promises` counts them, without the ones
    pending now (a report over a past period has no use for them)."""
    query = (
        select(AuditEvent.action, func.count())
        .join(Conversation, col(Conversation.id) == AuditEvent.conversation_id)
        .where(*_outcomes(workspace_id, since, until), *conversations)
        .group_by(col(AuditEvent.action))
    )
    return {OUTCOMES[action]: int(count) for action, count in session.exec(query)}


def kept_and_broken_by_maker(
    session: Session,
    workspace_id: int,
    since: datetime,
    until: datetime,
    conversations: Sequence[ColumnElement[bool]] = (),
) -> dict[int, tuple[int, int]]:
    """(kept, broken) per person, each outcome credited to whoever made the promise it settled
    (the last `promise.made` on the conversation before it): the outcome itself is the
    system's."""
    made = aliased(AuditEvent)
    maker = (
        select(made.actor_id)
        .where(
            col(made.workspace_id) == AuditEvent.workspace_id,
            col(made.conversation_id) == AuditEvent.conversation_id,
            col(made.action) == "promise.made",
            col(made.created_at) <= AuditEvent.created_at,
        )
        .order_by(col(made.created_at).desc(), col(made.id).desc())
        .limit(1)
        .correlate(AuditEvent)
        .scalar_subquery()
    )
    rows = (
        select(maker.label("maker"), col(AuditEvent.action).label("action"))
        .join(Conversation, col(Conversation.id) == AuditEvent.conversation_id)
        .where(
            *_outcomes(workspace_id, since, until),
            *conversations,
            col(AuditEvent.action) != "promise.made",
        )
        .subquery()
    )
    counts: dict[int, tuple[int, int]] = {}
    for user_id, action, count in session.exec(
        select(rows.c.maker, rows.c.action, func.count()).group_by(rows.c.maker, rows.c.action)
    ):
        if user_id is not None:
            kept, broken = counts.get(user_id, (0, 0))
            is_kept = action == "promise.kept"
            counts[user_id] = (kept + is_kept * count, broken + (not is_kept) * count)
    return counts


def _outcomes(
    workspace_id: int, since: datetime | None, until: datetime | None
) -> list[ColumnElement[bool]]:
    if since is not None and until is not None and since >= until:
        raise Invalid(_("since must be before until"))
    found = [
        col(AuditEvent.workspace_id) == workspace_id,
        col(AuditEvent.action).in_(list(OUTCOMES)),
    ]
    if since is not None:
        found.append(col(AuditEvent.created_at) >= since)
    if until is not None:
        found.append(col(AuditEvent.created_at) < until)
    return found
