"""What every settings page shares: admins only (anyone else gets a 403 page), the settings
nav, the confirmation shown after a form's redirect, and refusals turned into messages next to
the fields they concern.

Settings pages hold no rules of their own and never import the REST API: they validate with
the request models that live next to the service functions (`app.core.accounts`,
`inbox.mailbox_settings`, `inbox.sla_policy`, `inbox.canned_replies`, `webhooks.subscriptions`,
...) and call those functions, the ones the `/api/v1` routes call, so a form and the API accept
and refuse exactly the same input.
"""

from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.errors import Forbidden
from app.core.i18n import gettext as _
from app.core.models import Role, User
from app.http.auth import WebUser
from app.http.refusals import error_message
from app.web.pages import render


def sections() -> tuple[tuple[str, str, str], ...]:
    """The settings nav: key, address and label, in the reader's language."""
    return (
        ("workspace", "/settings/workspace", _("Workspace")),
        ("mailboxes", "/settings", _("Mailboxes")),
        ("team", "/settings/team", _("Team")),
        ("sla", "/settings/sla", _("SLA & hours")),
        ("templates", "/settings/templates", _("Templates")),
        ("mail", "/settings/mail", _("Outgoing mail")),
        ("webhooks", "/settings/webhooks", _("Webhooks")),
        ("tokens", "/settings/tokens", _("API tokens")),
        ("queues", "/settings/queues", _("Queues")),
    )


FLASH_KEY = "settings_flash"
FORM_ERROR = "form"
"""The key of a refusal that concerns no single field; shown above the form."""

Errors = dict[str, str]


class AdminOnly(Forbidden):
    """A signed-in member who is no admin; carries who it is so the 403 page keeps the top bar
    (the page is drawn after the request's session was rolled back and closed)."""

    def __init__(self, user: User, message: str | None = None) -> None:
        super().__init__(message or _("Settings are for admins of the workspace."))
        self.user_id = user.id


def web_admin(user: WebUser) -> User:
    if user.role != Role.ADMIN:
        raise AdminOnly(user)
    return user


WebAdmin = Annotated[User, Depends(web_admin)]


def admin_only_page(request: Request, exc: Exception) -> HTMLResponse:
    """The 403 as a page, since a person followed a link here, not an integration."""
    engine: Engine = request.app.state.engine
    with Session(engine) as session:
        user = session.get(User, exc.user_id) if isinstance(exc, AdminOnly) else None
        return render(
            request,
            session if user else None,
            user,
            "settings_forbidden.html",
            {"message": str(exc)},
            status.HTTP_403_FORBIDDEN,
        )


def settings_page(
    request: Request,
    session: Session,
    user: User,
    name: str,
    context: dict[str, Any],
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    """A settings page with the nav and the confirmation of the last change, shown once."""
    full = {
        "sections": sections(),
        "flash": request.session.pop(FLASH_KEY, None),
        "form": {},
        "errors": {},
        **context,
    }
    return render(request, session, user, name, full, status_code)


def done(request: Request, url: str, message: str) -> RedirectResponse:
    """Post/redirect/get: the page reloads without resubmitting and says what changed."""
    request.session[FLASH_KEY] = message
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


@cache
def zones() -> list[str]:
    """The IANA zones a select offers: Region/City names and UTC, not aliases like
    "posixrules"."""
    return sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")


def validation_errors(exc: ValidationError) -> Errors:
    """The first message for each field (`events.0` belongs to `events`), in the reader's
    language. A rule over several fields has no location; it goes to the field it names
    (`FieldRule`), else the form."""
    errors: Errors = {}
    for error in exc.errors(include_url=False):
        if error["loc"]:
            field = str(error["loc"][0])
        else:
            field = getattr((error.get("ctx") or {}).get("error"), "field", None) or FORM_ERROR
        errors.setdefault(field, error_message(error))
    return errors
