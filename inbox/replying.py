"""An agent's reply: the one use case behind `POST /api/v1/conversations/{id}/reply` and the web
composer, with `ReplyIn`, the fields both validate.

It holds a reply that would show the client internal context, or that a teammate's reply
still waiting to go out would double (409 until the agent confirms), renders a canned reply,
queues the reply in the request's transaction (`gmail_sync.send`) and records the promise it
makes. It never sends: the outbox job (`scheduler.jobs.send_replies`) does, when the reply's
undo window ends, so a reply is stored before anything leaves.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session

from app.core.accounts import normalize_email
from app.core.db import get_scoped
from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Conversation, MessageKind, Template, User, Workspace
from app.core.plain_text import ONE_LINE
from gmail_sync.compose import OutgoingAttachment
from gmail_sync.mime_headers import parse_addresses
from gmail_sync.send import QueuedReply, ReplyRequest, queue_reply
from inbox.presence import hold_double_reply
from inbox.presend import hold_internal_context
from inbox.promise_text import DetectedPromise, detect_promise
from inbox.promises import make_promise
from inbox.reply_language import hold_other_language
from inbox.sla import calendar_for, policy_of
from inbox.templates import render_for


def _checked_address(value: str) -> str:
    """`addr` or `Name <addr>` with a well-formed address; returned as written."""
    parsed = parse_addresses(value)
    if len(parsed) != 1 or not parsed[0][1]:
        raise ValueError(_("%(value)r is not one email address") % {"value": value})
    try:
        normalize_email(parsed[0][1])
    except Invalid as exc:
        raise ValueError(str(exc)) from None
    return value.strip()


Address = Annotated[str, Field(max_length=1000), ONE_LINE]
"""`addr` or `Name <addr>`: one line, a name and an address at most."""


class ReplyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "body_text": "Hello Anna,\n\nthe refund went out today.",
                    "mode": "all",
                    "cc": ["Finance <finance@client.example>"],
                    "exclude": ["boris@client.example"],
                }
            ]
        },
    )

    body_text: str = Field(default="", max_length=200_000)
    body_html: str | None = Field(default=None, max_length=1_000_000)
    mode: Literal["all", "sender"] = Field(
        default="all",
        description="`all` (default) answers everyone on the thread; `sender` only the sender "
        "and needs a `reason`, which is recorded with whom it leaves out.",
    )
    reason: Annotated[str, Field(max_length=1000), ONE_LINE] | None = None
    cc: list[Address] = Field(default_factory=list, max_length=50)
    bcc: list[Address] = Field(default_factory=list, max_length=50)
    exclude: list[Address] = Field(
        default_factory=list,
        max_length=50,
        description="Reply-all recipients to leave out of this reply (each must be one the "
        "reply would reach); recorded in the audit trail as reply.recipients_removed.",
    )
    template_id: int | None = Field(
        default=None,
        description="Send a canned reply, rendered for this conversation, instead of body_text.",
    )
    answered_message_id: int | None = Field(
        default=None, description="The message answered; by default the latest inbound one."
    )
    promise_by: datetime | None = Field(
        default=None, description="When the team promises the client its next answer."
    )
    confirm: bool = Field(
        default=False,
        description="Send although the pre-send check held it (it repeats an internal note, "
        "@mentions a teammate, or a teammate's reply to the conversation is still waiting "
        "to go out: 409).",
    )

    @field_validator("cc", "bcc", "exclude")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        return [_checked_address(value) for value in values]

    @field_validator("promise_by")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("promise_by needs a time zone, e.g. 2026-11-24T15:00:00+01:00")
        return value


def queue_agent_reply(
    session: Session,
    *,
    conversation: Conversation,
    user: User,
    body: ReplyIn,
    attachments: Sequence[OutgoingAttachment],
    now: datetime,
    delay: timedelta,
) -> tuple[QueuedReply, DetectedPromise | None]:
    """The pre-send check, the queued reply (sent at `now + delay`), the promise it makes or,
    failing that, the promise its text seems to make (for the agent to confirm)."""
    if body.template_id is not None:
        body = _with_template(session, body, conversation, user)
    hold_internal_context(
        session,
        workspace_id=user.workspace_id,
        conversation_id=conversation.id,
        text=body.body_text,
        html=body.body_html,
        confirmed=body.confirm,
    )
    hold_other_language(
        session, conversation=conversation, text=body.body_text, confirmed=body.confirm
    )
    hold_double_reply(session, conversation_id=conversation.id, user=user, confirmed=body.confirm)
    queued = queue_reply(
        session=session,
        conversation=conversation,
        author=user,
        request=_request(body, attachments),
        now=now,
        delay=delay,
    )
    if body.promise_by is not None:
        make_promise(session, conversation=conversation, user=user, due_at=body.promise_by, now=now)
        return queued, None
    workspace = session.get(Workspace, user.workspace_id)
    zone = workspace.timezone if workspace else "UTC"
    calendar = calendar_for(policy_of(session, user.workspace_id))
    return queued, detect_promise(body.body_text, now=now, timezone=zone, calendar=calendar)


def _with_template(
    session: Session, body: ReplyIn, conversation: Conversation, user: User
) -> ReplyIn:
    """A canned reply is the whole reply: text beside it would be sent or lost unseen."""
    if body.body_text.strip() or body.body_html:
        raise Invalid(_("give either body_text/body_html or template_id, not both"))
    template = get_scoped(session, Template, body.template_id or 0, user.workspace_id)
    text, html = render_for(session, template, conversation, user)
    return body.model_copy(update={"body_text": text, "body_html": html})


def _request(body: ReplyIn, attachments: Sequence[OutgoingAttachment]) -> ReplyRequest:
    return ReplyRequest(
        body_text=body.body_text,
        body_html=body.body_html,
        mode=body.mode,
        reason=body.reason,
        cc=body.cc,
        bcc=body.bcc,
        exclude=body.exclude,
        attachments=attachments,
        answered_id=body.answered_message_id,
        kind=MessageKind.REPLY,
    )
