"""A mailbox's settings as admins change them: the sender name, whether replies carry the
agent's name, and the automatic acknowledgement (on or off, its text, its window).

The REST API and the settings page both validate with `MailboxPatchIn` and save through
`change_mailbox`, so a form and `/api/v1` accept and refuse exactly the same input. Connecting
and syncing are gmail_sync's; this module never talks to Gmail. Flushes, never commits.
"""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session

from app.core.db import get_scoped
from app.core.i18n import check_language
from app.core.models import AuditEvent, Mailbox, User
from app.core.plain_text import ONE_LINE
from inbox.templates import check_template

#: Fields a null leaves unchanged; a null `auto_ack_text` restores the default text instead.
_KEPT_WHEN_NULL = ("display_name", "auto_ack_enabled", "auto_ack_window_minutes", "use_agent_name")


class MailboxPatchIn(BaseModel):
    """Only the fields sent change; `auto_ack_text: ""` or null restores the default text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "display_name": "Acme Support",
                    "auto_ack_enabled": True,
                    "auto_ack_text": "Hello {{ contact.first_name }}, we got your message "
                    "(#{{ conversation.number }}) and will answer by {{ reply_due }}.",
                    "auto_ack_window_minutes": 1440,
                    "use_agent_name": True,
                    "language": "ru",
                }
            ]
        },
    )

    display_name: Annotated[str, Field(max_length=200), ONE_LINE] | None = None
    auto_ack_enabled: bool | None = None
    auto_ack_text: str | None = Field(default=None, max_length=10_000)
    auto_ack_window_minutes: int | None = Field(default=None, ge=1, le=60 * 24 * 366)
    use_agent_name: bool | None = None
    language: str | None = Field(
        default=None,
        max_length=8,
        description='The language of its mail to clients (en, ru); null or "" follows the '
        "workspace.",
    )

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return check_language(value) if value else None

    @field_validator("auto_ack_text")
    @classmethod
    def _valid_template(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            check_template(value)
        return value or None


def change_mailbox(
    *, session: Session, mailbox_id: int, actor: User, body: MailboxPatchIn, now: datetime
) -> Mailbox:
    """Applies what `body` sends; an effective change is an AuditEvent with the changed fields
    before and after, so who turned the acknowledgement off can be found later."""
    mailbox = get_scoped(session, Mailbox, mailbox_id, actor.workspace_id)
    changes = body.model_dump(exclude_unset=True)
    for name in _KEPT_WHEN_NULL:
        if changes.get(name, ...) is None:
            del changes[name]
    before = {name: getattr(mailbox, name) for name in changes}
    for name, value in changes.items():
        setattr(mailbox, name, value)
    changed = sorted(name for name in changes if before[name] != changes[name])
    if changed:
        session.add(mailbox)
        session.add(
            AuditEvent(
                workspace_id=actor.workspace_id,
                actor_id=actor.id,
                action="mailbox.updated",
                before={name: before[name] for name in changed},
                after={name: changes[name] for name in changed},
                details={"mailbox_id": mailbox_id},
                created_at=now,
            )
        )
        session.flush()
    return mailbox
