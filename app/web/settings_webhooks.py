"""Settings > Webhooks: subscribe a URL to events, delete it, send a test ping and read the
delivery log, through the handlers of `/api/v1/webhooks` (rules in `webhooks.subscriptions`).

The signing secret is shown once, in the answer to the form that created it, never again.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.api.webhooks import (
    WebhookCreatedOut,
    WebhookIn,
    WebhookPatchIn,
    add_webhook,
    change_webhook,
    list_deliveries,
    list_webhooks,
    read_webhook,
    remove_webhook,
    test_webhook,
)
from app.core.errors import TandemError
from app.core.models import User
from app.http.dependencies import SessionDep
from app.web.settings_pages import Errors, WebAdmin, done, settings_page, validation_errors
from webhooks.events import INTERNAL_EVENTS, Event

router = APIRouter()


class WebhookForm(BaseModel):
    url: str = ""
    events: list[str] = []
    is_internal: bool = False


def webhooks_page(
    request: Request,
    session: Session,
    admin: User,
    form: WebhookForm | None = None,
    *,
    errors: Errors | None = None,
    created: WebhookCreatedOut | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    context = {
        "section": "webhooks",
        "webhooks": list_webhooks(admin, session),
        "events": list(Event),
        "internal_events": INTERNAL_EVENTS,
        "form": (form or WebhookForm()).model_dump(),
        "errors": errors or {},
        "created": created,
    }
    return settings_page(request, session, admin, "settings_webhooks.html", context, code)


@router.get("/settings/webhooks")
def webhooks(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return webhooks_page(request, session, admin)


@router.post("/settings/webhooks")
def create(
    request: Request, admin: WebAdmin, session: SessionDep, form: Annotated[WebhookForm, Form()]
) -> HTMLResponse:
    """The URL's rules run after the model's, so their refusal is the URL's."""
    try:
        created = add_webhook(WebhookIn.model_validate(form.model_dump()), admin, session)
    except ValidationError as exc:
        return webhooks_page(request, session, admin, form, errors=validation_errors(exc), code=422)
    except TandemError as exc:
        session.rollback()
        errors = {"url": str(exc)}
        return webhooks_page(request, session, admin, form, errors=errors, code=exc.status_code)
    return webhooks_page(request, session, admin, created=created, code=status.HTTP_201_CREATED)


class WebhookEditForm(WebhookForm):
    is_active: bool = False


def webhook_page(
    request: Request,
    session: Session,
    admin: User,
    id: int,
    form: WebhookEditForm | None = None,
    *,
    errors: Errors | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    """One webhook: its delivery log, newest first with every attempt, and its edit form."""
    webhook = read_webhook(id, admin, session)
    context = {
        "section": "webhooks",
        "webhook": webhook,
        "deliveries": list_deliveries(id, admin, session, limit=50),
        "events": list(Event),
        "internal_events": INTERNAL_EVENTS,
        "form": (form or WebhookEditForm(**webhook.model_dump())).model_dump(),
        "errors": errors or {},
    }
    return settings_page(request, session, admin, "settings_webhook.html", context, code)


@router.get("/settings/webhooks/{id}")
def deliveries(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return webhook_page(request, session, admin, id)


@router.post("/settings/webhooks/{id}")
def edit(
    id: int,
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    form: Annotated[WebhookEditForm, Form()],
) -> Response:
    """URL, events, internal and active at once; the secret stays."""
    read_webhook(id, admin, session)
    try:
        change_webhook(id, WebhookPatchIn.model_validate(form.model_dump()), admin, session)
    except ValidationError as exc:
        errors = validation_errors(exc)
        return webhook_page(request, session, admin, id, form, errors=errors, code=422)
    except TandemError as exc:
        session.rollback()
        errors = {"url": str(exc)}
        return webhook_page(request, session, admin, id, form, errors=errors, code=exc.status_code)
    return done(request, f"/settings/webhooks/{id}", "Webhook saved.")


@router.post("/settings/webhooks/{id}/test")
def ping(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    test_webhook(id, admin, session)
    return done(request, f"/settings/webhooks/{id}", "Test ping queued; it shows in the log.")


@router.post("/settings/webhooks/{id}/delete")
def delete(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    url = read_webhook(id, admin, session).url
    remove_webhook(id, admin, session)
    return done(request, "/settings/webhooks", f"Webhook to {url} deleted.")
