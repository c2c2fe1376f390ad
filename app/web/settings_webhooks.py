"""Settings > Webhooks: subscribe a URL to events, delete it, send a test ping and read the
delivery log, through `webhooks.subscriptions`, the rules and request models
`/api/v1/webhooks` uses too.

The signing secret is shown once, in the answer to the form that created it, never again.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.core.db import get_scoped
from app.core.errors import TandemError
from app.core.i18n import gettext as _
from app.core.models import User, WebhookSubscription, utcnow
from app.http.dependencies import SessionDep, SettingsDep
from app.http.refusals import refused
from app.web.settings_pages import Errors, WebAdmin, done, settings_page, validation_errors
from webhooks.events import INTERNAL_EVENTS, Event
from webhooks.subscriptions import (
    WebhookIn,
    WebhookPatchIn,
    create_subscription,
    delete_subscription,
    deliveries_of,
    ping,
    subscriptions_of,
    update_subscription,
)

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
    created: WebhookSubscription | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    context = {
        "section": "webhooks",
        "webhooks": subscriptions_of(session, admin.workspace_id),
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
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[WebhookForm, Form()],
) -> HTMLResponse:
    """The URL's rules run after the model's, so their refusal is the URL's."""
    try:
        body = WebhookIn.model_validate(form.model_dump())
        created = create_subscription(
            session=session,
            workspace_id=admin.workspace_id,
            body=body,
            now=utcnow(),
            allow_private=settings.webhook_allow_private,
        )
    except ValidationError as exc:
        return webhooks_page(request, session, admin, form, errors=validation_errors(exc), code=422)
    except TandemError as exc:
        errors = {"url": refused(session, exc)}
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
    webhook = get_scoped(session, WebhookSubscription, id, admin.workspace_id)
    form = form or WebhookEditForm.model_validate(webhook, from_attributes=True)
    context = {
        "section": "webhooks",
        "webhook": webhook,
        "deliveries": deliveries_of(session, webhook, limit=50),
        "events": list(Event),
        "internal_events": INTERNAL_EVENTS,
        "form": form.model_dump(),
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
    settings: SettingsDep,
    form: Annotated[WebhookEditForm, Form()],
) -> Response:
    """URL, events, internal and active at once; the secret stays."""
    webhook = get_scoped(session, WebhookSubscription, id, admin.workspace_id)
    allow = settings.webhook_allow_private
    try:
        body = WebhookPatchIn.model_validate(form.model_dump())
        update_subscription(session=session, subscription=webhook, body=body, allow_private=allow)
    except ValidationError as exc:
        errors = validation_errors(exc)
        return webhook_page(request, session, admin, id, form, errors=errors, code=422)
    except TandemError as exc:
        errors = {"url": refused(session, exc)}
        return webhook_page(request, session, admin, id, form, errors=errors, code=exc.status_code)
    return done(request, f"/settings/webhooks/{id}", _("Webhook saved."))


@router.post("/settings/webhooks/{id}/test")
def test(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    webhook = get_scoped(session, WebhookSubscription, id, admin.workspace_id)
    ping(session=session, subscription=webhook, now=utcnow())
    return done(request, f"/settings/webhooks/{id}", _("Test ping queued; it shows in the log."))


@router.post("/settings/webhooks/{id}/delete")
def delete(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    webhook = get_scoped(session, WebhookSubscription, id, admin.workspace_id)
    url = webhook.url
    delete_subscription(session=session, subscription=webhook)
    return done(request, "/settings/webhooks", _("Webhook to %(url)s deleted.") % {"url": url})
