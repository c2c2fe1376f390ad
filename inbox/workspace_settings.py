"""The workspace's own settings as admins change them: its name, its time zone (the default of
the SLA policy and of times shown to clients), the language of its mail to clients and whether
new mail is assigned in turn.

The REST API and the team settings page both validate with `WorkspacePatchIn` and save through
`change_workspace`, so both accept and refuse the same input. Flushes, never commits.
"""

from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session

from app.core.accounts import workspace_of
from app.core.i18n import check_language
from app.core.models import Workspace
from app.core.plain_text import ONE_LINE
from app.core.zones import parse_zone


class WorkspacePatchIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200), ONE_LINE] | None = None
    timezone: Annotated[str | None, Field(max_length=64, examples=["Europe/Moscow"])] = None
    language: Annotated[
        str | None,
        Field(
            max_length=8,
            examples=["ru"],
            description="The language of the team's mail to clients (en, ru), unless a mailbox "
            "sets its own.",
        ),
    ] = None
    auto_assign: bool | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            parse_zone(value)
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return check_language(value) if value is not None else None


def change_workspace(*, session: Session, workspace_id: int, body: WorkspacePatchIn) -> Workspace:
    """Only the fields sent (and not null) change; `WorkspacePatchIn` refused an unknown time
    zone."""
    workspace = workspace_of(session, workspace_id)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    for name, value in changes.items():
        setattr(workspace, name, value)
    session.add(workspace)
    session.flush()
    return workspace
