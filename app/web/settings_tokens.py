"""Settings > API tokens: every token of the workspace (an admin sees them all), create one,
revoke any, through the handlers of `/api/v1/tokens`.

The token itself is shown once, in the answer to the form that created it; afterwards only
its prefix, since only its hash is stored.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.api.tokens import TokenCreatedOut, TokenIn, add_token, list_tokens, revoke_token
from app.api.users import list_users
from app.core.models import User
from app.http.dependencies import SessionDep
from app.web.settings_pages import Errors, WebAdmin, done, settings_page, validation_errors

router = APIRouter()


def tokens_page(
    request: Request,
    session: Session,
    admin: User,
    *,
    name: str = "",
    errors: Errors | None = None,
    created: TokenCreatedOut | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    context = {
        "section": "tokens",
        "tokens": sorted(list_tokens(admin, session), key=lambda token: -token.id),
        "owners": {member.id: member.name for member in list_users(admin, session)},
        "form": {"name": name},
        "errors": errors or {},
        "created": created,
    }
    return settings_page(request, session, admin, "settings_tokens.html", context, code)


@router.get("/settings/tokens")
def tokens(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return tokens_page(request, session, admin)


@router.post("/settings/tokens")
def create(
    request: Request, admin: WebAdmin, session: SessionDep, name: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """The token belongs to the admin who creates it and acts with their rights."""
    try:
        created = add_token(TokenIn(name=name), admin, session)
    except ValidationError as exc:
        errors = validation_errors(exc)
        return tokens_page(request, session, admin, name=name, errors=errors, code=422)
    return tokens_page(request, session, admin, created=created, code=status.HTTP_201_CREATED)


@router.post("/settings/tokens/{id}/revoke")
def revoke(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    revoke_token(id, admin, session)
    return done(request, "/settings/tokens", "Token revoked; calls with it now get 401.")
