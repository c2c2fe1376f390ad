"""`/api/v1/templates`: the workspace's canned replies, their variables and a preview.

Any member lists, writes and previews templates; only the author or an admin deletes one. A
template is checked when saved, so an unknown variable is refused then, not discovered when a
client receives an empty greeting. The template language is `inbox.templates`.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.models import Conversation, Role, Template, User, utcnow
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.presend import hold_internal_context
from inbox.templates import (
    VARIABLES,
    TemplateError,
    check_template,
    render_for,
)

router = APIRouter(prefix="/templates", tags=["templates"])

MAX_BODY = 50_000

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Field(examples=["Promise a reply"]),
]
Body = Annotated[str, Field(min_length=1, max_length=MAX_BODY)]

TEXT_EXAMPLE = (
    "Hello {{ contact.first_name }},\n\n"
    "thank you for writing; your request is #{{ conversation.number }}.\n"
    "{% if promised_time %}\nI will come back to you by {{ promised_time }}.\n{% endif %}\n\n"
    "{{ agent.name }}\n"
)
HTML_EXAMPLE = (
    "<p>Hello {{ contact.first_name }},</p><p>your request is #{{ conversation.number }}.</p>"
)


CONFIRM = Field(
    default=False,
    description="Save although the pre-send check held it: a template that @mentions a "
    "teammate would show that to every client it goes to (409).",
)


class TemplateIn(BaseModel):
    name: Name
    body_text: Body = Field(examples=[TEXT_EXAMPLE])
    body_html: Body | None = Field(
        default=None,
        examples=[HTML_EXAMPLE],
        description="Optional HTML version; variables are HTML-escaped in it.",
    )
    confirm: bool = CONFIRM


class TemplatePatchIn(BaseModel):
    """Only the fields sent change; `body_html: null` removes the HTML version."""

    name: Name | None = None
    body_text: Body | None = None
    body_html: Body | None = None
    confirm: bool = CONFIRM

    model_config = {
        "json_schema_extra": {
            "examples": [{"name": "Thanks"}, {"body_text": "Thank you, {{ contact.first_name }}!"}]
        }
    }


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


def _check_body(field: str, text: str | None) -> None:
    """Names the field in the message, since a template has two bodies."""
    if text is None:
        return
    if not text.strip():
        raise Invalid(f"{field} must not be blank")
    try:
        check_template(text)
    except TemplateError as exc:
        raise TemplateError(f"{field}: {exc}") from None


def _hold(session: Session, user: User, text: str, html: str | None, confirmed: bool) -> None:
    hold_internal_context(
        session,
        workspace_id=user.workspace_id,
        conversation_id=None,
        text=text,
        html=html,
        confirmed=confirmed,
    )


def _check_name_free(session: Session, workspace_id: int, name: str, own_id: int | None) -> None:
    """Case-insensitive, so "Thanks" and "thanks" never sit side by side in the picker."""
    clash = session.exec(
        select(Template.id).where(
            Template.workspace_id == workspace_id,
            func.lower(col(Template.name)) == name.lower(),
            col(Template.id) != (own_id or 0),
        )
    ).first()
    if clash is not None:
        raise Conflict(f"a template named {name!r} already exists")


@router.get("")
def list_templates(user: CurrentUser, session: SessionDep) -> list[TemplateOut]:
    rows = session.exec(
        select(Template)
        .where(Template.workspace_id == user.workspace_id)
        .order_by(func.lower(col(Template.name)), col(Template.id))
    )
    return [template_out(row) for row in rows]


@router.get("/variables")
def list_variables(user: CurrentUser) -> list[VariableOut]:
    """The variables a template may use, as `{{ name }}`."""
    return [VariableOut(name=name, description=text) for name, text in VARIABLES.items()]


@router.post("", status_code=status.HTTP_201_CREATED)
def add_template(body: TemplateIn, user: CurrentUser, session: SessionDep) -> TemplateOut:
    _check_body("body_text", body.body_text)
    _check_body("body_html", body.body_html)
    _check_name_free(session, user.workspace_id, body.name, None)
    _hold(session, user, body.body_text, body.body_html, body.confirm)
    row = Template(
        workspace_id=user.workspace_id,
        created_by_id=user.id,
        **body.model_dump(exclude={"confirm"}),
    )
    session.add(row)
    session.commit()
    return template_out(row)


@router.get("/{id}")
def read_template(id: int, user: CurrentUser, session: SessionDep) -> TemplateOut:
    return template_out(get_scoped(session, Template, id, user.workspace_id))


@router.patch("/{id}")
def change_template(
    id: int, body: TemplatePatchIn, user: CurrentUser, session: SessionDep
) -> TemplateOut:
    row = get_scoped(session, Template, id, user.workspace_id)
    changes = body.model_dump(exclude_unset=True, exclude={"confirm"})
    changes = {k: v for k, v in changes.items() if v is not None or k == "body_html"}
    _check_body("body_text", changes.get("body_text"))
    _check_body("body_html", changes.get("body_html"))
    _hold(session, user, changes.get("body_text", ""), changes.get("body_html"), body.confirm)
    if "name" in changes:
        _check_name_free(session, user.workspace_id, changes["name"], row.id)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    session.commit()
    return template_out(row)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_template(id: int, user: CurrentUser, session: SessionDep) -> Response:
    """The author or an admin only, so a colleague cannot remove an answer someone else keeps."""
    row = get_scoped(session, Template, id, user.workspace_id)
    if user.role != Role.ADMIN and row.created_by_id != user.id:
        raise Forbidden("only the template's author or an admin may delete it")
    session.delete(row)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{id}/render")
def render_template(id: int, body: RenderIn, user: CurrentUser, session: SessionDep) -> RenderedOut:
    """A preview for one conversation with the caller as the agent and the conversation's SLA
    due time as `reply_due`; nothing is sent or stored."""
    row = get_scoped(session, Template, id, user.workspace_id)
    conversation = get_scoped(session, Conversation, body.conversation_id, user.workspace_id)
    text, html = render_for(session, row, conversation, user)
    return RenderedOut(body_text=text, body_html=html)
