"""The inbox page: the views with live counts, the list, search, filters and bulk actions.

The list and the counts come from `inbox.views` and search from `inbox.search`, the
very functions behind `GET /api/v1/conversations`, so the page and the API always agree.
"""

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from app.core.errors import TandemError
from app.core.i18n import gettext as _
from app.core.i18n import ngettext, pgettext
from app.core.models import (
    Contact,
    Conversation,
    ConversationStatus,
    Mailbox,
    Priority,
    User,
    id_of,
    utcnow,
)
from app.core.plain_text import ONE_LINE
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.http.refusals import refused
from app.web.pages import is_htmx, plural_forms, render
from inbox.changes import change_many
from inbox.list_pages import list_page
from inbox.previews import last_message_previews
from inbox.views import InboxFilter, View, counts

router = APIRouter()

PAGE_SIZE = 50
#: The most rows the live list asks for at once: the first page and the pages appended to it.
MAX_ROWS = 500


def view_labels() -> dict[View, str]:
    """The views in the order the page lists them, named in the reader's language."""
    return {
        View.MINE: pgettext("view", "Mine"),
        View.UNASSIGNED: pgettext("view", "Unassigned"),
        View.OPEN: pgettext("view", "All open"),
        View.PENDING: pgettext("view", "Pending"),
        View.SNOOZED: pgettext("view", "Snoozed"),
        View.OVERDUE: pgettext("view", "Overdue"),
        View.AUTOMATED: pgettext("view", "Automated"),
        View.CLOSED: pgettext("view", "Closed"),
        View.ALL: pgettext("view", "Everything"),
    }


def waiting_updates() -> str:
    """The live list's bar in each plural category of the reader's language, for the browser to
    count the updates waiting in (it picks the category: `Intl.PluralRules`)."""
    return plural_forms(
        lambda count: ngettext(
            "%(num)s update to the list while you select.",
            "%(num)s updates to the list while you select.",
            count,
        )
    )


@dataclass(frozen=True)
class InboxQuery:
    """The page's query string as typed; kept as text so the form shows it back unchanged.
    `since` and `until` are days (YYYY-MM-DD) of last activity, both included, in UTC."""

    view: str = View.OPEN.value
    q: str = ""
    status: str = ""
    assignee: str = ""
    tag: str = ""
    priority: str = ""
    mailbox: str = ""
    since: str = ""
    until: str = ""

    def params(self) -> dict[str, str]:
        """The query string of this list (the fields given), for links to its pages."""
        return {name: value for name, value in asdict(self).items() if value}

    def to_filter(self) -> InboxFilter:
        """Raises ValueError naming the field a person mistyped (a URL edited by hand)."""
        try:
            view = View(self.view)
            chosen = ConversationStatus(self.status) if self.status else None
            priority = Priority(self.priority) if self.priority else None
        except ValueError:
            raise ValueError(_("Unknown view, status or priority.")) from None
        if self.assignee and not self.assignee.isdigit():
            raise ValueError(_("Unknown assignee."))
        if self.mailbox and not self.mailbox.isdigit():
            raise ValueError(_("Unknown mailbox."))
        until = _day(self.until, _("until: pick a day (YYYY-MM-DD)."))
        return InboxFilter(
            view=view,
            status=chosen,
            assignee_id=int(self.assignee) if self.assignee else None,
            mailbox_id=int(self.mailbox) if self.mailbox else None,
            priority=priority.value if priority else None,
            tag=self.tag.strip()[:100] or None,
            since=_day(self.since, _("since: pick a day (YYYY-MM-DD).")),
            until=until + timedelta(days=1) if until else None,
        )


