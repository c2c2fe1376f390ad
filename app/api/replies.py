"""Replying: `POST /conversations/{id}/reply` and the outbox of replies waiting in their undo
window or failed (`/outbox`).

A reply is JSON, or multipart/form-data when it carries attachments (the same fields as form
fields, files as `attachments`), read by an async dependency so the route itself runs in the
thread pool. The use case is `inbox.replying.queue_agent_reply`; the rules of the outbox are
`gmail_sync.send`'s. This module maps HTTP, and never sends: a reply due at once goes to the
outbox job after the response (`app.http.outbox`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formataddr
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from sqlmodel import Session, col, select

from app.api.conversations import AttachmentOut, ConversationOut
from app.core.db import get_scoped
from app.core.errors import Invalid
from app.core.models import (
    Attachment,
    Conversation,
    Direction,
    Message,
    MessageState,
    id_of,
    utcnow,
)
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from app.http.outbox import OutboxDep
from app.http.uploads import MAX_FILES, read_attachments, text_fields
from gmail_sync.compose import OutgoingAttachment
from gmail_sync.send import QueuedReply, outgoing_message, retry_reply
from inbox.promise_text import DetectedPromise
from inbox.promises import make_promise
from inbox.replying import ReplyIn, queue_agent_reply
from inbox.send_and_mark import cancel_and_unmark

router = APIRouter(tags=["replies"])

OUTBOX_STATES = (MessageState.QUEUED, MessageState.SENDING, MessageState.FAILED)


class RecipientDiffOut(BaseModel):
    added: list[str] = Field(description="Addresses not on the thread before this reply.")
    dropped: list[str] = Field(description="Thread participants this reply does not go to.")


class DetectedPromiseOut(BaseModel):
    due_at: datetime
    phrase: str = Field(description="The words of the reply that promise it.")
    language: str
    reason: str | None = Field(
        default=None,
        description="Why the time differs from the words: the day they name is closed "
        "(«завтра — суббота, выходной»), so the next working day is proposed.",
    )


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
                        "reason": None,
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
            "application/json": {"schema": ReplyIn.model_json_schema()},
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


@dataclass(frozen=True)
class PostedReply:
    body: ReplyIn
    attachments: list[OutgoingAttachment]


async def posted_reply(request: Request) -> PostedReply:
    """The reply from a JSON or a multipart body, validated the same way."""
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            async with request.form(max_files=MAX_FILES, max_fields=200) as form:
                files = await read_attachments(form.getlist("attachments"))
                return PostedReply(ReplyIn.model_validate(_form_fields(text_fields(form))), files)
        return PostedReply(ReplyIn.model_validate_json(await request.body()), [])
    except ValidationError as exc:
        raise Invalid(_validation_message(exc)) from None


def _form_fields(items: list[tuple[str, str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {"cc": [], "bcc": [], "exclude": []}
    for name, value in items:
        if name == "attachments":
            continue
        if name in ("cc", "bcc", "exclude"):
            fields[name].append(value)
        elif value or name == "body_text":
            fields[name] = value
    return fields


def _validation_message(exc: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors(include_url=False)
    ]
    return "invalid reply: " + "; ".join(problems)


@router.post(
    "/conversations/{id}/reply",
    operation_id="replyToConversation",
    status_code=status.HTTP_201_CREATED,
    response_model_by_alias=True,
    openapi_extra=_REPLY_BODY,
)
def reply(
    id: int,
    user: CurrentUser,
    posted: Annotated[PostedReply, Depends(posted_reply)],
    session: SessionDep,
    outbox: OutboxDep,
) -> OutgoingOut:
    """Answers the conversation in its Gmail thread, to everyone on it unless `mode` is
    `sender`. The reply waits `TANDEM_UNDO_SEND_SECONDS` (cancel it with DELETE /outbox/{id});
    with 0 it is sent right after this answers, so the answer says `queued` and
    GET /outbox/{id} shows it sent."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    queued, found = queue_agent_reply(
        session,
        conversation=conversation,
        user=user,
        body=posted.body,
        attachments=posted.attachments,
        now=utcnow(),
        delay=outbox.undo_window,
    )
    outbox.send_new_after_response()
    return _reply_out(session, queued, found)


def _reply_out(session: Session, queued: QueuedReply, found: DetectedPromise | None) -> OutgoingOut:
    answer = outgoing_out(
        session, queued.message, RecipientDiffOut(added=queued.added, dropped=queued.dropped)
    )
    if found is not None:
        answer.detected_promise = DetectedPromiseOut(
            due_at=found.due_at, phrase=found.phrase, language=found.language, reason=found.reason
        )
    return answer


class PromiseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"promise_by": "2026-11-27T15:00:00Z"}]}
    )

    promise_by: AwareDatetime = Field(description="When the client will hear back.")

    @field_validator("promise_by")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """Stored, answered and named in the owner's reminders as UTC, whatever offset it came
        with."""
        return value.astimezone(UTC)


@router.post("/conversations/{id}/promise", operation_id="promiseReply")
def promise(id: int, body: PromiseIn, user: CurrentUser, session: SessionDep) -> ConversationOut:
    """Promises the client an answer by a time: the owner is reminded 30 minutes before and at
    the time; a reply sent before it keeps the promise, otherwise it is broken."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    make_promise(
        session, conversation=conversation, user=user, due_at=body.promise_by, now=utcnow()
    )
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
    return outgoing_out(session, outgoing_message(session, id, user.workspace_id))


@router.delete("/outbox/{id}", response_model_by_alias=True)
def cancel_outgoing(id: int, user: CurrentUser, session: SessionDep) -> OutgoingOut:
    """Cancels a reply in its undo window (409 once it is on its way); its text stays."""
    message = outgoing_message(session, id, user.workspace_id)
    cancel_and_unmark(session, message=message, actor=user, now=utcnow())
    return outgoing_out(session, message)


@router.post("/outbox/{id}/retry", response_model_by_alias=True)
def retry_outgoing(
    id: int, user: CurrentUser, session: SessionDep, outbox: OutboxDep
) -> OutgoingOut:
    """Sends a failed reply again, right after this answers (`queued`; GET /outbox/{id} shows
    it sent, or failed again with Gmail's reason)."""
    message = outgoing_message(session, id, user.workspace_id)
    retry_reply(session=session, message=message, now=utcnow())
    outbox.send_due_after_response()
    return outgoing_out(session, message)
