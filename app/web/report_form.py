"""The Reports page's form, as the browser sends it (a GET, so a report is a link one can keep or
share): the period typed or picked from a preset, and the filters. Read into the request
`inbox.report_metrics` takes, or into messages next to the fields a person got wrong.

Presets count back from today in the workspace's zone, the zone whose days a report counts.
The rules (what a date is, how long a period may be) stay the domain's: the dates are read by
`parse_day` and `period_of`, and only the sentence that explains a refusal is written here.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Query

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from inbox.report_clock import MAX_DAYS, parse_day, period_of
from inbox.report_metrics import HOURS, ReportRequest

PRESETS = ("last7", "last30", "last90", "month")
DEFAULT_PRESET = "last30"


@dataclass(frozen=True)
class ReportQuery:
    """Every field is text, as a form sends it ("" for "all"), so nothing a person can type
    turns into the bare 422 of a query parameter."""

    from_day: str = ""
    to_day: str = ""
    period: str = ""
    mailbox_id: str = ""
    assignee_id: str = ""
    tag: str = ""
    hours: str = "business"


def report_query(
    from_day: Annotated[str, Query(alias="from", max_length=40)] = "",
    to_day: Annotated[str, Query(alias="to", max_length=40)] = "",
    period: Annotated[str, Query(max_length=20)] = "",
    mailbox_id: Annotated[str, Query(max_length=20)] = "",
    assignee_id: Annotated[str, Query(max_length=20)] = "",
    tag: Annotated[str, Query(max_length=100)] = "",
    hours: Annotated[str, Query(max_length=20)] = "business",
) -> ReportQuery:
    return ReportQuery(
        from_day=from_day.strip(),
        to_day=to_day.strip(),
        period=period,
        mailbox_id=mailbox_id,
        assignee_id=assignee_id,
        tag=tag.strip(),
        hours=hours,
    )


@dataclass
class ReadForm:
    """The form as shown again: the dates the report covers (a preset's, once worked out),
    and the request, or the messages by field when something is wrong."""

    query: ReportQuery
    request: ReportRequest | None = None
    errors: dict[str, str] = field(default_factory=dict)


def preset_days(preset: str, today: date) -> tuple[date, date]:
    if preset == "month":
        return today.replace(day=1), today
    length = {"last7": 7, "last30": 30, "last90": 90}[preset]
    return today - timedelta(days=length - 1), today


def read_form(query: ReportQuery, *, today: date, zone: ZoneInfo) -> ReadForm:
    """Messages are in the reader's language, so this runs inside `reading_as`."""
    if query.period in PRESETS or not (query.from_day or query.to_day):
        first, last = preset_days(
            query.period if query.period in PRESETS else DEFAULT_PRESET, today
        )
        query = replace(query, from_day=first.isoformat(), to_day=last.isoformat())
    errors = _period_errors(query, zone)
    mailbox_id, assignee_id = _chosen(query.mailbox_id), _chosen(query.assignee_id)
    if mailbox_id is None and query.mailbox_id:
        errors["mailbox_id"] = _("Choose a mailbox from the list.")
    if assignee_id is None and query.assignee_id:
        errors["assignee_id"] = _("Choose an agent from the list.")
    if query.hours not in HOURS:
        errors["hours"] = _("Choose business hours or calendar hours.")
    if errors:
        return ReadForm(query, errors=errors)
    request = ReportRequest(
        query.from_day, query.to_day, mailbox_id, assignee_id, query.tag or None, query.hours
    )
    return ReadForm(query, request=request)


def _period_errors(query: ReportQuery, zone: ZoneInfo) -> dict[str, str]:
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for name, text in (("from", query.from_day), ("to", query.to_day)):
        try:
            days[name] = parse_day(text, name)
        except Invalid:
            errors[name] = _("Enter a date as YYYY-MM-DD, or pick it in the calendar.")
    if errors:
        return errors
    try:
        period_of(days["from"], days["to"], zone)
    except Invalid:
        if days["to"] < days["from"]:
            errors["to"] = _("The end date is before the start date.")
        else:
            errors["to"] = _("A report covers at most %(days)d days.") % {"days": MAX_DAYS}
    return errors


def _chosen(text: str) -> int | None:
    """A list's choice: an id, or "" for all of them."""
    return int(text) if text.isdigit() and len(text) < 19 else None
