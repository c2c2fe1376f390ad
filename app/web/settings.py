"""Settings for admins: the mailboxes (connect, status, live sync progress, reconnect), and an
overview of the team, templates, SLA policy and webhooks.

Connecting starts the same OAuth flow as `POST /api/v1/mailboxes` (`start_connection`) and
sends the admin's browser to the consent page; Google's callback finishes it.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from app.auth import SessionDep, SettingsDep, WebUser
from app.db import get_scoped
from app.errors import Forbidden, TandemError
from app.models import Mailbox, Role, SlaPolicy, Template, User, WebhookSubscription, id_of, utcnow
from app.web.pages import render
from gmail_sync.connect import start_connection

router = APIRouter()


def web_admin(user: WebUser) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("settings are for admins of the workspace")
    return user


WebAdmin = Annotated[User, Depends(web_admin)]


def _mailboxes(session: Session, user: User) -> list[Mailbox]:
    return list(
        session.exec(
            select(Mailbox)
            .where(Mailbox.workspace_id == user.workspace_id)
            .order_by(col(Mailbox.id))
        )
    )


def _consent_origin(request: Request) -> str:
    """Where the Connect form's redirect leads: Google's consent page, or the emulator's."""
    emulator = request.app.state.settings.gmail_emulator_url
    return str(emulator).rstrip("/") if emulator else "https://accounts.google.com"


def settings_page(
    request: Request, session: Session, user: User, error: str | None = None, code: int = 200
) -> HTMLResponse:
    workspace_id = user.workspace_id
    context = {
        "mailboxes": _mailboxes(session, user),
        "team": session.exec(
            select(User).where(User.workspace_id == workspace_id).order_by(User.name)
        ).all(),
        "templates": session.exec(
            select(Template).where(Template.workspace_id == workspace_id).order_by(Template.name)
        ).all(),
        "sla": session.exec(
            select(SlaPolicy).where(SlaPolicy.workspace_id == workspace_id)
        ).first(),
        "webhooks": session.exec(
            select(WebhookSubscription).where(WebhookSubscription.workspace_id == workspace_id)
        ).all(),
        "error": error,
    }
    page = render(request, session, user, "settings.html", context, code)
    policy = page.headers["Content-Security-Policy"]
    page.headers["Content-Security-Policy"] = policy.replace(
        "form-action 'self'", f"form-action 'self' {_consent_origin(request)}"
    )
    return page


@router.get("/settings")
def settings(request: Request, user: WebAdmin, session: SessionDep) -> HTMLResponse:
    return settings_page(request, session, user)


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
        _, url = start_connection(
            session=session,
            settings=app_settings,
            workspace_id=user.workspace_id,
            user_id=id_of(user),
            email=email,
            now=utcnow(),
        )
    except TandemError as exc:
        session.rollback()
        return settings_page(request, session, user, str(exc), exc.status_code)
    session.commit()
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/settings/mailboxes/{id}/progress")
def progress(id: int, request: Request, user: WebAdmin, session: SessionDep) -> HTMLResponse:
    """The mailbox's status and sync progress, polled while the page is open."""
    mailbox = get_scoped(session, Mailbox, id, user.workspace_id)
    return render(request, session, user, "_mailbox.html", {"m": mailbox})
