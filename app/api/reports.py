"""`/api/v1/reports`: how well the team keeps its word — promises made, kept and broken in a
period, and the ones still open — counted by `inbox.promise_report` from the audit trail; and
the period's summary (`inbox.report_metrics`) as JSON, or its tables as CSV; and the questions
that keep coming (`inbox.frequent_questions`)."""

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.frequent_questions import frequent_questions
from inbox.promise_report import count_promises
from inbox.report_csv import summary_csv, summary_csv_name
from inbox.report_metrics import ReportRequest, Summary, summarize

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


@router.get("/reports/promises", operation_id="getPromiseReport")
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


class DurationsOut(BaseModel):
    count: int
    median_seconds: int
    p90_seconds: int


class FirstResponseOut(DurationsOut):
    within_sla: float


class PromisesOut(BaseModel):
    made: int
    kept: int
    broken: int
    kept_ratio: float


class AgentOut(BaseModel):
    user_id: int
    name: str
    email: str
    closed: int
    replies_sent: int
    first_response_median_seconds: int
    promises_kept_ratio: float
    csat: float | None


class DayOut(BaseModel):
    date: date
    created: int
    closed: int


class SummaryOut(BaseModel):
    """Durations in seconds, counts as integers, ratios 0..1; `csat` (here and per agent) is
    the clients' average score 1-5 over the ratings given in the period (`GET /csat` lists
    them), null when nobody rated."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "from": "2026-11-01",
                    "to": "2026-11-30",
                    "timezone": "Europe/Moscow",
                    "hours": "business",
                    "created": 412,
                    "closed": 398,
                    "reopened": 21,
                    "backlog": 37,
                    "first_response": {
                        "count": 405,
                        "median_seconds": 2700,
                        "p90_seconds": 14400,
                        "within_sla": 0.93,
                    },
                    "resolution": {"count": 398, "median_seconds": 21600, "p90_seconds": 172800},
                    "replies_to_resolution": 1.6,
                    "repeat_requests": 12,
                    "promises": {"made": 58, "kept": 52, "broken": 6, "kept_ratio": 0.9},
                    "csat": 4.6,
                    "by_agent": [
                        {
                            "user_id": 7,
                            "name": "Анна Петрова",
                            "email": "anna@acme.example",
                            "closed": 201,
                            "replies_sent": 334,
                            "first_response_median_seconds": 2400,
                            "promises_kept_ratio": 0.92,
                            "csat": 4.7,
                        }
                    ],
                    "by_day": [{"date": "2026-11-01", "created": 9, "closed": 7}],
                }
            ]
        },
    )

    from_day: date = Field(serialization_alias="from")
    to_day: date = Field(serialization_alias="to")
    timezone: str
    hours: str
    created: int
    closed: int
    reopened: int
    backlog: int
    first_response: FirstResponseOut
    resolution: DurationsOut
    replies_to_resolution: float
    repeat_requests: int
    promises: PromisesOut
    csat: float | None
    by_agent: list[AgentOut]
    by_day: list[DayOut]


@router.get(
    "/reports/summary",
    operation_id="getReportSummary",
    response_model=SummaryOut,
    response_model_by_alias=True,
    responses={200: {"content": {"text/csv": {}}}},
)
def report_summary(
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    from_day: Annotated[
        str | None, Query(alias="from", max_length=10, examples=["2026-11-01"])
    ] = None,
    to_day: Annotated[str | None, Query(alias="to", max_length=10, examples=["2026-11-30"])] = None,
    mailbox_id: int | None = None,
    assignee_id: int | None = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    hours: Annotated[str, Query(max_length=10)] = "business",
    format: Annotated[str | None, Query(max_length=10)] = None,
) -> SummaryOut | Response:
    """The period's metrics (local days of the workspace, `from` to `to` inclusive); with
    `Accept: text/csv` or `format=csv`, the per-day and per-agent tables as a CSV file."""
    asked = ReportRequest(from_day, to_day, mailbox_id, assignee_id, tag, hours)
    summary = summarize(
        session, workspace_id=user.workspace_id, request=asked, now=datetime.now(UTC)
    )
    if format == "csv" or "text/csv" in request.headers.get("accept", ""):
        name = summary_csv_name(summary)
        return Response(
            summary_csv(summary),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return _shaped(summary)


def _shaped(summary: Summary) -> SummaryOut:
    first, resolution = summary.first_response, summary.resolution
    return SummaryOut(
        from_day=summary.period.first,
        to_day=summary.period.last,
        timezone=summary.period.zone.key,
        hours=summary.hours,
        created=summary.created,
        closed=summary.closed,
        reopened=summary.reopened,
        backlog=summary.backlog,
        first_response=FirstResponseOut(
            count=first.count,
            median_seconds=first.median,
            p90_seconds=first.p90,
            within_sla=summary.first_response_within_sla,
        ),
        resolution=DurationsOut(
            count=resolution.count, median_seconds=resolution.median, p90_seconds=resolution.p90
        ),
        replies_to_resolution=summary.replies_to_resolution,
        repeat_requests=summary.repeat_requests,
        promises=PromisesOut(
            made=summary.promises_made,
            kept=summary.promises_kept,
            broken=summary.promises_broken,
            kept_ratio=summary.promises_kept_ratio,
        ),
        csat=summary.csat,
        by_agent=[
            AgentOut(
                **{k: v for k, v in asdict(agent).items() if k != "first_response_median"},
                first_response_median_seconds=agent.first_response_median,
            )
            for agent in summary.by_agent
        ],
        by_day=[
            DayOut(date=row.date, created=row.created, closed=row.closed) for row in summary.by_day
        ],
    )


class QuestionGroupOut(BaseModel):
    count: int
    subject: str
    conversation_ids: list[int]


class FrequentQuestionsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "since": "2026-11-01T09:00:00Z",
                    "until": "2026-12-01T09:00:00Z",
                    "groups": [
                        {
                            "count": 14,
                            "subject": "Export of invoices to Excel fails",
                            "conversation_ids": [512, 498, 470, 455, 431],
                        }
                    ],
                }
            ]
        }
    )

    since: datetime
    until: datetime
    groups: list[QuestionGroupOut]


@router.get("/reports/frequent-questions", operation_id="listFrequentQuestions")
def frequent_question_groups(
    user: CurrentUser, session: SessionDep, days: Annotated[int, Query(ge=1, le=365)] = 30
) -> FrequentQuestionsOut:
    """The last `days` days' new conversations grouped by what they ask (the stems of their
    subject and first message), the largest groups first; each group's `subject` is its
    newest conversation's, `conversation_ids` its newest five. Reads at most the period's
    newest 2,000 conversations."""
    until = datetime.now(UTC)
    since = until - timedelta(days=days)
    groups = frequent_questions(session, workspace_id=user.workspace_id, since=since, until=until)
    return FrequentQuestionsOut(
        since=since,
        until=until,
        groups=[
            QuestionGroupOut(
                count=group.count,
                subject=group.subject,
                conversation_ids=group.conversation_ids,
            )
            for group in groups
        ],
    )
