"""`/api/v1/me` and `/api/v1/users`: the caller, and the workspace's team (admins manage it)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from sqlmodel import col, select

from app.core.accounts import create_user, hash_password, new_password
from app.core.db import get_scoped
from app.core.errors import Forbidden, Invalid
from app.core.models import Role, User, Workspace
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


class MeOut(UserOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**USER_EXAMPLE, "workspace": WORKSPACE_EXAMPLE}]}
    )

    workspace: WorkspaceOut


class UserIn(BaseModel):
    email: str = Field(examples=["anna@company.com"])
    name: str = Field(default="", examples=["Anna Petrova"])
    role: Role = Role.AGENT
    password: Annotated[str | None, Field(min_length=8)] = None


class UserCreatedOut(UserOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**USER_EXAMPLE, "password": "tide-lamp-orbit-9"}]}
    )

    password: str = Field(description="The initial password; shown only in this response.")


class UserPatchIn(BaseModel):
    name: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    role: Role | None = None
    is_active: bool | None = None
    is_available: bool | None = None
    signature: str | None = None
    password: Annotated[str | None, Field(min_length=8)] = None


def user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.get("/me")
def read_me(user: CurrentUser, session: SessionDep) -> MeOut:
    workspace = session.get(Workspace, user.workspace_id)
    return MeOut(
        **user_out(user).model_dump(),
        workspace=WorkspaceOut.model_validate(workspace, from_attributes=True),
    )


@router.get("/users")
def list_users(user: CurrentUser, session: SessionDep) -> list[UserOut]:
    rows = session.exec(
        select(User).where(User.workspace_id == user.workspace_id).order_by(col(User.id))
    )
    return [user_out(row) for row in rows]


@router.get("/users/{id}")
def read_user(id: int, user: CurrentUser, session: SessionDep) -> UserOut:
    return user_out(get_scoped(session, User, id, user.workspace_id))


@router.post("/users", status_code=status.HTTP_201_CREATED)
def add_user(body: UserIn, admin: AdminUser, session: SessionDep) -> UserCreatedOut:
    password = body.password or new_password()
    workspace = session.get(Workspace, admin.workspace_id)
    assert workspace is not None
    created = create_user(
        session=session,
        workspace=workspace,
        email=body.email,
        name=body.name,
        role=body.role,
        password=password,
    )
    session.commit()
    return UserCreatedOut(**user_out(created).model_dump(), password=password)


@router.patch("/users/{id}")
def update_user(id: int, body: UserPatchIn, user: CurrentUser, session: SessionDep) -> UserOut:
    """Anyone may edit their own profile; only admins change roles, activation or others."""
    target = get_scoped(session, User, id, user.workspace_id)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    admin_only = {"role", "is_active"} & changes.keys()
    if user.role != Role.ADMIN and (target.id != user.id or admin_only):
        raise Forbidden("only an admin can change another user, a role or activation")
    if target.id == user.id and (
        changes.get("is_active") is False or changes.get("role") == "agent"
    ):
        raise Invalid("an admin cannot demote or deactivate themselves")
    if "password" in changes:
        target.password_hash = hash_password(changes.pop("password"))
    for field, value in changes.items():
        setattr(target, field, value)
    session.add(target)
    session.commit()
    return user_out(target)
