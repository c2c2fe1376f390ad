"""The web UI's router: sign-in, sign-out and the account page (team, API tokens) live here;
Google sign-in and the inbox, conversation, composer, notification and settings pages are
included from their own modules.

Every unsafe request passes `check_csrf` (router dependency, inherited by the included
routers); pages that need a user depend on `WebUser`, which sends anonymous visitors to the
sign-in page.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from app.core.accounts import authenticate, create_api_token, revoke_api_token
from app.core.models import ApiToken, User, utcnow
from app.http.auth import WebUser, check_csrf, sign_in, sign_out
from app.http.dependencies import SessionDep, SettingsDep
from app.web import (
    attachments,
    compose,
    conversation,
    events,
    google_sign_in,
    inbox,
    notifications,
    presence,
    reminders,
    settings,
)
from app.web.login_page import render_login, safe_next
from app.web.pages import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/login")
def login_page(
    request: Request, app_settings: SettingsDep, next: str | None = None
) -> HTMLResponse:
    return render_login(request, app_settings, next=next)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    app_settings: SettingsDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = authenticate(session=session, email=email, password=password)
    if user is None:
        return render_login(
            request,
            app_settings,
            next=next,
            email=email,
            error="Wrong email or password.",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    user.last_login_at = utcnow()
    session.add(user)
    sign_in(request, user)
    return RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    sign_out(request)
    return RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)


def _account_page(
    request: Request, session: SessionDep, user: User, new_token: str | None = None
) -> HTMLResponse:
    tokens = session.exec(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())
    ).all()
    team = session.exec(
        select(User).where(User.workspace_id == user.workspace_id).order_by(User.name)
    ).all()
    context = {"tokens": tokens, "team": team, "new_token": new_token}
    return render(request, session, user, "account.html", context)


@router.get("/account")
def account(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    return _account_page(request, session, user)


@router.post("/tokens")
def create_token(
    request: Request, user: WebUser, session: SessionDep, name: Annotated[str, Form()] = ""
) -> HTMLResponse:
    _, token = create_api_token(session=session, user=user, name=name)
    return _account_page(request, session, user, new_token=token)


@router.post("/tokens/{id}/revoke")
def revoke_token(id: int, user: WebUser, session: SessionDep) -> RedirectResponse:
    revoke_api_token(session=session, token_id=id, actor=user, now=utcnow())
    return RedirectResponse("/account", status_code=status.HTTP_303_SEE_OTHER)


for _module in (
    google_sign_in,
    inbox,
    conversation,
    reminders,
    compose,
    attachments,
    notifications,
    settings,
    presence,
    events,
):
    router.include_router(_module.router)
