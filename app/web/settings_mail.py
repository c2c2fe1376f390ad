"""Settings > Outgoing mail: the SMTP server reminders and password-reset links are e-mailed
through, saved, removed and tried with a test message by `inbox.smtp_settings`, validated with
the `SmtpIn` that `PUT /api/v1/scheduler/smtp` takes. The password is write-only: an empty
field keeps the stored one.

The test message goes to the admin who asks, through the server as saved, at once; the page
says plainly whether the server took it, in the server's own words when it did not."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.core.errors import TandemError
from app.core.i18n import gettext as _
from app.core.models import SmtpSecurity, User, utcnow
from app.http.dependencies import SessionDep, SettingsDep
from app.http.refusals import refused
from app.web.settings_pages import (
    FORM_ERROR,
    Errors,
    WebAdmin,
    done,
    settings_page,
    validation_errors,
)
from gmail_sync.oauth import TokenCipher
from inbox.smtp_settings import (
    SmtpIn,
    remove_smtp,
    save_smtp,
    send_test_message,
    smtp_server_of,
)

router = APIRouter()


class SmtpForm(BaseModel):
    """As typed; an empty password keeps the stored one unless `no_password` is ticked."""

    host: str = ""
    port: str = "587"
    security: str = SmtpSecurity.STARTTLS
    username: str = ""
    password: str = ""
    no_password: bool = False
    sender: str = ""

    def smtp_in(self) -> SmtpIn:
        return SmtpIn.model_validate(
            {
                **self.model_dump(exclude={"password", "no_password"}),
                "host": self.host.strip(),
                "port": self.port.strip() or "587",
                "password": "" if self.no_password else (self.password or None),
            }
        )


def mail_page(
    request: Request,
    session: Session,
    admin: User,
    form: SmtpForm | None = None,
    errors: Errors | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    server = smtp_server_of(session, admin.workspace_id)
    if form is None and server is not None:
        fields = server.model_dump(include={"host", "security", "username", "sender"})
        form = SmtpForm(**fields, port=str(server.port))
    context = {
        "section": "mail",
        "server": server,
        "has_password": bool(server and server.password_encrypted),
        "securities": list(SmtpSecurity),
        "form": (form or SmtpForm()).model_dump(exclude={"password"}),
        "errors": errors or {},
    }
    return settings_page(request, session, admin, "settings_mail.html", context, code)


@router.get("/settings/mail")
def mail(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return mail_page(request, session, admin)


@router.post("/settings/mail")
def save_mail(
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    app_settings: SettingsDep,
    form: Annotated[SmtpForm, Form()],
) -> Response:
    try:
        body = form.smtp_in()
    except ValidationError as exc:
        return mail_page(request, session, admin, form, validation_errors(exc), 422)
    cipher = TokenCipher(app_settings)
    save_smtp(session, workspace_id=admin.workspace_id, body=body, cipher=cipher, now=utcnow())
    return done(request, "/settings/mail", _("Outgoing mail saved: try it with a test message."))


@router.post("/settings/mail/test")
def test_mail(
    request: Request, admin: WebAdmin, session: SessionDep, app_settings: SettingsDep
) -> Response:
    cipher = TokenCipher(app_settings)
    try:
        error = send_test_message(
            session, workspace_id=admin.workspace_id, to=admin.email, cipher=cipher
        )
    except TandemError as exc:
        errors = {FORM_ERROR: refused(session, exc)}
        return mail_page(request, session, admin, errors=errors, code=exc.status_code)
    if error is not None:
        said = _("The test message could not be sent: %(error)s") % {"error": error}
        errors = {FORM_ERROR: said}
        return mail_page(request, session, admin, errors=errors)
    said = _("The test message went out to %(email)s.") % {"email": admin.email}
    return done(request, "/settings/mail", said)


@router.post("/settings/mail/remove")
def remove_mail(request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    try:
        remove_smtp(session, workspace_id=admin.workspace_id)
    except TandemError as exc:
        errors = {FORM_ERROR: refused(session, exc)}
        return mail_page(request, session, admin, errors=errors, code=exc.status_code)
    return done(request, "/settings/mail", _("Outgoing mail removed: reminders are not e-mailed."))
