"""Workspaces, users and API tokens: creating them, changing team members, and checking their
secrets.

Passwords are stored as argon2 hashes and API tokens as SHA-256 digests; neither secret is
ever stored or logged in clear. The REST API and the settings pages validate with the request
models here (`UserIn`, `UserPatchIn`, `TokenIn`) and call the functions next to them, so both
accept and refuse the same input. Functions flush and never commit (the caller owns the
transaction); they know nothing of HTTP.
"""

import hashlib
import secrets
from datetime import datetime
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.i18n import check_language
from app.core.i18n import gettext as _
from app.core.models import ApiToken, Role, User, Workspace, id_of
from app.core.plain_text import ONE_LINE
from app.core.zones import parse_zone

TOKEN_PREFIX = "tdm_"  # noqa: S105 (a marker that makes leaked tokens greppable)
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise Invalid(_("password must be at least 8 characters"), field="password")
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def session_stamp(user: User) -> str:
    """What a web session carries of the password it was signed in with: when the password
    changes, so does this, and every session signed in before the change ends. Derived from
    the salted hash, it says nothing of the password."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    """Lower-cased and checked, so one person cannot hold two logins by changing case."""
    try:
        return validate_email(
            email.strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(
            _("invalid email %(email)r: %(reason)s") % {"email": email, "reason": exc}
        ) from None


class UserIn(BaseModel):
    email: str = Field(max_length=320, examples=["anna@company.com"])
    name: Annotated[str, Field(max_length=200), ONE_LINE] = Field(
        default="", examples=["Anna Petrova"]
    )
    role: Role = Role.AGENT
    password: Annotated[str, Field(min_length=8, max_length=1000), ONE_LINE] | None = None


class UserPatchIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200), ONE_LINE] | None = None
    role: Role | None = None
    is_active: bool | None = None
    is_available: bool | None = None
    signature: Annotated[str | None, Field(max_length=10_000)] = None
    password: Annotated[str, Field(min_length=8, max_length=1000), ONE_LINE] | None = None
    language: Annotated[
        str | None,
        Field(max_length=8, description='The interface language (en, ru); "" follows the browser.'),
    ] = None
    timezone: Annotated[
        str | None,
        Field(max_length=64, description='The zone times are shown in; "" follows the workspace.'),
    ] = None

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return check_language(value) if value else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value:
            parse_zone(value)
        return value


class TokenIn(BaseModel):
    name: Annotated[str, Field(max_length=200), ONE_LINE] = Field(
        default="", examples=["CRM integration"]
    )


def create_workspace(*, session: Session, name: str) -> Workspace:
    if not name.strip():
        raise Invalid(_("workspace name must not be empty"))
    workspace = Workspace(name=name.strip())
    session.add(workspace)
    session.flush()
    return workspace


def create_user(
    *,
    session: Session,
    workspace: Workspace,
    email: str,
    name: str = "",
    role: Role = Role.AGENT,
    password: str | None = None,
) -> User:
    email = normalize_email(email)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(_("a user with email %(email)s already exists") % {"email": email})
    user = User(
        workspace_id=id_of(workspace),
        email=email,
        name=name.strip() or email.split("@")[0],
        role=role,
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    return user


def workspace_of(session: Session, workspace_id: int) -> Workspace:
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None, "every user belongs to a workspace"
    return workspace


def team_of(session: Session, workspace_id: int) -> list[User]:
    """Everyone in the workspace, active or not, in the order they joined."""
    query = select(User).where(User.workspace_id == workspace_id).order_by(col(User.id))
    return list(session.exec(query))


def add_member(*, session: Session, admin: User, body: UserIn) -> tuple[User, str]:
    """The new member and their initial password (the one given, else a generated one), which
    exists in clear only in this return value."""
    password = body.password or new_password()
    created = create_user(
        session=session,
        workspace=workspace_of(session, admin.workspace_id),
        email=body.email,
        name=body.name,
        role=body.role,
        password=password,
    )
    return created, password


def change_user(*, session: Session, actor: User, user_id: int, body: UserPatchIn) -> User:
    """Anyone may edit their own profile; only admins change roles, activation or others, and
    no admin demotes or deactivates themselves, which keeps the workspace's last admin."""
    target = get_scoped(session, User, user_id, actor.workspace_id)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    admin_only = {"role", "is_active"} & changes.keys()
    if actor.role != Role.ADMIN and (target.id != actor.id or admin_only):
        raise Forbidden(_("only an admin can change another user, a role or activation"))
    if target.id == actor.id and (
        changes.get("is_active") is False or changes.get("role") == "agent"
    ):
        raise Invalid(_("an admin cannot demote or deactivate themselves"))
    if "password" in changes:
        target.password_hash = hash_password(changes.pop("password"))
    for field, value in changes.items():
        setattr(target, field, value or None if field in ("language", "timezone") else value)
    session.add(target)
    session.flush()
    return target


def create_api_token(*, session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which exists only in this return value."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        workspace_id=user.workspace_id,
        user_id=id_of(user),
        name=name.strip(),
        token_hash=hash_token(token),
        prefix=token[: len(TOKEN_PREFIX) + 4],
    )
    session.add(row)
    session.flush()
    return row, token


def user_for_token(*, session: Session, token: str, now: datetime) -> User | None:
    """The active user behind an unrevoked token; `last_used_at` moves at most once a minute."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() >= 60:
        row.last_used_at = now
        session.add(row)
        session.flush()
    return user


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's own tokens; an admin sees every token of the workspace."""
    query = select(ApiToken).where(ApiToken.workspace_id == user.workspace_id)
    if user.role != Role.ADMIN:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.exec(query.order_by(col(ApiToken.id))))


def revoke_api_token(*, session: Session, token_id: int, actor: User, now: datetime) -> None:
    """The token's owner or an admin revokes it; another workspace's token is not found."""
    token = get_scoped(session, ApiToken, token_id, actor.workspace_id)
    if token.user_id != actor.id and actor.role != Role.ADMIN:
        raise Forbidden(_("only the token's owner or an admin can revoke it"))
    if token.revoked_at is None:
        token.revoked_at = now
        session.add(token)
        session.flush()


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.is_active or not verify_password(user, password):
        return None
    return user


def new_password() -> str:
    return secrets.token_urlsafe(12)


def bootstrap(*, session: Session, workspace_name: str, email: str) -> dict[str, object]:
    """A new workspace with its first admin, a password and an API token (shown only here)."""
    workspace = create_workspace(session=session, name=workspace_name)
    password = new_password()
    user = create_user(
        session=session, workspace=workspace, email=email, role=Role.ADMIN, password=password
    )
    _row, token = create_api_token(session=session, user=user, name="bootstrap")
    return {
        "workspace_id": workspace.id,
        "user_id": user.id,
        "api_token": token,
        "password": password,
    }
