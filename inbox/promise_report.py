"""How well the team keeps its word: promises made, kept and broken in a period, read from the
audit trail (which records each outcome once, when it happened), and the ones open now.
Reads only; never writes.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from app.core.errors import Invalid
from app.core.models import AuditEvent, Conversation, PromiseState

OUTCOMES = {"promise.made": "made", "promise.kept": "kept", "promise.broken": "broken"}


@dataclass(frozen=True)
class PromiseCounts:
    made: int
    kept: int
    broken: int
    pending_now: int


def count_promises(
    session: Session, workspace_id: int, since: datetime | None, until: datetime | None
) -> PromiseCounts:
    """Outcomes from `since` (inclusive) to `until` (exclusive); either may be open."""
    if since is not None and until is not None and since >= until:
        raise Invalid("since must be before until")
    query = (
        select(AuditEvent.action, func.count())
        .where(
            AuditEvent.workspace_id == workspace_id,
            col(AuditEvent.action).in_(list(OUTCOMES)),
        )
        .group_by(col(AuditEvent.action))
    )
    if since is not None:
        query = query.where(col(AuditEvent.created_at) >= since)
    if until is not None:
        query = query.where(col(AuditEvent.created_at) < until)
    found = {OUTCOMES[action]: int(count) for action, count in session.exec(query)}
    pending = session.exec(
        select(func.count()).where(
            Conversation.workspace_id == workspace_id,
            Conversation.promise_state == PromiseState.PENDING,
        )
    ).one()
    return PromiseCounts(
        made=found.get("made", 0),
        kept=found.get("kept", 0),
        broken=found.get("broken", 0),
        pending_now=int(pending),
    )