def _day(text: str, refusal: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.combine(date.fromisoformat(text.strip()), time(), UTC)
    except ValueError:
        raise ValueError(refusal) from None


def members(session: Session, user: User) -> list[User]:
    """The workspace's active people, for assignee pickers and @mentions."""
    return list(
        session.exec(
            select(User)
            .where(User.workspace_id == user.workspace_id, User.is_active)
            .order_by(User.name, User.email)
        )
    )


@dataclass(frozen=True)
class Rows:
    """One page of the list as the page and its fragment draw it."""

    items: list[Conversation]
    highlights: dict[int, str]
    previews: dict[int, str]
    contacts: dict[int, Contact]
    next_cursor: str | None


def _rows(
    session: Session, user: User, query: InboxQuery, cursor: str | None, size: int = PAGE_SIZE
) -> Rows:
    found = list_page(
        session=session,
        user=user,
        inbox=query.to_filter(),
        q=query.q[:200].strip() or None,
        cursor=cursor or None,
        limit=size,
    )
    ids = [id_of(row) for row in found.items]
    return Rows(
        found.items,
        found.highlights,
        last_message_previews(session, ids),
        _contacts(session, found.items),
        found.next_cursor,
    )


def _contacts(session: Session, rows: list[Conversation]) -> dict[int, Contact]:
    ids = {row.contact_id for row in rows if row.contact_id is not None}
    if not ids:
        return {}
    found = session.exec(select(Contact).where(col(Contact.id).in_(ids)))
    return {contact.id or 0: contact for contact in found}


def initials(person: User) -> str:
    """ "AK" for Anna Kowalska, "A" for anna@…: the list's narrow owner column."""
    words = (person.name or person.email.partition("@")[0]).split()
    return "".join(word[0] for word in words[:2]).upper() or "?"


def _row_context(session: Session, user: User, query: InboxQuery, rows: Rows) -> dict[str, Any]:
    """What `_inbox_rows.html` draws: the rows, who owns them and the link to the next page."""
    team = members(session, user)
    more = None
    if rows.next_cursor is not None:
        more = urlencode({**query.params(), "cursor": rows.next_cursor})
    return {
        "query": query,
        "rows": rows,
        "people": {member.id: member for member in team},
        "initials": {member.id: initials(member) for member in team},
        "more": more,
        "now": utcnow(),
    }


def inbox_page(
    request: Request,
    session: Session,
    user: User,
    query: InboxQuery,
    error: str | None = None,
    code: int = status.HTTP_422_UNPROCESSABLE_CONTENT,
    cursor: str = "",
) -> HTMLResponse:
    rows = Rows([], {}, {}, {}, None)
    if error is None:
        try:
            rows = _rows(session, user, query, cursor)
        except (ValueError, TandemError) as exc:
            error = str(exc)
    context = {
        **_row_context(session, user, query, rows),
        "team": members(session, user),
        "cursor": cursor,
        "top": urlencode(query.params()),
        "counts": counts(session=session, user=user, now=utcnow()),
        "views": view_labels(),
        "statuses": list(ConversationStatus),
        "priorities": list(Priority),
        "mailboxes": session.exec(
            select(Mailbox).where(Mailbox.workspace_id == user.workspace_id).order_by(Mailbox.email)
        ).all(),
        "error": error,
        "waiting_updates": waiting_updates(),
    }
    return render(request, session, user, "inbox.html", context, code if error else 200)


@router.get("/")
def home(_user: WebUser) -> RedirectResponse:
    return RedirectResponse("/inbox", status_code=status.HTTP_303_SEE_OTHER)


#: The query string of the list (FastAPI reads InboxQuery's fields as query parameters).
QueryDep = Annotated[InboxQuery, Depends()]


@router.get("/inbox")
def inbox(
    request: Request, user: WebUser, session: SessionDep, query: QueryDep, cursor: str = ""
) -> HTMLResponse:
    """The list's first page, or (`cursor`, the "Load more" link without JavaScript) a later
    one on its own."""
    return inbox_page(request, session, user, query, cursor=cursor)


@router.get("/inbox/rows")
def inbox_rows(
    request: Request,
    user: WebUser,
    session: SessionDep,
    query: QueryDep,
    cursor: str = "",
    size: Annotated[int, Query(ge=1, le=MAX_ROWS)] = PAGE_SIZE,
) -> HTMLResponse:
    """A page of rows alone, for htmx to append after "Load more"; the live list asks for as
    many rows as it shows (`size`) to refresh them. A bad query or cursor is a 422."""
    try:
        rows = _rows(session, user, query, cursor, size)
    except (ValueError, TandemError) as exc:
        return render(request, session, user, "_inbox_rows.html", {"rows_error": str(exc)}, 422)
    context = _row_context(session, user, query, rows)
    return render(request, session, user, "_inbox_rows.html", context)


@router.get("/inbox/counts")
def inbox_counts(request: Request, user: WebUser, session: SessionDep, view: str = "") -> Response:
    """The views with fresh counts, polled by htmx so the numbers stay live."""
    context = {
        "counts": counts(session=session, user=user, now=utcnow()),
        "views": view_labels(),
        "query": InboxQuery(view=view),
    }
    return render(request, session, user, "_views.html", context)


@router.post("/inbox/bulk")
def bulk(
    request: Request,
    user: WebUser,
    session: SessionDep,
    action: Annotated[str, Form(max_length=64)],
    ids: Annotated[list[int] | None, Form()] = None,
    back: Annotated[str, Form(max_length=2048), ONE_LINE] = "/inbox",
) -> Response:
    """Assign or close many at once, all or nothing (`change_many`, as the bulk API)."""
    if not ids:
        return inbox_page(request, session, user, InboxQuery(), _("Select conversations first."))
    changes = _bulk_changes(action)
    if changes is None:
        return inbox_page(request, session, user, InboxQuery(), _("Choose what to do with them."))
    try:
        change_many(session=session, ids=ids, actor=user, changes=changes, now=utcnow())
    except TandemError as exc:
        error = refused(session, exc)
        return inbox_page(request, session, user, InboxQuery(), error, exc.status_code)
    target = back if back.startswith("/inbox") else "/inbox"
    if is_htmx(request):
        return Response(headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


def _bulk_changes(action: str) -> dict[str, object] | None:
    """`close`, `open`, `unassign` or `assign:<user id>` as the changes they stand for."""
    if action in ("close", "open"):
        return {"status": ConversationStatus(action if action == "open" else "closed")}
    if action == "unassign":
        return {"assignee_id": None}
    kind, _, ident = action.partition(":")
    if kind == "assign" and ident.isdigit():
        return {"assignee_id": int(ident)}
    return None
