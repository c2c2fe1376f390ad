"""`/api/v1/sla-policy`: the workspace's response-time targets and business hours.

Any member reads the policy (the defaults until an admin saves one); admins replace it whole.
The rules for each field live in `inbox.sla`, which the validators here call, so the calendar
and the API can never disagree about what a valid policy is.
"""

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.core.models import SlaPolicy, id_of, utcnow
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep
from inbox.sla import (
    business_hours_json,
    parse_business_hours,
    parse_holidays,
    parse_zone,
    policy_fields,
    policy_of,
    save_policy,
)

router = APIRouter(tags=["sla"])

MAX_TARGET_MINUTES = 366 * 24 * 60
"""A year: any longer is a typo, and it keeps due-time arithmetic far from datetime's range."""

Minutes = Annotated[int, Field(gt=0, le=MAX_TARGET_MINUTES)]

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
    "holidays": ["2026-12-24", "2026-12-25", "2026-12-31"],
    "first_response_minutes": 120,
    "next_response_minutes": 240,
    "max_response_minutes": 1440,
}


class SlaPolicyIn(BaseModel):
    """The whole policy; what is not sent takes no default except `holidays`."""

    timezone: str = Field(max_length=64, description="IANA zone the business hours are in.")
    business_hours: dict[str, list[list[str]]] = Field(
        description='mon..sun to ["HH:MM", "HH:MM"] intervals (end may be "24:00"); '
        "a missing or empty day is closed."
    )
    holidays: list[str] = Field(
        default_factory=list, max_length=1000, description="Closed all day (YYYY-MM-DD)."
    )
    first_response_minutes: Minutes = Field(description="Business minutes to the first reply.")
    next_response_minutes: Minutes = Field(description="Business minutes to each later reply.")
    max_response_minutes: Minutes = Field(description="Real minutes a client waits at most.")

    model_config = {"json_schema_extra": {"examples": [EXAMPLE]}}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        parse_zone(value)
        return value

    @field_validator("business_hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
        return business_hours_json(parse_business_hours(value))

    @field_validator("holidays")
    @classmethod
    def _valid_holidays(cls, value: list[str]) -> list[str]:
        return sorted(day.isoformat() for day in parse_holidays(value))

    @model_validator(mode="after")
    def _targets_within_cap(self) -> Self:
        for name in ("first_response_minutes", "next_response_minutes"):
            if getattr(self, name) > self.max_response_minutes:
                raise ValueError(
                    f"{name} ({getattr(self, name)}) must not exceed "
                    f"max_response_minutes ({self.max_response_minutes})"
                )
        return self


class SlaPolicyOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "timezone": "Europe/Berlin",
                    "business_hours": {
                        "mon": [["09:00", "12:30"], ["13:30", "18:00"]],
                        "tue": [["09:00", "18:00"]],
                        "wed": [["09:00", "18:00"]],
                        "thu": [["09:00", "18:00"]],
                        "fri": [["09:00", "16:00"]],
                        "sat": [],
                        "sun": [],
                    },
                    "holidays": ["2026-12-24", "2026-12-25"],
                    "first_response_minutes": 120,
                    "next_response_minutes": 240,
                    "max_response_minutes": 1440,
                    "is_default": False,
                    "updated_at": "2026-11-20T09:00:00Z",
                }
            ]
        }
    )

    timezone: str
    business_hours: dict[str, list[list[str]]]
    holidays: list[str]
    first_response_minutes: int
    next_response_minutes: int
    max_response_minutes: int
    is_default: bool = Field(description="No policy saved yet: these are the defaults.")
    updated_at: datetime | None


def _out(policy: SlaPolicy) -> SlaPolicyOut:
    saved = policy.id is not None
    return SlaPolicyOut(
        **policy_fields(policy),
        is_default=not saved,
        updated_at=policy.updated_at if saved else None,
    )


@router.get("/sla-policy")
def read_sla_policy(user: CurrentUser, session: SessionDep) -> SlaPolicyOut:
    return _out(policy_of(session, user.workspace_id))


@router.put("/sla-policy")
def replace_sla_policy(body: SlaPolicyIn, admin: AdminUser, session: SessionDep) -> SlaPolicyOut:
    policy = save_policy(
        session=session,
        workspace_id=admin.workspace_id,
        actor_id=id_of(admin),
        fields=body.model_dump(),
        now=utcnow(),
    )
    session.commit()
    return _out(policy)
