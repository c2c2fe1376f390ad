"""`/api/v1/workspace`: the team's own settings (admins change them through
`inbox.workspace_settings`, as the team settings page does)."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.core.accounts import workspace_of
from app.core.models import Workspace
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep
from inbox.workspace_settings import WorkspacePatchIn, change_workspace


class WorkspaceSettingsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "name": "Acme",
                    "timezone": "Europe/Berlin",
                    "language": "en",
                    "auto_assign": True,
                }
            ]
        }
    )

    id: int
    name: str
    timezone: str
    language: str = Field(description="The language of the team's mail to clients.")
    auto_assign: bool = Field(
        description="New mail in an unassigned conversation goes to the next available agent."
    )


router = APIRouter(tags=["workspace"])


def _out(workspace: Workspace) -> WorkspaceSettingsOut:
    return WorkspaceSettingsOut.model_validate(workspace, from_attributes=True)


@router.get("/workspace")
def read_workspace(user: CurrentUser, session: SessionDep) -> WorkspaceSettingsOut:
    return _out(workspace_of(session, user.workspace_id))


@router.patch("/workspace")
def update_workspace(
    body: WorkspacePatchIn, admin: AdminUser, session: SessionDep
) -> WorkspaceSettingsOut:
    return _out(change_workspace(session=session, workspace_id=admin.workspace_id, body=body))
