"""Settings for admins: the mailboxes (connect, status, live sync progress, reconnect, sender
name and automatic acknowledgement, disconnect after a confirmation); the other sections live in
the `settings_*` modules, whose routers this one includes.

Connecting starts the same OAuth flow as `POST /api/v1/mailboxes` (`start_connection`) and
sends the admin's browser to the consent page; Google's callback finishes it. A mailbox's
settings are saved by `inbox.mailbox_settings.change_mailbox`, the service
`PATCH /api/v1/mailboxes/{id}` calls, with the same `MailboxPatchIn`; disconnecting is
`gmail_sync.connect.disconnect`, as `DELETE /api/v1/mailboxes/{id}`.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from app.core.accounts import workspace_of
from app.core.db import get_scoped
from app.core.errors import TandemError
from app.core.i18n import LANGUAGES, language_name
from app.core.i18n import gettext as _
from app.core.models import Mailbox, User, id_of, utcnow
from app.http.dependencies import SessionDep, SettingsDep
from app.http.refusals import refused
from app.web import (
    settings_mail,
    settings_queues,
    settings_sla,
    settings_team,
    settings_templates,
    settings_tokens,
    settings_webhooks,
    settings_workspace,
)
from app.web.pages import allow_consent_form, render
from app.web.settings_pages import (
    FORM_ERROR,
    Errors,
    WebAdmin,
    done,
    settings_page,
    validation_errors,
)
from gmail_sync.connect import disconnect, start_connection
from inbox.auto_ack import acknowledgement_text, is_default_text
from inbox.mailbox_settings import MailboxPatchIn, change_mailbox
from inbox.templates import client_language, described_variables

router = APIRouter()


def _mailboxes(session: Session, user: User) -> list[Mailbox]:
    return list(
        session.exec(
            select(Mailbox)
            .where(Mailbox.workspace_id == user.workspace_id)
            .order_by(col(Mailbox.id))
        )
    )


def mailboxes_page(
    request: Request, session: Session, user: User, error: str | None = None, code: int = 200
) -> HTMLResponse:
    context = {"section": "mailboxes", "mailboxes": _mailboxes(session, user), "error": error}
    page = settings_page(request, session, user, "settings.html", context, code)
    allow_consent_form(request, page)
    return page


@router.get("/settings")
def settings(request: Request, user: WebAdmin, session: SessionDep) -> HTMLResponse:
    return mailboxes_page(request, session, user)


@router.post("/settings/mailboxes")
def connect(
    request: Request,
    user: WebAdmin,
    session: SessionDep,
    app_settings: SettingsDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    """Connect (or reconnect) a mailbox: off to the consent page."""
    try:
        _mailbox, url = start_connection(
            session=session,
            settings=app_settings,
            workspace_id=user.workspace_id,
            user_id=id_of(user),
            email=email,
            now=utcnow(),
        )
    except TandemError as exc:
        return mailboxes_page(request, session, user, refused(session, exc), exc.status_code)
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/settings/mailboxes/{id}/progress")
def progress(id: int, request: Request, user: WebAdmin, session: SessionDep) -> HTMLResponse:
    """The mailbox's status and sync progress, polled while the page is open."""
    mailbox = get_scoped(session, Mailbox, id, user.workspace_id)
    return render(request, session, user, "_mailbox.html", {"m": mailbox})


class MailboxForm(BaseModel):
    """As typed; unchecked boxes are simply absent from a form."""

    display_name: str = ""
    use_agent_name: bool = False
    auto_ack_enabled: bool = False
    auto_ack_text: str = ""
    auto_ack_window_minutes: str = ""
    language: str = ""


def _mailbox_page(
    request: Request,
    session: Session,
    user: User,
    id: int,
    form: MailboxForm | None = None,
    errors: Errors | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    mailbox = get_scoped(session, Mailbox, id, user.workspace_id)
    if form is None:
        form = MailboxForm(
            display_name=mailbox.display_name,
            use_agent_name=mailbox.use_agent_name,
            auto_ack_enabled=mailbox.auto_ack_enabled,
            auto_ack_text=acknowledgement_text(mailbox, client_language(session, mailbox)),
            auto_ack_window_minutes=str(mailbox.auto_ack_window_minutes),
            language=mailbox.language or "",
        )
    context = {
        "section": "mailboxes",
        "m": mailbox,
        "form": form.model_dump(),
        "errors": errors or {},
        "variables": described_variables(),
        "languages": LANGUAGES,
        "language_names": {code: language_name(code) for code in LANGUAGES},
        "workspace_language": workspace_of(session, user.workspace_id).language,
    }
    return settings_page(request, session, user, "settings_mailbox.html", context, code)


@router.get("/settings/mailboxes/{id}")
def mailbox_settings(
    id: int, request: Request, user: WebAdmin, session: SessionDep
) -> HTMLResponse:
    return _mailbox_page(request, session, user, id)


@router.post("/settings/mailboxes/{id}")
def save_mailbox(
    id: int,
    request: Request,
    user: WebAdmin,
    session: SessionDep,
    form: Annotated[MailboxForm, Form()],
) -> Response:
    """A default text saved unchanged stays the default, so a later better default (or the
    default of another language) applies."""
    fields = form.model_dump()
    if is_default_text(form.auto_ack_text):
        fields["auto_ack_text"] = None
    try:
        body = MailboxPatchIn.model_validate(fields)
        mailbox = change_mailbox(
            session=session, mailbox_id=id, actor=user, body=body, now=utcnow()
        )
    except ValidationError as exc:
        errors = validation_errors(exc)
        return _mailbox_page(request, session, user, id, form, errors, 422)
    except TandemError as exc:
        errors = {FORM_ERROR: refused(session, exc)}
        return _mailbox_page(request, session, user, id, form, errors, exc.status_code)
    return done(
        request,
        f"/settings/mailboxes/{id}",
        _("Settings of %(email)s saved.") % {"email": mailbox.email},
    )


@router.get("/settings/mailboxes/{id}/disconnect")
def confirm_disconnect(
    id: int, request: Request, user: WebAdmin, session: SessionDep
) -> HTMLResponse:
    """The confirmation step: a link cannot disconnect a mailbox, only this page's form."""
    mailbox = get_scoped(session, Mailbox, id, user.workspace_id)
    context = {"section": "mailboxes", "m": mailbox}
    return settings_page(request, session, user, "settings_disconnect.html", context)


@router.post("/settings/mailboxes/{id}/disconnect")
def disconnect_mailbox(
    id: int, request: Request, user: WebAdmin, session: SessionDep, app_settings: SettingsDep
) -> Response:
    """Revokes Tandem's access and forgets the tokens; its conversations and notes stay."""
    mailbox = get_scoped(session, Mailbox, id, user.workspace_id)
    disconnect(session=session, settings=app_settings, mailbox=mailbox)
    said = _("%(email)s is disconnected; its conversations stay.") % {"email": mailbox.email}
    return done(request, "/settings", said)


for _module in (
    settings_workspace,
    settings_mail,
    settings_queues,
    settings_team,
    settings_sla,
    settings_templates,
    settings_webhooks,
    settings_tokens,
):
    router.include_router(_module.router)
