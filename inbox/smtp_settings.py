"""The workspace's outgoing mail server as admins set it: the request model both
`PUT /api/v1/scheduler/smtp` and the Settings > Outgoing mail page validate with, reading,
saving (through `inbox.agent_mail.configure_smtp`) and removing it, and a test message sent
through it at once, so an admin learns whether it works before a reminder depends on it.

Never sends anything but the test message to the admin who asks; never stores the password in
clear (`configure_smtp` encrypts it). Flushes, never commits.
"""

import smtplib
from datetime import datetime
from email.message import EmailMessage
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, select

from app.core.accounts import normalize_email
from app.core.errors import Invalid, NotFound
from app.core.i18n import gettext as _
from app.core.models import SmtpSecurity, SmtpServer
from app.core.plain_text import ONE_LINE
from gmail_sync.encoded_words import WHOLE_WORDS
from gmail_sync.oauth import TokenCipher
from inbox.agent_mail import SmtpSettings, configure_smtp, send_email, smtp_login


def not_configured() -> str:
    return _("no SMTP server is configured: reminders are not emailed")


class SmtpIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "host": "smtp.acme.example",
                    "port": 587,
                    "security": "starttls",
                    "username": "tandem@acme.example",
                    "password": "app-password",
                    "sender": "tandem@acme.example",
                }
            ]
        },
    )

    host: Annotated[str, Field(min_length=1, max_length=255), ONE_LINE]
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: Annotated[str, Field(max_length=320), ONE_LINE] = ""
    password: Annotated[str, Field(max_length=1000), ONE_LINE] | None = Field(
        default=None, description='Omit to keep the stored one; "" removes it.'
    )
    sender: str = Field(max_length=320, description="The From address of reminder email.")

    @field_validator("sender")
    @classmethod
    def _address(cls, value: str) -> str:
        try:
            return normalize_email(value)
        except Invalid as exc:
            raise ValueError(str(exc)) from None


def smtp_server_of(session: Session, workspace_id: int) -> SmtpServer | None:
    return session.exec(select(SmtpServer).where(SmtpServer.workspace_id == workspace_id)).first()


def save_smtp(
    session: Session, *, workspace_id: int, body: SmtpIn, cipher: TokenCipher, now: datetime
) -> SmtpServer:
    return configure_smtp(
        session,
        workspace_id=workspace_id,
        smtp=SmtpSettings(**body.model_dump()),
        cipher=cipher,
        now=now,
    )


def remove_smtp(session: Session, *, workspace_id: int) -> None:
    """Reminders are then no longer e-mailed; those already queued fail with that reason."""
    server = smtp_server_of(session, workspace_id)
    if server is None:
        raise NotFound(not_configured())
    session.delete(server)
    session.flush()


def send_test_message(
    session: Session, *, workspace_id: int, to: str, cipher: TokenCipher
) -> str | None:
    """Sends a test message to `to` through the workspace's server, now, not through the
    queue: None when the server took it, else why not, in the server's or the network's words."""
    server = smtp_server_of(session, workspace_id)
    if server is None:
        raise NotFound(not_configured())
    login = smtp_login(server, cipher)
    message = EmailMessage(policy=WHOLE_WORDS)
    message["From"] = login.sender
    message["To"] = to
    message["Subject"] = _("Tandem test message")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        _(
            "This message was sent from Tandem's Settings > Outgoing mail, to check that "
            "reminders can be e-mailed through %(server)s. Nothing else needs doing."
        )
        % {"server": f"{login.host}:{login.port}"}
        + "\n"
    )
    try:
        send_email(login, message)
    except (smtplib.SMTPException, OSError, ValueError) as exc:  # ValueError: a host IDNA refuses
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return None
