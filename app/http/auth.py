"""Who is calling: API tokens for the REST API, signed session cookies for the web UI, roles and
CSRF protection for forms.

Routers depend on `CurrentUser` (API) or `WebUser` (pages); every object lookup then goes
through `app.core.db.get_scoped` with the caller's workspace, so another workspace's rows are 404.
"""

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.accounts import session_stamp, user_for_token
from app.core.errors import Forbidden
from app.core.i18n import gettext as _
from app.core.models import Role, User, Workspace, utcnow
from app.http.dependencies import SessionDep
from app.http.reader import settle_for

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


#: The API's one security scheme in the OpenAPI document (Swagger UI's Authorize button); its
#: refusals are api_user's own, with their WWW-Authenticate header.
bearer = HTTPBearer(
    scheme_name="apiToken",
    description="An API token (Settings > API tokens, or `tandem admin create-token`).",
    auto_error=False,
)


def api_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The token's user; its `last_used_at` stamp is part of the request's transaction."""
    if credentials is None:
        raise _unauthorized("missing bearer token: send 'Authorization: Bearer <api token>'")
    user = user_for_token(session=session, token=credentials.credentials, now=utcnow())
    if user is None:
        raise _unauthorized("invalid or revoked API token")
    return user


CurrentUser = Annotated[User, Depends(api_user)]


def require_admin(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden(_("this needs an admin of the workspace"))
    return user


AdminUser = Annotated[User, Depends(require_admin)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use; forms carry it in a hidden field."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """Rejects any unsafe request whose form field or header does not match the session token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="CSRF token missing or invalid")


def sign_in(request: Request, user: User) -> None:
    """A fresh session (new CSRF token) so a token planted before login is worthless; it ends
    when the password it was signed in with changes."""
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["stamp"] = session_stamp(user)
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


class LoginRequired(Exception):
    """Raised for pages that need a signed-in user; the app redirects to the login page."""


def web_user(request: Request, session: SessionDep) -> User:
    user_id = request.session.get("user_id")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or request.session.get("stamp") != session_stamp(user):
        request.session.pop("user_id", None)
        raise LoginRequired
    settle_for(
        request.headers.get("accept-language"), user, session.get(Workspace, user.workspace_id)
    )
    return user


WebUser = Annotated[User, Depends(web_user)]
