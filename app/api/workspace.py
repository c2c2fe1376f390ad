"""`/api/v1/workspace`: the team's own settings (admins change them)."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import Invalid
from app.core.models import Workspace
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep
from inbox.sla import parse_zone


class WorkspaceSettingsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": 1, "name": "Acme", "timezone": "Europe/Berlin", "auto_assign": True}
            ]
        }
    )

    id: int
    name: str
    timezone: str
    auto_assign: bool = Field(
        description="New mail in an unassigned conversation goes to the next available agent."
    )


class WorkspacePatchIn(BaseModel):
    name: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    timezone: Annotated[str | None, Field(examples=["Europe/Moscow"])] = None
    auto_assign: bool | None = None


router = APIRouter(tags=["workspace"])


def _workspace(session: SessionDep, workspace_id: int) -> Workspace:
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None, "every user belongs to a workspace"
    return workspace


@router.get("/workspace")
def read_workspace(user: CurrentUser, session: SessionDep) -> WorkspaceSettingsOut:
    return WorkspaceSettingsOut.model_validate(
        _workspace(session, user.workspace_id), from_attributes=True
    )


@router.patch("/workspace")
def update_workspace(
    body: WorkspacePatchIn, admin: AdminUser, session: SessionDep
) -> WorkspaceSettingsOut:
    workspace = _workspace(session, admin.workspace_id)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "timezone" in changes:
        try:
            parse_zone(changes["timezone"])
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    for name, value in changes.items():
        setattr(workspace, name, value)
    session.add(workspace)
    session.commit()
    return WorkspaceSettingsOut.model_validate(workspace, from_attributes=True)
