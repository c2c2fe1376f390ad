"""Writes on conversations: `PATCH /api/v1/conversations/{id}`, the bulk form, and the audit
trail of who changed what (`GET /api/v1/conversations/{id}/events`)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import col, select

from app.api.conversations import ConversationOut
from app.core.db import get_scoped
from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Priority,
    Template,
    User,
    id_of,
    utcnow,
)
from app.core.plain_text import ONE_LINE
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep, SettingsDep
from app.http.outbox import Outbox, OutboxDep
from inbox.changes import change_conversation, change_many
from inbox.rating_links import RatingLinks
from inbox.reading import mark_read, mark_unread
from inbox.resolution import queue_resolution

router = APIRouter(tags=["conversations"])


#: What the patch says about the change, not a field of the conversation.
NOT_CHANGES = {"send_resolution", "resolution_template_id", "confirm"}


class ConversationPatchIn(BaseModel):
    """Only the fields sent change; `assignee_id: null` unassigns."""

    status: ConversationStatus | None = None
    assignee_id: int | None = None
    priority: Priority | None = None
    tags: list[Annotated[str, Field(max_length=50), ONE_LINE]] | None = Field(
        default=None, max_length=20
    )
    snoozed_until: AwareDatetime | None = Field(
        default=None, description="Needed (in the future) when status is snoozed."
    )
    send_resolution: bool = Field(
        default=False,
        description="With status closed: tell the client it is solved, in the default text of "
        "the mailbox's language (or the canned reply `resolution_template_id` names), sent to "
        "everyone on the thread (after the undo window), followed by links that ask whether "
        "it is solved and let them rate the answer 1-5 (`GET /csat`).",
    )
    resolution_template_id: int | None = Field(
        default=None,
        description="With status closed: the resolution message is this canned reply (implies "
        "`send_resolution`).",
    )
    confirm: bool = Field(
        default=False,
        description="Send the resolution message although the pre-send check held it (409).",
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"status": "pending"},
                {"assignee_id": 7, "priority": "high", "tags": ["billing"]},
                {"status": "snoozed", "snoozed_until": "2026-12-01T09:00:00Z"},
            ]
        }
    }

    def changes(self) -> dict[str, Any]:
        sent = self.model_dump(
            exclude_unset=True, exclude={"send_resolution", "resolution_template_id", "confirm"}
        )
        for name in ("status", "priority", "tags"):
            if name in sent and sent[name] is None:
                del sent[name]
        return sent


class BulkIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=500, examples=[[12, 15, 19]])
    changes: ConversationPatchIn


class EventOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 901,
                    "actor_id": 7,
                    "action": "conversation.updated",
                    "before": {"status": "open", "assignee_id": None},
                    "after": {"status": "pending", "assignee_id": 7},
                    "details": {},
                    "created_at": "2026-11-20T10:15:00Z",
                }
            ]
        }
    )

    id: int
    actor_id: int | None
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    details: dict[str, Any]
    created_at: datetime


def _out(conversation: Conversation) -> ConversationOut:
    return ConversationOut.model_validate(conversation, from_attributes=True)


@router.patch("/conversations/{id}")
def update_conversation(
    id: int,
    body: ConversationPatchIn,
    user: CurrentUser,
    session: SessionDep,
    outbox: OutboxDep,
    settings: SettingsDep,
) -> ConversationOut:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    resolution = _resolution(session, body, user)
    now = utcnow()
    was_closed = conversation.status == ConversationStatus.CLOSED
    change_conversation(
        session=session, conversation=conversation, actor=user, changes=body.changes(), now=now
    )
    closing = [conversation] if not was_closed else []
    links = RatingLinks.of(settings)
    if _resolve(
        session, closing, resolution, user, outbox, links=links, confirmed=body.confirm, now=now
    ):
        outbox.send_new_after_response()
    return _out(conversation)


@router.post("/conversations/{id}/read")
def mark_conversation_read(id: int, user: CurrentUser, session: SessionDep) -> ConversationOut:
    """Marks it read for the whole team (the inbox's unread dot); not audited, no webhook."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    mark_read(session, conversation)
    return _out(conversation)


@router.post("/conversations/{id}/unread")
def mark_conversation_unread(id: int, user: CurrentUser, session: SessionDep) -> ConversationOut:
    """Unread again, for a teammate to pick up: its newest client message is unread."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    mark_unread(session, conversation)
    return _out(conversation)


@router.post("/conversations/bulk")
def update_conversations(
    body: BulkIn,
    user: CurrentUser,
    session: SessionDep,
    outbox: OutboxDep,
    settings: SettingsDep,
) -> list[ConversationOut]:
    """The same change on many conversations, all or nothing; a resolution message goes to
    each conversation this closes."""
    resolution = _resolution(session, body.changes, user)
    open_before = set(
        session.exec(
            select(Conversation.id).where(
                col(Conversation.id).in_(body.ids),
                Conversation.status != ConversationStatus.CLOSED,
            )
        )
    )
    now = utcnow()
    changed = change_many(
        session=session, ids=body.ids, actor=user, changes=body.changes.changes(), now=now
    )
    closing = [conversation for conversation in changed if conversation.id in open_before]
    links, confirmed = RatingLinks.of(settings), body.changes.confirm
    if _resolve(
        session, closing, resolution, user, outbox, links=links, confirmed=confirmed, now=now
    ):
        outbox.send_new_after_response()
    return [_out(conversation) for conversation in changed]


@dataclass(frozen=True)
class Resolution:
    """Whether closing tells the client, and with which canned reply (None: the default)."""

    wanted: bool
    template: Template | None


def _resolution(session: SessionDep, body: ConversationPatchIn, user: User) -> Resolution:
    if not body.send_resolution and body.resolution_template_id is None:
        return Resolution(False, None)
    if body.status != ConversationStatus.CLOSED:
        raise Invalid(_("a resolution message is sent when closing: add status closed"))
    if body.resolution_template_id is None:
        return Resolution(True, None)
    template = get_scoped(session, Template, body.resolution_template_id, user.workspace_id)
    return Resolution(True, template)


def _resolve(
    session: SessionDep,
    conversations: list[Conversation],
    resolution: Resolution,
    user: User,
    outbox: Outbox,
    *,
    links: RatingLinks,
    confirmed: bool,
    now: datetime,
) -> list[int]:
    """Queues the resolution message, with its rating links, in each conversation that was
    just closed; held (409, and nothing changes) where it would show the client internal
    context."""
    if not resolution.wanted:
        return []
    return [
        id_of(
            queue_resolution(
                session,
                conversation=conversation,
                template=resolution.template,
                author=user,
                links=links,
                confirmed=confirmed,
                now=now,
                delay=outbox.undo_window,
            )
        )
        for conversation in conversations
    ]


@router.get("/conversations/{id}/events", operation_id="listConversationEvents")
def list_events(id: int, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    """Every change to the conversation, oldest first."""
    get_scoped(session, Conversation, id, user.workspace_id)
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.conversation_id == id, AuditEvent.workspace_id == user.workspace_id)
        .order_by(col(AuditEvent.created_at), col(AuditEvent.id))
    )
    return [EventOut.model_validate(event, from_attributes=True) for event in events]
