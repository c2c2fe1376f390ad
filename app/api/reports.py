"""`/api/v1/reports`: how well the team keeps its word — promises made, kept and broken in a
period, and the ones still open — counted by `inbox.promise_report` from the audit trail."""

from dataclasses import asdict
from datetime import datetime

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict

from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.promise_report import count_promises

router = APIRouter(tags=["reports"])


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
    counts = count_promises(session, user.workspace_id, since, until)
    return PromiseReportOut(since=since, until=until, **asdict(counts))
