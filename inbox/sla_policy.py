"""The SLA policy as admins write it: `SlaPolicyIn`, whose validators apply `inbox.sla`'s rules
to each field, and `save_policy`, which replaces the workspace's policy and records the change.

The REST API and the settings page both validate with `SlaPolicyIn` and save through
`save_policy`, so the calendar, the API and the form can never disagree about what a valid
policy is. Flushes, never commits.
"""

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlmodel import Session

from app.core.errors import FieldRule
from app.core.i18n import gettext as _
from app.core.models import AuditEvent, SlaPolicy
from app.core.zones import parse_zone
from inbox.public_holidays import check_country
from inbox.sla import (
    POLICY_FIELDS,
    business_hours_json,
    parse_business_hours,
    parse_holidays,
    policy_fields,
    policy_of,
)

MAX_TARGET_MINUTES = 366 * 24 * 60
"""A year: any longer is a typo, and it keeps due-time arithmetic far from datetime's range."""

Minutes = Annotated[int, Field(gt=0, le=MAX_TARGET_MINUTES)]
Clock = Annotated[str, Field(max_length=5)]
"""HH:MM"""

EXAMPLE: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "business_hours": {
        "mon": [["09:00", "13:00"], ["14:00", "18:00"]],
        "tue": [["09:00", "18:00"]],
        "wed": [["09:00", "18:00"]],
        "thu": [["09:00", "18:00"]],
        "fri": [["09:00", "16:00"]],
        "sat": [],
        "sun": [],
    },
    "holidays": ["2026-12-24", "2026-12-31"],
    "holiday_country": "DE",
    "working_days": [],
    "first_response_minutes": 120,
    "next_response_minutes": 240,
    "max_response_minutes": 1440,
    "max_response_clock": "working_days",
    "urgent_response_minutes": 60,
}


class SlaPolicyIn(BaseModel):
    """The whole policy; what is not sent takes no default except `holidays`."""

    timezone: str = Field(max_length=64, description="IANA zone the business hours are in.")
    business_hours: dict[str, list[list[Clock]]] = Field(
        description='mon..sun to ["HH:MM", "HH:MM"] intervals (end may be "24:00"); '
        "a missing or empty day is closed."
    )
    holidays: list[Annotated[str, Field(max_length=10)]] = Field(
        default_factory=list, max_length=1000, description="Closed all day (YYYY-MM-DD)."
    )
    holiday_country: str | None = Field(
        default=None,
        max_length=8,
        description="ISO 3166 country whose official days off close the calendar and whose "
        "moved working days (Russia's working Saturdays) open it.",
    )
    working_days: list[Annotated[str, Field(max_length=10)]] = Field(
        default_factory=list,
        max_length=1000,
        description="Open although normally closed (YYYY-MM-DD), with the first working "
        "weekday's hours; these win over holidays.",
    )
    first_response_minutes: Minutes = Field(description="Business minutes to the first reply.")
    next_response_minutes: Minutes = Field(description="Business minutes to each later reply.")
    max_response_minutes: Minutes = Field(description="Minutes a client waits at most.")
    urgent_response_minutes: Minutes = Field(
        default=60,
        description="Business minutes to any reply owed on an urgent conversation.",
    )
    max_response_clock: Literal["working_days", "calendar"] = Field(
        default="working_days",
        description="working_days: the maximum runs only on working days (whole days), so it "
        "never lands on a weekend or holiday; calendar: it runs every day.",
    )

    model_config = {"json_schema_extra": {"examples": [EXAMPLE]}}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        parse_zone(value)
        return value

    @field_validator("business_hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, list[list[Clock]]]) -> dict[str, list[list[str]]]:
        return business_hours_json(parse_business_hours(value))

    @field_validator("holidays")
    @classmethod
    def _valid_holidays(cls, value: list[str]) -> list[str]:
        return sorted(day.isoformat() for day in parse_holidays(value))

    @field_validator("working_days")
    @classmethod
    def _valid_working_days(cls, value: list[str]) -> list[str]:
        return sorted(day.isoformat() for day in parse_holidays(value, working_days=True))

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        return check_country(value.upper()) if value else None

    @model_validator(mode="after")
    def _targets_within_cap(self) -> Self:
        refusals = {
            "first_response_minutes": _(
                "first_response_minutes (%(minutes)s) must not exceed "
                "max_response_minutes (%(max)s)"
            ),
            "next_response_minutes": _(
                "next_response_minutes (%(minutes)s) must not exceed max_response_minutes (%(max)s)"
            ),
            "urgent_response_minutes": _(
                "urgent_response_minutes (%(minutes)s) must not exceed "
                "max_response_minutes (%(max)s)"
            ),
        }
        for name, refusal in refusals.items():
            if getattr(self, name) > self.max_response_minutes:
                said = refusal % {"minutes": getattr(self, name), "max": self.max_response_minutes}
                raise FieldRule(said, field=name)
        return self


def is_default(policy: SlaPolicy) -> bool:
    """No policy saved yet: `policy_of` answered with the defaults."""
    return policy.id is None


def save_policy(
    *, session: Session, workspace_id: int, actor_id: int, body: SlaPolicyIn, now: datetime
) -> SlaPolicy:
    """Replaces the workspace's policy; an effective change is an AuditEvent with the changed
    fields before and after (business hours compared in canonical form)."""
    fields = body.model_dump()
    policy = policy_of(session, workspace_id)
    before = policy_fields(policy)
    changed = sorted(name for name in POLICY_FIELDS if before[name] != fields[name])
    for name in POLICY_FIELDS:
        setattr(policy, name, fields[name])
    policy.updated_at = now
    session.add(policy)
    if changed:
        session.add(
            AuditEvent(
                workspace_id=workspace_id,
                actor_id=actor_id,
                action="sla_policy.updated",
                before={name: before[name] for name in changed},
                after={name: fields[name] for name in changed},
                created_at=now,
            )
        )
    session.flush()
    return policy
