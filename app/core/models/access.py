"""Getting in: password sign-in attempts (what throttling counts) and password-reset links.

A sign-in attempt belongs to no workspace: it is written before anyone is known, also for
addresses that are nobody's login, so that throttling answers the same whether an account
exists or not.
"""

from datetime import datetime

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from app.core.models.columns import UTCDateTime, created_field, foreign_key, time_field


class SignInAttempt(SQLModel, table=True):
    """One password attempt for a login from a client address. Failures count towards the
    delays for a while; a success marks the address as one the person usually signs in from."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email", "email", "at"),
        Index("ix_sign_in_attempt_address", "address", "at"),
        Index("ix_sign_in_attempt_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=String(320), nullable=False)
    address: str = Field(sa_type=String(64), nullable=False)
    succeeded: bool = Field(default=False, nullable=False)
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class PasswordReset(SQLModel, table=True):
    """A link to choose a new password, mailed to the person; only the SHA-256 of its token is
    stored, and `used_at` makes it single-use."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    user_id: int = foreign_key("user.id")
    token_hash: str = Field(sa_type=String(64), nullable=False, unique=True)
    created_at: datetime = created_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = time_field()
