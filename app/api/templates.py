"""`/api/v1/templates`: the workspace's canned replies, their variables and a preview.

Any member lists, writes and previews templates; only the author or an admin deletes one. A
template is checked when saved, so an unknown variable is refused then, not discovered when a
client receives an empty greeting: the rules are `inbox.canned_replies`' (the settings page
calls the same functions), the template language is `inbox.templates`.
"""

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from app.core.db import get_scoped
from app.core.models import Conversation, Template, utcnow
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox import canned_replies
from inbox.canned_replies import TEXT_EXAMPLE, TemplateIn, TemplatePatchIn
from inbox.templates import described_variables, render_for

router = APIRouter(prefix="/templates", tags=["templates"])


class TemplateOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "name": "Refund sent",
                    "body_text": TEXT_EXAMPLE,
                    "body_html": None,
                    "created_by_id": 7,
                    "created_at": "2026-11-20T09:00:00Z",
                    "updated_at": "2026-11-20T09:00:00Z",
                }
            ]
        }
    )

    id: int
    name: str
    body_text: str
    body_html: str | None
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime


class VariableOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "contact.first_name", "description": "The first word of the client's name"}
            ]
        }
    )

    name: str = Field(examples=["contact.first_name"])
    description: str


class RenderIn(BaseModel):
    conversation_id: int = Field(examples=[42])


class RenderedOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"body_text": "Hello Anna,\n\nyour request is #42.", "body_html": None}]
        }
    )

    body_text: str
    body_html: str | None


def template_out(row: Template) -> TemplateOut:
    return TemplateOut.model_validate(row, from_attributes=True)


@router.get("")
def list_templates(user: CurrentUser, session: SessionDep) -> list[TemplateOut]:
    return [template_out(row) for row in canned_replies.templates_of(session, user.workspace_id)]


@router.get("/variables", operation_id="listTemplateVariables")
def list_variables(user: CurrentUser) -> list[VariableOut]:
    """The variables a template may use, as `{{ name }}`."""
    return [
        VariableOut(name=name, description=text) for name, text in described_variables().items()
    ]


@router.post("", status_code=status.HTTP_201_CREATED)
def add_template(body: TemplateIn, user: CurrentUser, session: SessionDep) -> TemplateOut:
    row = canned_replies.add_template(session=session, author=user, body=body, now=utcnow())
    return template_out(row)


@router.get("/{id}")
def read_template(id: int, user: CurrentUser, session: SessionDep) -> TemplateOut:
    return template_out(get_scoped(session, Template, id, user.workspace_id))


@router.patch("/{id}")
def change_template(
    id: int, body: TemplatePatchIn, user: CurrentUser, session: SessionDep
) -> TemplateOut:
    row = canned_replies.change_template(
        session=session, editor=user, template_id=id, body=body, now=utcnow()
    )
    return template_out(row)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_template(id: int, user: CurrentUser, session: SessionDep) -> Response:
    """The author or an admin only, so a colleague cannot remove an answer someone else keeps."""
    canned_replies.remove_template(session=session, actor=user, template_id=id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{id}/render")
def render_template(id: int, body: RenderIn, user: CurrentUser, session: SessionDep) -> RenderedOut:
    """A preview for one conversation with the caller as the agent and the conversation's SLA
    due time as `reply_due`; nothing is sent or stored."""
    row = get_scoped(session, Template, id, user.workspace_id)
    conversation = get_scoped(session, Conversation, body.conversation_id, user.workspace_id)
    text, html = render_for(session, row, conversation, user)
    return RenderedOut(body_text=text, body_html=html)
