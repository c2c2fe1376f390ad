"""`/api/v1/contacts`: the people who write in, and each one's history with the team."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from pydantic.config import JsonDict
from sqlalchemy import func, or_
from sqlmodel import col, select

from app.api.conversations import CONVERSATION_EXAMPLE, ConversationOut
from app.core.db import get_scoped
from app.core.models import Contact, Conversation
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep

router = APIRouter(tags=["contacts"])


CONTACT_EXAMPLE: JsonDict = {
    "id": 15,
    "email": "olga@client.com",
    "name": "Olga Smirnova",
    "created_at": "2026-10-01T12:00:00Z",
}


class ContactOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CONTACT_EXAMPLE]})

    id: int
    email: str
    name: str
    created_at: datetime


class ContactDetailOut(ContactOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**CONTACT_EXAMPLE, "conversations": [CONVERSATION_EXAMPLE]}]
        }
    )

    conversations: list[ConversationOut]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@router.get("/contacts")
def list_contacts(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of a name or email.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ContactOut]:
    query = select(Contact).where(Contact.workspace_id == user.workspace_id)
    if q and q.strip():
        pattern = f"%{_escape_like(q.strip().lower())}%"
        query = query.where(
            or_(
                col(Contact.email).like(pattern, escape="\\"),
                func.lower(col(Contact.name)).like(pattern, escape="\\"),
            )
        )
    rows = session.exec(query.order_by(col(Contact.email)).offset(offset).limit(limit))
    return [ContactOut.model_validate(row, from_attributes=True) for row in rows]


@router.get("/contacts/{id}")
def read_contact(id: int, user: CurrentUser, session: SessionDep) -> ContactDetailOut:
    """The contact and every conversation they started, newest first."""
    contact = get_scoped(session, Contact, id, user.workspace_id)
    conversations = session.exec(
        select(Conversation)
        .where(Conversation.workspace_id == user.workspace_id, Conversation.contact_id == id)
        .order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
    )
    return ContactDetailOut(
        **ContactOut.model_validate(contact, from_attributes=True).model_dump(),
        conversations=[
            ConversationOut.model_validate(c, from_attributes=True) for c in conversations
        ],
    )
