"""Replying: `POST /conversations/{id}/reply` and the outbox of replies waiting in their undo
window or failed (`/outbox`).

A reply is JSON, or multipart/form-data when it carries attachments (the same fields as form
fields, files as `attachments`). Rules live in `gmail_sync.send`; this module maps HTTP.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import formataddr
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from app.api.conversations import AttachmentOut, ConversationOut
from app.core.accounts import normalize_email
from app.core.db import get_scoped
from app.core.errors import Invalid, NotFound
from app.core.models import (
    Attachment,
    Conversation,
    Direction,
    Message,
    MessageKind,
    MessageState,
    Template,
    User,
    Workspace,
    id_of,
    utcnow,
)
from app.core.settings import Settings
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep, SettingsDep
from gmail_sync.compose import OutgoingAttachment
from gmail_sync.delivery import send_reply
from gmail_sync.mime_headers import parse_addresses
from gmail_sync.send import (
    MAX_ATTACHMENT_BYTES,
    QueuedReply,
    ReplyRequest,
    cancel_reply,
    queue_reply,
    retry_reply,
)
from inbox.presend import hold_internal_context
from inbox.promise_text import DetectedPromise, detect_promise
from inbox.promises import make_promise
from inbox.templates import render_for
from scheduler.jobs import announce_sent

router = APIRouter(tags=["replies"])

OUTBOX_STATES = (MessageState.QUEUED, MessageState.SENDING, MessageState.FAILED)
MAX_FILES = 20


def _checked_address(value: str) -> str:
    """`addr` or `Name <addr>` with a well-formed address; returned as written."""
    parsed = parse_addresses(value)
    if len(parsed) != 1 or not parsed[0][1]:
        raise ValueError(f"{value!r} is not one email address")
    try:
        normalize_email(parsed[0][1])
    except Invalid as exc:
        raise ValueError(str(exc)) from None
    return value.strip()


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
    reason: str | None = Field(default=None, max_length=1000)
    cc: list[str] = Field(default_factory=list, max_length=50)
    bcc: list[str] = Field(default_factory=list, max_length=50)
    exclude: list[str] = Field(
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
        description="Send although the pre-send check held it (it repeats an internal note "
        "or @mentions a teammate: 409).",
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


class RecipientDiffOut(BaseModel):
    added: list[str] = Field(description="Addresses not on the thread before this reply.")
    dropped: list[str] = Field(description="Thread participants this reply does not go to.")


class DetectedPromiseOut(BaseModel):
    due_at: datetime
    phrase: str = Field(description="The words of the reply that promise it.")
    language: str


class OutgoingOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 812,
                    "conversation_id": 42,
                    "state": "queued",
                    "kind": "reply",
                    "reply_mode": "all",
                    "from": "Acme Support <support@acme.example>",
                    "to": ["Anna Petrova <anna@client.example>"],
                    "cc": ["Finance <finance@client.example>"],
                    "bcc": [],
                    "subject": "Re: Refund for order 1042",
                    "text": "Hello Anna,\n\nthe refund went out today.",
                    "send_after": "2026-11-23T10:15:10Z",
                    "send_error": None,
                    "gmail_id": None,
                    "attachments": [],
                    "recipients": {
                        "added": ["finance@client.example"],
                        "dropped": ["boris@client.example"],
                    },
                    "detected_promise": {
                        "due_at": "2026-11-27T16:00:00Z",
                        "phrase": "by Friday",
                        "language": "en",
                    },
                }
            ]
        }
    )

    id: int
    conversation_id: int
    state: MessageState
    kind: str | None
    reply_mode: str | None
    from_: str = Field(serialization_alias="from")
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    text: str
    send_after: datetime | None = Field(description="When it goes to Gmail (end of undo).")
    send_error: str | None
    gmail_id: str | None
    attachments: list[AttachmentOut]
    recipients: RecipientDiffOut | None = None
    detected_promise: DetectedPromiseOut | None = Field(
        default=None,
        description="A reply time the text seems to promise, for the agent to confirm with "
        "POST /conversations/{id}/promise (only when the reply set no promise_by).",
    )


def outgoing_out(
    session: Session, message: Message, diff: RecipientDiffOut | None = None
) -> OutgoingOut:
    attachments = session.exec(select(Attachment).where(Attachment.message_id == message.id))
    return OutgoingOut(
        id=id_of(message),
        conversation_id=message.conversation_id,
        state=MessageState(message.state),
        kind=message.kind,
        reply_mode=message.reply_mode,
        from_=formataddr((message.from_name, message.from_address)),
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        subject=message.subject,
        text=message.visible_text,
        send_after=message.send_after,
        send_error=message.send_error,
        gmail_id=message.gmail_id,
        attachments=[AttachmentOut.model_validate(a, from_attributes=True) for a in attachments],
        recipients=diff,
    )


_REPLY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ReplyIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "description": "The fields of ReplyIn as form fields (cc/bcc/exclude "
                    "repeated), plus files.",
                    "properties": {
                        "body_text": {"type": "string"},
                        "body_html": {"type": "string"},
                        "mode": {"type": "string", "enum": ["all", "sender"]},
                        "reason": {"type": "string"},
                        "cc": {"type": "array", "items": {"type": "string"}},
                        "bcc": {"type": "array", "items": {"type": "string"}},
                        "exclude": {"type": "array", "items": {"type": "string"}},
                        "answered_message_id": {"type": "integer"},
                        "template_id": {"type": "integer"},
                        "confirm": {"type": "boolean"},
                        "promise_by": {"type": "string", "format": "date-time"},
                        "attachments": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                }
            },
        },
    }
}


async def _read_reply(request: Request) -> tuple[ReplyIn, list[OutgoingAttachment]]:
    """The reply from a JSON or a multipart body, validated the same way."""
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            async with request.form(max_files=MAX_FILES, max_fields=200) as form:
                files = await read_attachments(form.getlist("attachments"))
                return ReplyIn.model_validate(_form_fields(form.multi_items())), files
        return ReplyIn.model_validate_json(await request.body()), []
    except ValidationError as exc:
        raise Invalid(_validation_message(exc)) from None


def _form_fields(items: list[tuple[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {"cc": [], "bcc": [], "exclude": []}
    for name, value in items:
        if name == "attachments" or not isinstance(value, str):
            continue
        if name in ("cc", "bcc", "exclude"):
            fields[name].append(value)
        elif value or name == "body_text":
            fields[name] = value
    return fields


async def read_attachments(items: Sequence[UploadFile | str]) -> list[OutgoingAttachment]:
    """The files of a multipart reply, for the API and the web composer alike: at most
    `MAX_FILES`, each within 25 MB. A file input left empty posts a part without a name or
    bytes, which is no file."""
    uploads = [
        item for item in items if isinstance(item, UploadFile) and (item.filename or item.size)
    ]
    if len(uploads) > MAX_FILES:
        raise Invalid(f"a reply takes at most {MAX_FILES} attachments, not {len(uploads)}")
    return [await _attachment(upload) for upload in uploads]


async def _attachment(upload: UploadFile) -> OutgoingAttachment:
    data = await upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise Invalid(f"attachment {upload.filename!r} is larger than 25 MB")
    return OutgoingAttachment(
        filename=upload.filename or "attachment",
        content_type=upload.content_type or "application/octet-stream",
        data=data,
    )


def _validation_message(exc: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors(include_url=False)
    ]
    return "invalid reply: " + "; ".join(problems)


@router.post(
    "/conversations/{id}/reply",
    status_code=status.HTTP_201_CREATED,
    response_model_by_alias=True,
    openapi_extra=_REPLY_BODY,
)
async def reply(
    id: int, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> OutgoingOut:
    """Answers the conversation in its Gmail thread, to everyone on it unless `mode` is
    `sender`. The reply waits `TANDEM_UNDO_SEND_SECONDS` (cancel it with DELETE /outbox/{id});
    with 0 it is sent before this answers."""
    body, attachments = await _read_reply(request)
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    if body.template_id is not None:
        body = _with_template(session, body, conversation, user)
    now = utcnow()
    queued, found = queue_agent_reply(
        session,
        conversation=conversation,
        user=user,
        body=body,
        attachments=attachments,
        now=now,
        delay=timedelta(seconds=settings.undo_send_seconds),
    )
    session.commit()
    message_id = id_of(queued.message)
    if settings.undo_send_seconds == 0:
        send_now(request, settings, message_id, now)
    session.expire_all()
    message = get_scoped(session, Message, message_id, user.workspace_id)
    answer = outgoing_out(
        session, message, RecipientDiffOut(added=queued.added, dropped=queued.dropped)
    )
    if found is not None:
        answer.detected_promise = DetectedPromiseOut(
            due_at=found.due_at, phrase=found.phrase, language=found.language
        )
    return answer


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
    """All an agent's reply does before the commit, for the API and the web composer: the
    pre-send check, the queued reply, the promise it makes or, failing that, the promise its
    text seems to make (for the agent to confirm)."""
    hold_internal_context(
        session,
        workspace_id=user.workspace_id,
        conversation_id=conversation.id,
        text=body.body_text,
        html=body.body_html,
        confirmed=body.confirm,
    )
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
    return queued, detect_promise(body.body_text, now=now, timezone=zone)


def send_now(request: Request, settings: Settings, message_id: int, now: datetime) -> None:
    """Sends without waiting for the scheduler (no undo window, or a retry); a sent reply is
    announced as message.sent."""
    engine = request.app.state.engine
    outcome = send_reply(engine=engine, settings=settings, message_id=message_id, now=now)
    if outcome is not None and outcome.sent:
        announce_sent(engine, [message_id], now)


def _with_template(
    session: Session, body: ReplyIn, conversation: Conversation, user: User
) -> ReplyIn:
    if body.body_text.strip() or body.body_html:
        raise Invalid("give either body_text/body_html or template_id, not both")
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


class PromiseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"promise_by": "2026-11-27T15:00:00Z"}]}
    )

    promise_by: AwareDatetime = Field(description="When the client will hear back.")


@router.post("/conversations/{id}/promise")
def promise(id: int, body: PromiseIn, user: CurrentUser, session: SessionDep) -> ConversationOut:
    """Promises the client an answer by a time: the owner is reminded 30 minutes before and at
    the time; a reply sent before it keeps the promise, otherwise it is broken."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    make_promise(
        session, conversation=conversation, user=user, due_at=body.promise_by, now=utcnow()
    )
    session.commit()
    return ConversationOut.model_validate(conversation, from_attributes=True)


