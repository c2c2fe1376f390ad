"""What Tandem sends besides replies: webhook subscriptions and their deliveries, and e-mail to
agents through the workspace's SMTP server."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.core.models.columns import created_field, enum_field, foreign_key, json_field, time_field
from app.core.models.enums import AgentEmailState, SmtpSecurity, WebhookDeliveryState


class WebhookSubscription(SQLModel, table=True):
    """An integration's URL; `internal` ones may receive note events, client-facing ones never."""

    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    url: str = Field(sa_type=Text, nullable=False)
    secret: str = Field(sa_type=String(128), nullable=False)
    events: list[str] = json_field(list)
    is_internal: bool = Field(default=True, nullable=False)
    is_active: bool = Field(default=True, nullable=False)
    created_at: datetime = created_field()


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription: an outbox row the delivery job claims, sends and retries.

    `attempt_log` keeps every attempt (time, status, error, duration); `claimed_by` and
    `claimed_until` are the lease a sender takes with a conditional UPDATE before posting.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "state", "next_attempt_at"),
        Index("ix_webhook_delivery_log", "subscription_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    subscription_id: int = foreign_key("webhook_subscription.id", index=False)
    event: str = Field(sa_type=String(64), nullable=False)
    payload: dict[str, Any] = json_field(dict)
    state: str = enum_field(WebhookDeliveryState.PENDING)
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime | None = time_field()
    last_status: int | None = Field(default=None)
    last_error: str | None = Field(default=None, sa_type=Text)
    attempt_log: list[dict[str, Any]] = json_field(list)
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    claimed_until: datetime | None = time_field()
    delivered_at: datetime | None = time_field()
    created_at: datetime = created_field()


class SmtpServer(SQLModel, table=True):
    """The SMTP server a workspace sends agent email through (reminders); never the client's
    Gmail thread. The password is encrypted like OAuth tokens."""

    __tablename__ = "smtp_server"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    host: str = Field(sa_type=String(255), nullable=False)
    port: int = Field(default=587, nullable=False)
    security: str = enum_field(SmtpSecurity.STARTTLS)
    username: str = Field(default="", sa_type=String(320), nullable=False)
    password_encrypted: str | None = Field(default=None, sa_type=Text)
    sender: str = Field(sa_type=String(320), nullable=False)
    updated_at: datetime = created_field()


class AgentEmail(SQLModel, table=True):
    """An email to a team member (a notification: a fired reminder, a mention...), written in
    the transaction that decided to send it and sent after commit by a job that claims it with
    a lease and retries."""

    __tablename__ = "agent_email"
    __table_args__ = (Index("ix_agent_email_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    user_id: int | None = foreign_key("user.id", nullable=True, ondelete="SET NULL", index=False)
    reminder_id: int | None = foreign_key(
        "reminder.id", nullable=True, ondelete="SET NULL", index=False
    )
    #: What it is about: the mail job links to it with the server's public address.
    conversation_id: int | None = foreign_key(
        "conversation.id", nullable=True, ondelete="SET NULL", index=False
    )
    to_address: str = Field(sa_type=String(320), nullable=False)
    subject: str = Field(sa_type=Text, nullable=False)
    body: str = Field(sa_type=Text, nullable=False)
    state: str = enum_field(AgentEmailState.PENDING)
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime | None = time_field()
    last_error: str | None = Field(default=None, sa_type=Text)
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    claimed_until: datetime | None = time_field()
    sent_at: datetime | None = time_field()
    created_at: datetime = created_field()
