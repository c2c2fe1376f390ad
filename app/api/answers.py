"""Answers that worked before: a conversation's similar closed conversations with the reply
that closed each (`inbox.similar_answers`), and a sent reply saved as a template
(`inbox.canned_replies.save_reply_as_template`, checked as any template is)."""

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from app.api.templates import TemplateOut, template_out
from app.core.db import get_scoped
from app.core.models import Conversation, utcnow
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.canned_replies import ReplyTemplateIn, save_reply_as_template
from inbox.similar_answers import similar_answers

router = APIRouter(tags=["answers"])


class SimilarOut(BaseModel):
    """`score` is the share (0..1) of the searched words' weight the conversation holds;
    `language` ("en", "ru") is null when its text is too short to tell; `answer_text` is the
    last reply the team sent before closing it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conversation_id": 311,
                    "subject": "Export of invoices to Excel fails",
                    "closed_at": "2026-11-12T15:04:00Z",
                    "language": "en",
                    "score": 0.62,
                    "answer_text": "Hello Anna,\n\nthe export needs the new format: ...",
                }
            ]
        }
    )

    conversation_id: int
    subject: str
    closed_at: datetime | None
    language: str | None
    score: float
    answer_text: str


@router.get("/conversations/{id}/similar", operation_id="listSimilarAnswers")
def similar(id: int, user: CurrentUser, session: SessionDep) -> list[SimilarOut]:
    """Up to five closed conversations of the workspace like this one (its subject and first
    message), in its language first, each with the reply that closed it."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    found = similar_answers(session, conversation=conversation)
    return [SimilarOut.model_validate(item, from_attributes=True) for item in found]


@router.post("/messages/{id}/template", status_code=status.HTTP_201_CREATED)
def save_as_template(
    id: int, body: ReplyTemplateIn, user: CurrentUser, session: SessionDep
) -> TemplateOut:
    """A reply the team sent, as a new template named `name` (default: the conversation's
    subject); 409 when a template has that name, or when the pre-send check holds the text
    (send again with `"confirm": true`)."""
    row = save_reply_as_template(
        session=session, author=user, message_id=id, body=body, now=utcnow()
    )
    return template_out(row)