@router.get("/outbox")
def list_outbox(
    user: CurrentUser,
    session: SessionDep,
    state: Annotated[Literal["queued", "sending", "failed"] | None, Query()] = None,
    conversation_id: int | None = None,
) -> list[OutgoingOut]:
    """Replies not yet in Gmail: waiting in their undo window, being sent, or failed."""
    query = select(Message).where(
        Message.workspace_id == user.workspace_id,
        Message.direction == Direction.OUTBOUND,
        col(Message.state).in_([state] if state else OUTBOX_STATES),
    )
    if conversation_id is not None:
        query = query.where(Message.conversation_id == conversation_id)
    rows = session.exec(query.order_by(col(Message.created_at), col(Message.id)).limit(200))
    return [outgoing_out(session, row) for row in rows]


@router.get("/outbox/{id}", response_model_by_alias=True)
def read_outgoing(id: int, user: CurrentUser, session: SessionDep) -> OutgoingOut:
    return outgoing_out(session, _outgoing(session, id, user))


@router.delete("/outbox/{id}", response_model_by_alias=True)
def cancel_outgoing(id: int, user: CurrentUser, session: SessionDep) -> OutgoingOut:
    """Cancels a reply in its undo window (409 once it is on its way); its text stays."""
    message = _outgoing(session, id, user)
    cancel_reply(session=session, message=message, actor=user, now=utcnow())
    session.commit()
    return outgoing_out(session, message)


@router.post("/outbox/{id}/retry", response_model_by_alias=True)
def retry_outgoing(
    id: int, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> OutgoingOut:
    """Sends a failed reply again, now."""
    message = _outgoing(session, id, user)
    now = utcnow()
    retry_reply(session=session, message=message, now=now)
    session.commit()
    send_now(request, settings, id, now)
    session.expire_all()
    return outgoing_out(session, _outgoing(session, id, user))


def _outgoing(session: Session, id: int, user: User) -> Message:
    message = get_scoped(session, Message, id, user.workspace_id)
    if message.direction != Direction.OUTBOUND or message.kind is None:
        raise NotFound(f"outgoing message {id} not found")
    return message
