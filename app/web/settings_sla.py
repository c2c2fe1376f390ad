"""Settings > SLA & hours: the response targets, time zone, weekly hours and holidays, checked
with `SlaPolicyIn` and saved by `inbox.sla_policy.save_policy`, as `PUT /api/v1/sla-policy` is.

Each weekday is one text field ("09:00-13:00, 14:00-18:00"; empty is closed), so a day with
a lunch break survives an edit; each day is checked on its own so its error shows beside it.
"""

import re
from typing import Annotated, Any

from babel import Locale
from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.core.models import User, id_of, utcnow
from app.http.dependencies import SessionDep
from app.web.settings_pages import (
    Errors,
    WebAdmin,
    done,
    settings_page,
    validation_errors,
    zones,
)
from inbox.public_holidays import country_choices
from inbox.sla import WEEKDAYS, parse_business_hours, policy_fields, policy_of
from inbox.sla_policy import SlaPolicyIn, is_default, save_policy

router = APIRouter()


def day_names() -> dict[str, str]:
    """The weekdays as the reader names them, from Babel's calendar data (Monday is 0)."""
    names = Locale.parse(current_language()).days["format"]["wide"]
    return {day: str(names[index]).capitalize() for index, day in enumerate(WEEKDAYS)}


TARGETS = (
    "first_response_minutes",
    "next_response_minutes",
    "urgent_response_minutes",
    "max_response_minutes",
)
_ONE_DIGIT_HOUR = re.compile(r"\d:\d\d")


class SlaForm(BaseModel):
    timezone: str = ""
    first_response_minutes: str = ""
    next_response_minutes: str = ""
    urgent_response_minutes: str = ""
    max_response_minutes: str = ""
    mon: str = ""
    tue: str = ""
    wed: str = ""
    thu: str = ""
    fri: str = ""
    sat: str = ""
    sun: str = ""
    holidays: str = ""
    holiday_country: str = ""
    working_days: str = ""
    max_response_clock: str = "working_days"


def _time(text: str) -> str:
    """ "9:00" is how people write it; the policy's form is "09:00"."""
    text = text.strip()
    return f"0{text}" if _ONE_DIGIT_HOUR.fullmatch(text) else text


def day_intervals(text: str) -> list[list[str]]:
    """ "09:00-13:00, 14:00-18:00" as the policy's [start, end] pairs; blank is closed."""
    pairs = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        start, dash, end = part.replace("\u2013", "-").partition("-")
        if not dash:
            raise ValueError(_("%(part)r is not a span of time like 09:00-18:00") % {"part": part})
        pairs.append([_time(start), _time(end)])
    return pairs


def _day_text(intervals: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def _form_of(fields: dict[str, Any]) -> SlaForm:
    hours = {day: _day_text(fields["business_hours"].get(day, [])) for day in WEEKDAYS}
    return SlaForm.model_validate(
        {
            **hours,
            "timezone": fields["timezone"],
            "holidays": "\n".join(fields["holidays"]),
            "holiday_country": fields["holiday_country"] or "",
            "working_days": "\n".join(fields["working_days"]),
            "max_response_clock": fields["max_response_clock"],
            **{name: str(fields[name]) for name in TARGETS},
        }
    )


def sla_page(
    request: Request,
    session: Session,
    admin: User,
    form: SlaForm | None = None,
    errors: Errors | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    policy = policy_of(session, admin.workspace_id)
    context = {
        "section": "sla",
        "form": (form or _form_of(policy_fields(policy))).model_dump(),
        "errors": errors or {},
        "days": day_names(),
        "zones": zones(),
        "countries": country_choices(current_language()),
        "is_default": is_default(policy),
    }
    return settings_page(request, session, admin, "settings_sla.html", context, code)


@router.get("/settings/sla")
def sla(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return sla_page(request, session, admin)


def _hours(form: SlaForm, errors: Errors) -> dict[str, list[list[str]]]:
    """The days that parse; each that does not gets its error."""
    hours: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        try:
            intervals = day_intervals(getattr(form, day))
            parse_business_hours({day: intervals})
        except ValueError as exc:
            errors[day] = str(exc).removeprefix(f"{day}: ")
            continue
        hours[day] = intervals
    return hours


def _fields(form: SlaForm, errors: Errors) -> dict[str, Any]:
    """The form as the policy's fields, for `SlaPolicyIn` to check."""
    return {
        "timezone": form.timezone.strip(),
        "business_hours": _hours(form, errors),
        "holidays": form.holidays.replace(",", " ").split(),
        "holiday_country": form.holiday_country.strip() or None,
        "working_days": form.working_days.replace(",", " ").split(),
        "max_response_clock": form.max_response_clock,
        **{name: getattr(form, name) for name in TARGETS},
    }


@router.post("/settings/sla")
def save_sla(
    request: Request, admin: WebAdmin, session: SessionDep, form: Annotated[SlaForm, Form()]
) -> Response:
    errors: Errors = {}
    try:
        body = SlaPolicyIn.model_validate(_fields(form, errors))
    except ValidationError as exc:
        return sla_page(request, session, admin, form, validation_errors(exc) | errors, 422)
    if errors:
        return sla_page(request, session, admin, form, errors, 422)
    save_policy(
        session=session,
        workspace_id=admin.workspace_id,
        actor_id=id_of(admin),
        body=body,
        now=utcnow(),
    )
    return done(request, "/settings/sla", _("SLA policy and business hours saved."))
