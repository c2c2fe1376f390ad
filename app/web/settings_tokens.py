"""Settings > API tokens: every token of the workspace (an admin sees them all), create one,
revoke any, through `app.core.accounts` with the request model `/api/v1/tokens` checks.

The token itself is shown once, in the answer to the form that created it; afterwards only
its prefix, since only its hash is stored.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.core.accounts import TokenIn, create_api_token, revoke_api_token, team_of, tokens_of
from app.core.i18n import gettext as _
from app.core.models import ApiToken, User, utcnow
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
    created: tuple[ApiToken, str] | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    """`created` is a new token's row with the token itself, shown this once."""
    context = {
        "section": "tokens",
        "tokens": tokens_of(session, admin)[::-1],
        "owners": {member.id: member.name for member in team_of(session, admin.workspace_id)},
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
        body = TokenIn(name=name)
        created = create_api_token(session=session, user=admin, name=body.name)
    except ValidationError as exc:
        errors = validation_errors(exc)
        return tokens_page(request, session, admin, name=name, errors=errors, code=422)
    return tokens_page(request, session, admin, created=created, code=status.HTTP_201_CREATED)


@router.post("/settings/tokens/{id}/revoke")
def revoke(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    revoke_api_token(session=session, token_id=id, actor=admin, now=utcnow())
    return done(request, "/settings/tokens", _("Token revoked; calls with it now get 401."))
