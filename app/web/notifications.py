"""The notifications menu: the signed-in agent's own mentions, assignments and reminders."""

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import update
from sqlmodel import col, select

from app.core.models import Notification, utcnow
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.web.pages import render

router = APIRouter()


@router.get("/notifications")
def menu(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(20)
    ).all()
    return render(request, session, user, "_notifications.html", {"rows": rows})


@router.post("/notifications/read-all")
def read_all(user: WebUser, session: SessionDep) -> RedirectResponse:
    session.execute(
        update(Notification)
        .where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    return RedirectResponse("/inbox", status_code=status.HTTP_303_SEE_OTHER)
