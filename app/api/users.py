"""`/api/v1/me` and `/api/v1/users`: the caller, and the workspace's team (admins manage it).

The rules for adding and changing members are `app.core.accounts`' (the team settings page
calls the same functions with the same request models).
"""

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.core.accounts import UserIn, UserPatchIn, add_member, change_user, team_of, workspace_of
from app.core.db import get_scoped
from app.core.models import Role, User
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep

router = APIRouter(tags=["users"])


WORKSPACE_EXAMPLE: JsonDict = {"id": 1, "name": "Acme", "timezone": "Europe/Berlin"}
USER_EXAMPLE: JsonDict = {
    "id": 7,
    "email": "anna@company.com",
    "name": "Anna Petrova",
    "role": "agent",
    "is_active": True,
    "is_available": True,
    "created_at": "2026-11-02T09:15:00Z",
    "last_login_at": "2026-11-20T08:01:12Z",
    "language": "ru",
    "timezone": None,
}


class WorkspaceOut(BaseModel):
    id: int
    name: str
    timezone: str


class UserOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [USER_EXAMPLE]})

    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    is_available: bool
    created_at: datetime
    last_login_at: datetime | None
    language: str | None = Field(description="The interface language; null follows the browser.")
    timezone: str | None = Field(description="The zone times are shown in; null: the workspace's.")


class MeOut(UserOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**USER_EXAMPLE, "workspace": WORKSPACE_EXAMPLE}]}
    )

    workspace: WorkspaceOut


class UserCreatedOut(UserOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**USER_EXAMPLE, "password": "tide-lamp-orbit-9"}]}
    )

    password: str = Field(description="The initial password; shown only in this response.")


def user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.get("/me")
def read_me(user: CurrentUser, session: SessionDep) -> MeOut:
    workspace = workspace_of(session, user.workspace_id)
    return MeOut(
        **user_out(user).model_dump(),
        workspace=WorkspaceOut.model_validate(workspace, from_attributes=True),
    )


@router.get("/users")
def list_users(user: CurrentUser, session: SessionDep) -> list[UserOut]:
    return [user_out(row) for row in team_of(session, user.workspace_id)]


@router.get("/users/{id}")
def read_user(id: int, user: CurrentUser, session: SessionDep) -> UserOut:
    return user_out(get_scoped(session, User, id, user.workspace_id))


@router.post("/users", status_code=status.HTTP_201_CREATED)
def add_user(body: UserIn, admin: AdminUser, session: SessionDep) -> UserCreatedOut:
    created, password = add_member(session=session, admin=admin, body=body)
    return UserCreatedOut(**user_out(created).model_dump(), password=password)


@router.patch("/users/{id}")
def update_user(id: int, body: UserPatchIn, user: CurrentUser, session: SessionDep) -> UserOut:
    """Anyone may edit their own profile; only admins change roles, activation or others."""
    return user_out(change_user(session=session, actor=user, user_id=id, body=body))
