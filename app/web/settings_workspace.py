"""Settings > Workspace: the team's name, its time zone (times picked such as "today 17:00",
reminder e-mails, and pages for members who chose no zone of their own) and the language it
writes to clients in, saved by `inbox.workspace_settings.change_workspace` with
`WorkspacePatchIn`, as `PATCH /api/v1/workspace` saves them. The zone is picked from the IANA
names this server knows, so a typo cannot reach the check."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.core.accounts import workspace_of
from app.core.i18n import LANGUAGES, language_name
from app.core.i18n import gettext as _
from app.core.models import User
from app.http.dependencies import SessionDep
from app.web.settings_pages import (
    Errors,
    WebAdmin,
    done,
    settings_page,
    validation_errors,
    zones,
)
from inbox.workspace_settings import WorkspacePatchIn, change_workspace

router = APIRouter()


class WorkspaceForm(BaseModel):
    name: str = ""
    timezone: str = ""
    language: str = ""


def workspace_page(
    request: Request,
    session: Session,
    admin: User,
    form: WorkspaceForm | None = None,
    errors: Errors | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    if form is None:
        workspace = workspace_of(session, admin.workspace_id)
        form = WorkspaceForm(
            name=workspace.name, timezone=workspace.timezone, language=workspace.language
        )
    context = {
        "section": "workspace",
        "form": form.model_dump(),
        "errors": errors or {},
        "zones": zones(),
        "languages": [(code, language_name(code)) for code in LANGUAGES],
    }
    return settings_page(request, session, admin, "settings_workspace.html", context, code)


@router.get("/settings/workspace")
def workspace(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return workspace_page(request, session, admin)


@router.post("/settings/workspace")
def save_workspace(
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    form: Annotated[WorkspaceForm, Form()],
) -> Response:
    try:
        body = WorkspacePatchIn(
            name=form.name.strip(), timezone=form.timezone, language=form.language or None
        )
    except ValidationError as exc:
        return workspace_page(request, session, admin, form, validation_errors(exc), 422)
    change_workspace(session=session, workspace_id=admin.workspace_id, body=body)
    return done(request, "/settings/workspace", _("Workspace settings saved."))
