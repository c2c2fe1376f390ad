"""The Reports page for the team's admins: a period's figures, its charts and each agent's work,
from the same `inbox.report_metrics.summarize` as `GET /api/v1/reports/summary` (with the
first-response histogram's buckets, `inbox.report_waits`; the questions that keep coming from
`inbox.frequent_questions`), and the same CSV file.

Admins only: the page shows every agent's figures side by side, which is a lead's view of the
team, not a colleague's. This module reads the form and shapes the answers; the charts'
geometry is `report_charts`, their words the template's.
"""

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from app.core.accounts import team_of, workspace_of
from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Mailbox, Role, User
from app.core.zones import zone_or_utc
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.web.pages import render
from app.web.report_charts import FRAME, agent_bars, bucket_chart, day_chart
from app.web.report_form import PRESETS, ReadForm, ReportQuery, read_form, report_query
from app.web.settings_pages import AdminOnly
from inbox.frequent_questions import frequent_questions
from inbox.report_csv import summary_csv, summary_csv_name
from inbox.report_metrics import ReportRequest, summarize

router = APIRouter()


def report_reader(user: WebUser) -> User:
    if user.role != Role.ADMIN:
        raise AdminOnly(user, _("Reports are for admins of the workspace."))
    return user


ReportReader = Annotated[User, Depends(report_reader)]
Query = Annotated[ReportQuery, Depends(report_query)]


def _read(session: Session, user: User, query: ReportQuery) -> ReadForm:
    """The form in the reader's language (the request's, settled when they signed in), its
    presets counted in the workspace's days."""
    zone = zone_or_utc(workspace_of(session, user.workspace_id).timezone)
    return read_form(query, today=datetime.now(UTC).astimezone(zone).date(), zone=zone)


@router.get("/reports")
def reports(
    request: Request, user: ReportReader, session: SessionDep, query: Query
) -> HTMLResponse:
    form = _read(session, user, query)
    context: dict[str, Any] = {
        "form": form,
        "presets": PRESETS,
        "mailboxes": session.exec(
            select(Mailbox)
            .where(Mailbox.workspace_id == user.workspace_id)
            .order_by(col(Mailbox.email))
        ).all(),
        "team": [member for member in team_of(session, user.workspace_id) if member.is_active],
    }
    if form.request is not None:
        context |= _report(session, user, form.request)
        context["csv_url"] = "/reports/csv?" + _link(form.query)
    return render(request, session, user, "reports.html", context, 422 if form.errors else 200)


def _report(session: Session, user: User, asked: ReportRequest) -> dict[str, Any]:
    now = datetime.now(UTC)
    summary = summarize(session, workspace_id=user.workspace_id, request=asked, now=now)
    spread = summary.first_response_waits
    return {
        "summary": summary,
        "spread": spread,
        "day_chart": day_chart(summary.by_day),
        "wait_chart": bucket_chart(spread.buckets),
        "agents": agent_bars(summary.by_agent),
        "frame": FRAME,
        "questions": frequent_questions(
            session,
            workspace_id=user.workspace_id,
            since=summary.period.start,
            until=summary.period.end,
        ),
    }


def _link(query: ReportQuery) -> str:
    """The report's own dates (a preset's worked out), so the file is what the page shows."""
    fields = {
        "from": query.from_day,
        "to": query.to_day,
        "mailbox_id": query.mailbox_id,
        "assignee_id": query.assignee_id,
        "tag": query.tag,
        "hours": query.hours,
    }
    return urlencode({name: value for name, value in fields.items() if value})


@router.get("/reports/csv")
def reports_csv(
    request: Request, user: ReportReader, session: SessionDep, query: Query
) -> Response:
    """The CSV of `GET /api/v1/reports/summary?format=csv`, for the page's filters."""
    form = _read(session, user, query)
    if form.request is None:
        raise Invalid(" ".join(form.errors.values()))
    summary = summarize(
        session, workspace_id=user.workspace_id, request=form.request, now=datetime.now(UTC)
    )
    return Response(
        summary_csv(summary),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{summary_csv_name(summary)}"'},
    )
