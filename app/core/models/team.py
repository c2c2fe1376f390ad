"""The team: its workspace, its people and their API tokens."""

from datetime import datetime

from sqlalchemy import (
    String,
    Text,
)
from sqlmodel import Field, SQLModel

from app.core.models.columns import created_field, enum_field, foreign_key, time_field
from app.core.models.enums import Role


class Workspace(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200), nullable=False)
    timezone: str = Field(default="UTC", sa_type=String(64), nullable=False)
    #: The language of the team's mail to clients, unless a mailbox says otherwise.
    language: str = Field(default="en", sa_type=String(8), nullable=False)
    auto_assign: bool = Field(default=False, nullable=False)
    created_at: datetime = created_field()


class User(SQLModel, table=True):
    """An agent or admin; email is unique across the installation because it is the login."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    email: str = Field(sa_type=String(320), nullable=False, unique=True)
    name: str = Field(default="", sa_type=String(200), nullable=False)
    role: str = enum_field(Role.AGENT)
    password_hash: str | None = Field(default=None, sa_type=String(255))
    google_sub: str | None = Field(default=None, sa_type=String(255), unique=True)
    is_active: bool = Field(default=True, nullable=False)
    is_available: bool = Field(default=True, nullable=False)
    signature: str = Field(default="", sa_type=Text, nullable=False)
    #: Their notifications also by e-mail, when the workspace has an SMTP server.
    email_notifications: bool = Field(default=True, nullable=False)
    #: The interface language and time zone the person chose; None follows the browser (for
    #: the language) and the workspace.
    language: str | None = Field(default=None, sa_type=String(8))
    timezone: str | None = Field(default=None, sa_type=String(64))
    created_at: datetime = created_field()
    last_login_at: datetime | None = time_field()


class ApiToken(SQLModel, table=True):
    """Only the SHA-256 of a token is stored; the token itself is shown once, at creation."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    user_id: int = foreign_key("user.id")
    name: str = Field(default="", sa_type=String(200), nullable=False)
    token_hash: str = Field(sa_type=String(64), nullable=False, unique=True)
    prefix: str = Field(sa_type=String(16), nullable=False)
    created_at: datetime = created_field()
    last_used_at: datetime | None = time_field()
    revoked_at: datetime | None = time_field()
