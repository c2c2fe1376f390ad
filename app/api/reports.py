"""`/api/v1/reports`: how well the team keeps its word — promises made, kept and broken in a
period, and the ones still open — read from the audit trail, which records each once."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict
from sqlmodel import col, func, select

from app.core.errors import Invalid
from app.core.models import AuditEvent, Conversation, PromiseState
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep

router = APIRouter(tags=["reports"])

OUTCOMES = {"promise.made": "made", "promise.kept": "kept", "promise.broken": "broken"}


class PromiseReportOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "since": "2026-11-01T00:00:00Z",
                    "until": "2026-12-01T00:00:00Z",
                    "made": 120,
                    "kept": 104,
                    "broken": 9,
                    "pending_now": 7,
                }
            ]
        }
    )

    since: datetime | None
    until: datetime | None
    made: int
    kept: int
    broken: int
    pending_now: int


@router.get("/reports/promises")
def promise_report(
    user: CurrentUser,
    session: SessionDep,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> PromiseReportOut:
    """Promises made, kept and broken between `since` and `until` (each counted when it
    happened), and how many are pending now."""
    if since is not None and until is not None and since >= until:
        raise Invalid("since must be before until")
    query = (
        select(AuditEvent.action, func.count())
        .where(
            AuditEvent.workspace_id == user.workspace_id,
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
            Conversation.workspace_id == user.workspace_id,
            Conversation.promise_state == PromiseState.PENDING,
        )
    ).one()
    return PromiseReportOut(
        since=since,
        until=until,
        made=found.get("made", 0),
        kept=found.get("kept", 0),
        broken=found.get("broken", 0),
        pending_now=int(pending),
    )
