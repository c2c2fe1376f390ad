"""The notifications menu: the signed-in agent's own mentions, assignments and reminders."""

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from app.core.models import utcnow
from app.core.notice_text import notification_text
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.web.pages import render
from inbox.notifications import mark_all_read, notifications_of

router = APIRouter()


@router.get("/notifications")
def menu(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """Each sentence written in the reader's language (`app.core.notice_text`)."""
    rows = [(row, notification_text(row)) for row in notifications_of(session, user, limit=20)]
    return render(request, session, user, "_notifications.html", {"rows": rows})


@router.get("/notifications/badge")
def badge(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """The bell's unread count alone, fetched again when the tab hears of a change."""
    return render(request, session, user, "_unread_count.html", {})


@router.post("/notifications/read-all")
def read_all(user: WebUser, session: SessionDep) -> RedirectResponse:
    mark_all_read(session=session, user=user, now=utcnow())
    return RedirectResponse("/inbox", status_code=status.HTTP_303_SEE_OTHER)
