"""Writes on conversations: `PATCH /api/v1/conversations/{id}`, the bulk form, and the audit
trail of who changed what (`GET /api/v1/conversations/{id}/events`)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import col, select

from app.api.conversations import ConversationOut
from app.auth import CurrentUser, SessionDep
from app.db import get_scoped
from app.inbox.changes import change_conversation, change_many
from app.models import AuditEvent, Conversation, ConversationStatus, Priority, utcnow

router = APIRouter(tags=["conversations"])


class ConversationPatchIn(BaseModel):
    """Only the fields sent change; `assignee_id: null` unassigns."""

    status: ConversationStatus | None = None
    assignee_id: int | None = None
    priority: Priority | None = None
    tags: list[Annotated[str, Field(max_length=50)]] | None = Field(default=None, max_length=20)
    snoozed_until: AwareDatetime | None = Field(
        default=None, description="Needed (in the future) when status is snoozed."
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
        sent = self.model_dump(exclude_unset=True)
        for name in ("status", "priority", "tags"):
            if name in sent and sent[name] is None:
                del sent[name]
        return sent


class BulkIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=500, examples=[[12, 15, 19]])
    changes: ConversationPatchIn


class EventOut(BaseModel):
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
    id: int, body: ConversationPatchIn, user: CurrentUser, session: SessionDep
) -> ConversationOut:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    change_conversation(
        session=session,
        conversation=conversation,
        actor=user,
        changes=body.changes(),
        now=utcnow(),
    )
    session.commit()
    return _out(conversation)


@router.post("/conversations/bulk")
def update_conversations(
    body: BulkIn, user: CurrentUser, session: SessionDep
) -> list[ConversationOut]:
    """The same change on many conversations, all or nothing."""
    changed = change_many(
        session=session, ids=body.ids, actor=user, changes=body.changes.changes(), now=utcnow()
    )
    session.commit()
    return [_out(conversation) for conversation in changed]


@router.get("/conversations/{id}/events")
def list_events(id: int, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    """Every change to the conversation, oldest first."""
    get_scoped(session, Conversation, id, user.workspace_id)
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.conversation_id == id, AuditEvent.workspace_id == user.workspace_id)
        .order_by(col(AuditEvent.created_at), col(AuditEvent.id))
    )
    return [EventOut.model_validate(event, from_attributes=True) for event in events]
