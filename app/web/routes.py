"""The HTML pages: sign-in, sign-out and the account page (team, API tokens).

Every unsafe request passes `check_csrf` (router dependency); pages that need a user depend
on `WebUser`, which sends anonymous visitors to the sign-in page.
"""

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import col, select

from app.accounts import authenticate, create_api_token, revoke_api_token
from app.auth import SessionDep, WebUser, check_csrf, csrf_token, sign_in, sign_out
from app.models import ApiToken, User, Workspace, utcnow

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["csrf_token"] = csrf_token
router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used as an open redirect."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or urlsplit(target).netloc
    ):
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = authenticate(session=session, email=email, password=password)
    if user is None:
        context = {"next": _safe_next(next), "email": email, "error": "Wrong email or password."}
        return templates.TemplateResponse(
            request, "login.html", context, status_code=status.HTTP_401_UNAUTHORIZED
        )
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    sign_in(request, user)
    return RedirectResponse(_safe_next(next), status_code=status.HTTP_303_SEE_OTHER)


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
    context = {
        "user": user,
        "workspace": session.get(Workspace, user.workspace_id),
        "tokens": tokens,
        "team": team,
        "new_token": new_token,
    }
    return templates.TemplateResponse(request, "account.html", context)


@router.get("/")
def home(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    return _account_page(request, session, user)


@router.post("/tokens")
def create_token(
    request: Request, user: WebUser, session: SessionDep, name: Annotated[str, Form()] = ""
) -> HTMLResponse:
    _, token = create_api_token(session=session, user=user, name=name)
    session.commit()
    return _account_page(request, session, user, new_token=token)


@router.post("/tokens/{id}/revoke")
def revoke_token(id: int, user: WebUser, session: SessionDep) -> RedirectResponse:
    revoke_api_token(session=session, token_id=id, actor=user, now=utcnow())
    session.commit()
    return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
