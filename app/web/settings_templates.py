"""Settings > Templates: create, edit, delete and preview canned replies through
`inbox.canned_replies`, the functions and request models `/api/v1/templates` uses, so a
template is checked here exactly as there (unknown variables, syntax, duplicate names, and the
hold on text that looks internal until "Save anyway").

The preview renders what is typed, unsaved, for the workspace's newest conversation, with the
signed-in admin as the agent: what the composer would put in the reply box.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import Conflict, TandemError
from app.core.i18n import gettext as _
from app.core.models import Conversation, Template, User, utcnow
from app.http.dependencies import SessionDep
from app.http.refusals import refused
from app.web.pages import is_htmx, render
from app.web.settings_pages import (
    FORM_ERROR,
    Errors,
    WebAdmin,
    done,
    settings_page,
    validation_errors,
)
from inbox.canned_replies import (
    TemplateIn,
    TemplatePatchIn,
    add_template,
    change_template,
    remove_template,
    templates_of,
)
from inbox.templates import TemplateError, check_template, described_variables, render_for

router = APIRouter()

BODIES = ("body_text", "body_html")


class TemplateForm(BaseModel):
    """`id` is set when an existing template is edited."""

    id: Annotated[str, Field(pattern=r"^[0-9]*$")] = ""
    name: str = ""
    body_text: str = ""
    body_html: str = ""
    confirm: bool = False

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "body_text": self.body_text,
            "body_html": self.body_html if self.body_html.strip() else None,
            "confirm": self.confirm,
        }


def templates_page(
    request: Request,
    session: Session,
    admin: User,
    form: TemplateForm | None = None,
    *,
    errors: Errors | None = None,
    preview: dict[str, Any] | None = None,
    held: bool = False,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    """The list with a new template's form, or, when `form.id` is set, that template's form."""
    form = form or TemplateForm()
    context = {
        "section": "templates",
        "templates": templates_of(session, admin.workspace_id),
        "form": form.model_dump(),
        "errors": errors or {},
        "preview": preview,
        "held": held,
        "variables": described_variables(),
    }
    name = "settings_template.html" if form.id else "settings_templates.html"
    return settings_page(request, session, admin, name, context, code)


@router.get("/settings/templates")
def templates(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return templates_page(request, session, admin)


def _newest_conversation(session: Session, admin: User) -> Conversation | None:
    return session.exec(
        select(Conversation)
        .where(Conversation.workspace_id == admin.workspace_id)
        .order_by(col(Conversation.id).desc())
    ).first()


def _rendered(
    session: Session, admin: User, conversation: Conversation | None, field: str, body: str
) -> str | None:
    """One body as the composer would fill it in; without a conversation only checked."""
    if conversation is None:
        check_template(body)
        return None
    draft = Template(workspace_id=admin.workspace_id, name="preview", body_text="")
    setattr(draft, field, body)
    text, html = render_for(session, draft, conversation, admin)
    return html if field == "body_html" else text


def _preview(session: Session, admin: User, form: TemplateForm) -> tuple[dict[str, Any], Errors]:
    conversation = _newest_conversation(session, admin)
    errors: Errors = {}
    if form.name:
        try:
            TemplatePatchIn(name=form.name)
        except ValidationError as exc:
            errors.update(validation_errors(exc))
    shown: dict[str, Any] = {"conversation": conversation, "body_text": None, "body_html": None}
    for field in BODIES:
        body = getattr(form, field)
        if body.strip():
            try:
                shown[field] = _rendered(session, admin, conversation, field, body)
            except TemplateError as exc:
                errors[field] = str(exc)
    return shown, errors


@router.post("/settings/templates/preview")
def preview(
    request: Request, admin: WebAdmin, session: SessionDep, form: Annotated[TemplateForm, Form()]
) -> HTMLResponse:
    """With htmx only the preview is swapped in (always 200, so htmx shows the errors too)."""
    shown, errors = _preview(session, admin, form)
    if is_htmx(request):
        context = {"preview": shown, "errors": errors}
        return render(request, session, admin, "_settings_template_preview.html", context)
    code = 422 if errors else status.HTTP_200_OK
    return templates_page(request, session, admin, form, errors=errors, preview=shown, code=code)


def _refused(
    request: Request, session: Session, admin: User, form: TemplateForm, exc: Exception
) -> HTMLResponse:
    """The form again with the refusal beside the field it names; a clash of names and a hold
    are both conflicts, but only a hold (which concerns no one field) offers "Save anyway"."""
    if isinstance(exc, ValidationError):
        errors = validation_errors(exc)
        return templates_page(request, session, admin, form, errors=errors, code=422)
    message = refused(session, exc)
    field = exc.field if isinstance(exc, TandemError) else None
    held = isinstance(exc, Conflict) and field is None
    code = exc.status_code if isinstance(exc, TandemError) else 422
    return templates_page(
        request, session, admin, form, errors={field or FORM_ERROR: message}, held=held, code=code
    )


@router.post("/settings/templates")
def create(
    request: Request, admin: WebAdmin, session: SessionDep, form: Annotated[TemplateForm, Form()]
) -> Response:
    try:
        body = TemplateIn.model_validate(form.fields())
        saved = add_template(session=session, author=admin, body=body, now=utcnow())
    except (ValidationError, TandemError) as exc:
        return _refused(request, session, admin, form.model_copy(update={"id": ""}), exc)
    said = _("Template “%(name)s” created.") % {"name": saved.name}
    return done(request, "/settings/templates", said)


@router.get("/settings/templates/{id}")
def edit(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    row = get_scoped(session, Template, id, admin.workspace_id)
    form = TemplateForm(
        id=str(row.id), name=row.name, body_text=row.body_text, body_html=row.body_html or ""
    )
    return templates_page(request, session, admin, form)


@router.post("/settings/templates/{id}")
def save(
    id: int,
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    form: Annotated[TemplateForm, Form()],
) -> Response:
    get_scoped(session, Template, id, admin.workspace_id)
    form = form.model_copy(update={"id": str(id)})
    try:
        body = TemplatePatchIn.model_validate(form.fields())
        saved = change_template(
            session=session, editor=admin, template_id=id, body=body, now=utcnow()
        )
    except (ValidationError, TandemError) as exc:
        return _refused(request, session, admin, form, exc)
    said = _("Template “%(name)s” saved.") % {"name": saved.name}
    return done(request, "/settings/templates", said)


@router.post("/settings/templates/{id}/delete")
def delete(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    name = get_scoped(session, Template, id, admin.workspace_id).name
    remove_template(session=session, actor=admin, template_id=id)
    said = _("Template “%(name)s” deleted.") % {"name": name}
    return done(request, "/settings/templates", said)
