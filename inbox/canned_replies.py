"""The workspace's canned replies as members keep them: listing, adding, changing and deleting
templates, with the checks a saved template must pass.

A template is checked when saved (its syntax and variables, a name no other template of the
workspace has in any case, and the hold on text that looks internal until it is confirmed), so
an unknown variable is refused then, not discovered when a client receives an empty greeting.
The REST API and the settings page validate with `TemplateIn`/`TemplatePatchIn` and call these
functions, so both accept and refuse the same templates. The template language itself is
`inbox.templates`. A reply the team sent can become a template too (`save_reply_as_template`),
checked the same way, its greeting naming the next client through the name variables.
Flushes, never commits.
"""

import re
from datetime import datetime
from typing import Annotated, cast

from pydantic import BaseModel, Field, StringConstraints, ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.i18n import gettext as _
from app.core.models import Conversation, Direction, Message, MessageState, Role, Template, User
from app.core.plain_text import ONE_LINE
from inbox.presend import hold_internal_context
from inbox.templates import TemplateContext, TemplateError, check_template, context_for

MAX_BODY = 50_000

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    ONE_LINE,
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


class ReplyTemplateIn(BaseModel):
    name: Name | None = Field(
        default=None, description="The template's name; the conversation's subject if left out."
    )
    confirm: bool = CONFIRM


def templates_of(session: Session, workspace_id: int) -> list[Template]:
    """By name as the picker shows them, case aside."""
    query = (
        select(Template)
        .where(Template.workspace_id == workspace_id)
        .order_by(func.lower(col(Template.name)), col(Template.id))
    )
    return list(session.exec(query))


def add_template(*, session: Session, author: User, body: TemplateIn, now: datetime) -> Template:
    _check_body("body_text", body.body_text)
    _check_body("body_html", body.body_html)
    _check_name_free(session, author.workspace_id, body.name, None)
    _hold(session, author, body.body_text, body.body_html, body.confirm)
    row = Template(
        workspace_id=author.workspace_id,
        created_by_id=author.id,
        created_at=now,
        updated_at=now,
        **body.model_dump(exclude={"confirm"}),
    )
    session.add(row)
    session.flush()
    return row


def change_template(
    *, session: Session, editor: User, template_id: int, body: TemplatePatchIn, now: datetime
) -> Template:
    """Any member may change any template of the workspace."""
    row = get_scoped(session, Template, template_id, editor.workspace_id)
    changes = body.model_dump(exclude_unset=True, exclude={"confirm"})
    changes = {k: v for k, v in changes.items() if v is not None or k == "body_html"}
    _check_body("body_text", changes.get("body_text"))
    _check_body("body_html", changes.get("body_html"))
    _hold(session, editor, changes.get("body_text", ""), changes.get("body_html"), body.confirm)
    if "name" in changes:
        _check_name_free(session, editor.workspace_id, changes["name"], row.id)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = now
    session.add(row)
    session.flush()
    return row


def remove_template(*, session: Session, actor: User, template_id: int) -> None:
    """The author or an admin only, so a colleague cannot remove an answer someone else keeps."""
    row = get_scoped(session, Template, template_id, actor.workspace_id)
    if actor.role != Role.ADMIN and row.created_by_id != actor.id:
        raise Forbidden(_("only the template's author or an admin may delete it"))
    session.delete(row)
    session.flush()


def _check_body(field: str, text: str | None) -> None:
    """Names the field in the message, since a template has two bodies, and on the error, so
    a form shows it beside that body."""
    if text is None:
        return
    html = field == "body_html"
    if not text.strip():
        blank = _("body_html must not be blank") if html else _("body_text must not be blank")
        raise Invalid(blank, field=field)
    try:
        check_template(text)
    except TemplateError as exc:
        said = _("body_html: %(error)s") if html else _("body_text: %(error)s")
        raise TemplateError(said % {"error": exc}, field=field) from None


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
        raise Conflict(_("a template named %(name)r already exists") % {"name": name}, field="name")


def save_reply_as_template(
    *, session: Session, author: User, message_id: int, body: ReplyTemplateIn, now: datetime
) -> Template:
    """A sent reply's own text (without the history it quoted) as a new template of the
    workspace, checked as any template is."""
    message = get_scoped(session, Message, message_id, author.workspace_id)
    if message.direction != Direction.OUTBOUND or message.state != MessageState.SENT:
        raise Invalid(_("only a reply the team has sent can be saved as a template"))
    text = (message.visible_text or message.text_body).strip()
    if not text:
        raise Invalid(_("this reply has no text to save as a template"))
    conversation = session.get(Conversation, message.conversation_id)
    if conversation is not None:
        text = _greeting_for_any_client(text, context_for(session, conversation, None))
    name = body.name or default_template_name(conversation)
    try:
        template = TemplateIn(name=name, body_text=text, confirm=body.confirm)
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        raise Invalid(f"{problem['loc'][0]}: {problem['msg']}") from None
    return add_template(session=session, author=author, body=template, now=now)


def _greeting_for_any_client(text: str, context: TemplateContext) -> str:
    """The greeting (the reply's first line) names the next client, not this one: their name
    as the template would print it becomes its variable, the whole name first, then the first
    name ("Hello Anna," becomes "Hello {{ contact.first_name }},")."""
    if not context.contact_email:
        return text
    contact = cast(dict[str, str], context.variables()["contact"])
    lead, newline, rest = text.lstrip().partition("\n")
    names = [
        (contact["name"], "{{ contact.name }}"),
        (contact["first_name"], "{{ contact.first_name }}"),
    ]
    if contact["name"] == contact["first_name"]:
        names = names[1:]
    for name, variable in names:
        if name:
            lead = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", variable, lead, flags=re.IGNORECASE)
    return lead + newline + rest


def default_template_name(conversation: Conversation | None) -> str:
    """The conversation's subject on one line, as long as a name may be."""
    subject = " ".join((conversation.subject if conversation else "").split())
    return subject[:200] or _("Saved reply")
