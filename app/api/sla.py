"""`/api/v1/sla-policy`: the workspace's response-time targets and business hours.

Any member reads the policy (the defaults until an admin saves one); admins replace it whole.
The request model and the save are `inbox.sla_policy`'s (the settings page uses them too),
whose validators apply `inbox.sla`'s rules, so the calendar and the API can never disagree
about what a valid policy is.
"""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.core.models import SlaPolicy, id_of, utcnow
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep
from inbox.sla import policy_fields, policy_of
from inbox.sla_policy import EXAMPLE, SlaPolicyIn, is_default, save_policy

router = APIRouter(tags=["sla"])


class SlaPolicyOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE,
                    "is_default": False,
                    "updated_at": "2026-11-20T09:00:00Z",
                }
            ]
        }
    )

    timezone: str
    business_hours: dict[str, list[list[str]]]
    holidays: list[str]
    holiday_country: str | None
    working_days: list[str]
    first_response_minutes: int
    next_response_minutes: int
    max_response_minutes: int
    urgent_response_minutes: int
    max_response_clock: str
    is_default: bool = Field(description="No policy saved yet: these are the defaults.")
    updated_at: datetime | None


def _out(policy: SlaPolicy) -> SlaPolicyOut:
    default = is_default(policy)
    return SlaPolicyOut(
        **policy_fields(policy),
        is_default=default,
        updated_at=None if default else policy.updated_at,
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
        body=body,
        now=utcnow(),
    )
    return _out(policy)
