"""What every page shares: the Jinja2 environment, the filters agents read times through, the
strict Content-Security-Policy, and the context of the top bar (counts, notifications).

Pages never hold business rules: they call the same domain functions as the REST API and only
shape the answers for people.
"""

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session, col, func, select

from app.core.i18n import (
    current_language,
    day,
    days,
    duration,
    gettext,
    moment,
    ngettext,
    number,
    percent,
    pgettext,
    reading_as,
    relative,
)
from app.core.job_text import readable
from app.core.labels import (
    message_state_label,
    priority_label,
    promise_state_label,
    reminder_kind_label,
    status_label,
)
from app.core.live import newest_id
from app.core.models import (
    Mailbox,
    MailboxStatus,
    Notification,
    Role,
    User,
    Workspace,
    utcnow,
)
from app.core.notice_text import reminder_text
from app.http.auth import csrf_token
from app.http.reader import reader_language, reader_zone

#: Tandem's own pages run only Tandem's own script and style; email HTML never reaches them
#: (it is served to a sandboxed frame with a policy of its own, see `conversation.py`).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
)
_environment.install_gettext_callables(  # type: ignore[attr-defined]
    gettext, ngettext, newstyle=True, pgettext=pgettext
)
templates = Jinja2Templates(env=_environment)
templates.env.globals["csrf_token"] = csrf_token


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    return relative(moment, now or utcnow()) if moment is not None else ""


def stamp(when: datetime | None) -> str:
    """A time in a table cell or a tooltip, in the reader's zone and language; "" for none."""
    return moment(when) if when else ""


def file_size(size: int) -> str:
    """ "512 bytes", "2.4 KB", "3.1 MB" (in Russian "2,4 КБ"): a small file never reads as
    0.0 KB."""
    if size < 1024:
        return ngettext("%(num)s byte", "%(num)s bytes", size) % {"num": number(size)}
    if size < 1024 * 1024:
        return gettext("%(size)s KB") % {"size": _one_decimal(size / 1024)}
    return gettext("%(size)s MB") % {"size": _one_decimal(size / 1024 / 1024)}


def _one_decimal(value: float) -> str:
    return format_decimal(value, "0.0", locale=current_language())


def plural_forms(say: Callable[[int], str]) -> str:
    """What a script counts in, as JSON: `say`, an `ngettext` whose count is `%(num)s`, in each
    plural category of the reader's language ({"one": "{count} update…", "other": …}). The
    script picks the category with `Intl.PluralRules`, which names them as CLDR (and Babel)
    do, and puts its count in place of `{count}`."""
    rule = Locale.parse(current_language()).plural_form
    forms: dict[str, str] = {}
    for count in range(_PLURAL_SAMPLES):
        forms.setdefault(rule(count), say(count) % {"num": "{count}"})
    return json.dumps(forms, ensure_ascii=False)


#: Every plural category of an integer shows up among the first hundred and fifty.
_PLURAL_SAMPLES = 150


templates.env.filters["ago"] = ago
templates.env.filters["stamp"] = stamp
templates.env.filters["file_size"] = file_size
templates.env.filters["moment"] = moment
templates.env.filters["day"] = day
templates.env.filters["days"] = days
templates.env.filters["duration"] = duration
templates.env.filters["percent"] = percent
templates.env.filters["number"] = number
templates.env.globals["status_label"] = status_label
templates.env.globals["priority_label"] = priority_label
templates.env.globals["message_state_label"] = message_state_label
templates.env.globals["reminder_kind_label"] = reminder_kind_label
templates.env.globals["promise_state_label"] = promise_state_label
templates.env.globals["reminder_text"] = reminder_text
templates.env.filters["readable"] = readable


def unread_notifications(session: Session, user: User) -> int:
    return int(
        session.exec(
            select(func.count()).where(
                Notification.user_id == user.id, col(Notification.read_at).is_(None)
            )
        ).one()
    )


def stopped_mailboxes(session: Session, user: User) -> list[Mailbox]:
    """The workspace's mailboxes that need an admin to reconnect them, every page says so; a
    mailbox still waiting for its first authorization has not stopped anything."""
    return list(
        session.exec(
            select(Mailbox)
            .where(
                Mailbox.workspace_id == user.workspace_id,
                Mailbox.status == MailboxStatus.NEEDS_REAUTH,
                col(Mailbox.connected_at).is_not(None),
            )
            .order_by(col(Mailbox.email))
        )
    )


def render(
    request: Request,
    session: Session | None,
    user: User | None,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    *,
    language: str | None = None,
) -> HTMLResponse:
    """A page (or an htmx fragment) with the signed-in user's top-bar context, in the reader's
    language, or in `language` where the page speaks for a mailbox (a client's rating)."""
    full = {"user": user, **context}
    workspace = None
    if user is not None and session is not None:
        workspace = session.get(Workspace, user.workspace_id)
        full.setdefault("workspace", workspace)
        full.setdefault("unread", unread_notifications(session, user))
        full.setdefault("live_after", newest_id(session.connection()))
        full.setdefault("stopped_mailboxes", stopped_mailboxes(session, user))
    language = language or reader_language(request.headers.get("accept-language"), user, workspace)
    full["language"] = language
    with reading_as(language, reader_zone(user, workspace)):
        response = templates.TemplateResponse(request, name, full, status_code=status_code)
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["Content-Language"] = language
    if user is not None and user.role == Role.ADMIN and full.get("stopped_mailboxes"):
        allow_consent_form(request, response)
    return response


def allow_consent_form(request: Request, response: HTMLResponse) -> None:
    """Lets the page's Connect (or Reconnect) form lead on to the consent page: Google's, or
    the emulator's in the demo."""
    emulator = request.app.state.settings.gmail_emulator_url
    consent = str(emulator).rstrip("/") if emulator else "https://accounts.google.com"
    policy = response.headers["Content-Security-Policy"]
    response.headers["Content-Security-Policy"] = policy.replace(
        "form-action 'self';", f"form-action 'self' {consent};"
    )


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"
