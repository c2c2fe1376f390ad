"""Changing a password: by its owner (who knows the current one), through a link mailed to a
person who forgot it, or by an admin who sets a temporary one.

Every change ends the person's web sessions elsewhere: a session carries the stamp of the
password it was signed in with (`app.core.accounts.session_stamp`). API tokens are separate
credentials and keep working.

The reset link goes out through the workspace's SMTP server, as a row of the agent e-mail
outbox (`AgentEmail`, sent by `inbox.agent_mail`'s job), in the person's language; a
workspace without one has no mailed reset, and an admin sets a temporary password instead.
The link's token is stored only as its SHA-256, works once and for 30 minutes. Asking for a
link never tells whether the address has an account. Functions flush and never commit.
"""

import secrets
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

from app.core.accounts import (
    UserPatchIn,
    change_user,
    hash_password,
    hash_token,
    new_password,
    verify_password,
)
from app.core.claims import claim
from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.core.models import AgentEmail, PasswordReset, SmtpServer, User, Workspace, id_of
from app.core.plain_text import ONE_LINE
from app.core.readers import writing_for
from app.core.sign_in_throttle import admit, engine_of, forgive, login_key

RESET_LINK_LIFETIME = timedelta(minutes=30)
#: A second request within this time mails nothing, so nobody can flood a person's inbox.
RESET_MAIL_INTERVAL = timedelta(minutes=2)
MIN_LENGTH = 8


def link_spent() -> str:
    """Said when a reset link no longer works, in the reader's language."""
    return _("This link has expired or was already used: ask for a new one.")


class NewPasswordIn(BaseModel):
    """A new password, typed twice so a slip of the finger does not lock its owner out."""

    new_password: Annotated[str, Field(max_length=1000), ONE_LINE]
    repeat_password: Annotated[str, Field(max_length=1000)]

    @field_validator("new_password")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < MIN_LENGTH:
            raise ValueError(
                ngettext(
                    "The new password needs at least %(num)d character.",
                    "The new password needs at least %(num)d characters.",
                    MIN_LENGTH,
                )
                % {"num": MIN_LENGTH}
            )
        return value

    @field_validator("repeat_password")
    @classmethod
    def _same(cls, value: str, info: ValidationInfo) -> str:
        if "new_password" in info.data and value != info.data["new_password"]:
            raise ValueError(_("The two new passwords differ."))
        return value


class PasswordChangeIn(NewPasswordIn):
    current_password: Annotated[str, Field(max_length=1000)] = ""


class PasswordResetIn(NewPasswordIn):
    token: Annotated[str, Field(max_length=200)]


def change_password(
    *, session: Session, user: User, body: PasswordChangeIn, address: str, now: datetime
) -> User:
    """The current password must be right (someone at an unlocked screen cannot take the
    account over); wrong guesses are throttled like sign-ins. A person who signs in only with
    Google has no current password and sets a first one."""
    if user.password_hash:
        admit(engine_of(session), email=login_key(user.email), address=address, now=now)
        if not verify_password(user, body.current_password):
            raise Invalid(_("The current password is wrong."), field="current_password")
        forgive(session, email=login_key(user.email), address=address, now=now)
    user.password_hash = hash_password(body.new_password)
    session.add(user)
    session.flush()
    return user


def set_temporary_password(
    *, session: Session, admin: User, user_id: int, password: str | None
) -> tuple[User, str]:
    """An admin's reset, for a member who forgot their password where no mail can reach them:
    the password given, else a generated one, which exists in clear only in this return value."""
    password = password or new_password()
    body = UserPatchIn(password=password)
    return change_user(session=session, actor=admin, user_id=user_id, body=body), password


def sends_mail(session: Session, workspace_id: int) -> bool:
    query = select(SmtpServer.id).where(SmtpServer.workspace_id == workspace_id)
    return session.exec(query).first() is not None


def _mailed_lately(session: Session, user: User, now: datetime) -> bool:
    query = select(PasswordReset.id).where(
        PasswordReset.user_id == user.id,
        col(PasswordReset.created_at) > now - RESET_MAIL_INTERVAL,
    )
    return session.exec(query.limit(1)).first() is not None


def request_reset(*, session: Session, email: str, reset_page: str, now: datetime) -> None:
    """Mails a link to `reset_page` when `email` is an active member's whose workspace sends
    mail; otherwise does nothing. The caller answers alike either way."""
    user = session.exec(select(User).where(User.email == login_key(email))).first()
    if user is None or not user.is_active or not sends_mail(session, user.workspace_id):
        return
    if _mailed_lately(session, user, now):
        return
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        workspace_id=user.workspace_id,
        user_id=id_of(user),
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + RESET_LINK_LIFETIME,
    )
    with writing_for(user, session.get(Workspace, user.workspace_id)):
        subject = _("Reset your Tandem password")
        body = _reset_mail(user, f"{reset_page}?token={token}")
    mail = AgentEmail(
        workspace_id=user.workspace_id,
        user_id=id_of(user),
        to_address=user.email,
        subject=subject,
        body=body,
        next_attempt_at=now,
        created_at=now,
    )
    session.add_all([reset, mail])
    session.flush()


def _reset_mail(user: User, link: str) -> str:
    minutes = int(RESET_LINK_LIFETIME.total_seconds() // 60)
    asked = _("Someone, hopefully you, asked to reset the password of %(address)s in Tandem.")
    choose = ngettext(
        "Choose a new password here; the link works once, within %(num)d minute:",
        "Choose a new password here; the link works once, within %(num)d minutes:",
        minutes,
    )
    ignore = _("If you did not ask for this, ignore this mail: your password stays as it is.")
    return f"{asked % {'address': user.email}}\n\n{choose % {'num': minutes}}\n{link}\n\n{ignore}\n"


def _usable(token: str, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        col(PasswordReset.token_hash) == hash_token(token),
        col(PasswordReset.used_at).is_(None),
        col(PasswordReset.expires_at) > now,
    )


def link_works(session: Session, *, token: str, now: datetime) -> bool:
    """Whether the link would still work; looking does not use it up."""
    query = select(PasswordReset.id).where(*_usable(token, now))
    return session.exec(query).first() is not None


def reset_password(*, session: Session, body: PasswordResetIn, address: str, now: datetime) -> User:
    """Uses the link up (one conditional UPDATE: of two tabs sending it, one wins) and sets the
    new password; the person's other links die with it. The person is about to be signed in,
    so `address` counts as a sign-in from there (`sign_in_throttle.forgive`)."""
    won = claim(session, PasswordReset, *_usable(body.token, now), values={"used_at": now})
    reset = session.get(PasswordReset, won[0]) if won else None
    user = session.get(User, reset.user_id) if reset else None
    if user is None or not user.is_active:
        raise Invalid(link_spent(), field="token")
    user.password_hash = hash_password(body.new_password)
    session.add(user)
    session.execute(
        update(PasswordReset)
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    forgive(session, email=login_key(user.email), address=address, now=now)
    return user
