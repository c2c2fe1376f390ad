"""Settings > Team: add members, change roles and round-robin availability, deactivate and
reactivate, through `app.core.accounts` (the functions and request models `/api/v1/users`
uses), so the API's rules hold here too: only admins change others, and no admin demotes or
deactivates themselves, which is also what keeps the workspace from losing its last admin
(every change is made by an active admin). Round-robin itself is the workspace's setting,
saved by `inbox.workspace_settings` as `PATCH /api/v1/workspace` saves it.

A new member's initial password is shown once, in the answer to the form, like the API's; so
is a temporary password an admin sets for a member who forgot theirs (`app.core.passwords`, the
same change as `PATCH /api/v1/users/{id} {"password"}`), which also ends that member's sessions.
Where the workspace sends e-mail, members can instead reset a forgotten password themselves.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.core.accounts import (
    UserIn,
    UserPatchIn,
    add_member,
    change_user,
    team_of,
    workspace_of,
)
from app.core.db import get_scoped
from app.core.errors import TandemError
from app.core.i18n import gettext as _
from app.core.models import Role, User
from app.core.passwords import sends_mail, set_temporary_password
from app.http.dependencies import SessionDep
from app.http.refusals import refused
from app.web.settings_pages import Errors, WebAdmin, done, settings_page, validation_errors
from inbox.workspace_settings import WorkspacePatchIn, change_workspace

router = APIRouter()


class MemberForm(BaseModel):
    email: str = ""
    name: str = ""
    role: str = Role.AGENT
    password: str = ""


class MemberChangeForm(BaseModel):
    """One of the row's buttons: only the field it sends changes."""

    role: str | None = None
    is_active: str | None = None
    is_available: str | None = None


def team_page(
    request: Request,
    session: Session,
    admin: User,
    *,
    form: MemberForm | None = None,
    errors: Errors | None = None,
    created: tuple[User, str] | None = None,
    temporary: tuple[User, str] | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    """`created` is a new member with their initial password, `temporary` a member with the
    temporary password just set; either is shown this once."""
    team = team_of(session, admin.workspace_id)
    context = {
        "section": "team",
        "team": sorted(team, key=lambda member: member.name.lower()),
        "roles": list(Role),
        "form": (form or MemberForm()).model_dump(),
        "errors": errors or {},
        "created": created,
        "temporary": temporary,
        "sends_mail": sends_mail(session, admin.workspace_id),
        "auto_assign": workspace_of(session, admin.workspace_id).auto_assign,
    }
    return settings_page(request, session, admin, "settings_team.html", context, code)


@router.get("/settings/team")
def team(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return team_page(request, session, admin)


@router.post("/settings/team")
def new_member(
    request: Request, admin: WebAdmin, session: SessionDep, form: Annotated[MemberForm, Form()]
) -> HTMLResponse:
    """Without a password typed, one is generated; either way it is shown this once."""
    try:
        body = UserIn.model_validate({**form.model_dump(), "password": form.password or None})
        created = add_member(session=session, admin=admin, body=body)
    except ValidationError as exc:
        return team_page(
            request, session, admin, form=form, errors=validation_errors(exc), code=422
        )
    except TandemError as exc:
        errors = {"email": refused(session, exc)}
        return team_page(request, session, admin, form=form, errors=errors, code=exc.status_code)
    return team_page(request, session, admin, created=created, code=status.HTTP_201_CREATED)


@router.post("/settings/team/auto-assign")
def auto_assign(
    request: Request, admin: WebAdmin, session: SessionDep, on: Annotated[bool, Form()] = False
) -> Response:
    """The workspace's `auto_assign`: new mail goes to the available agents in turn."""
    body = WorkspacePatchIn(auto_assign=on)
    change_workspace(session=session, workspace_id=admin.workspace_id, body=body)
    said = (
        _("New mail in an unassigned conversation goes to the available members in turn.")
        if on
        else _("New mail in an unassigned conversation waits for someone to take it.")
    )
    return done(request, "/settings/team", said)


class TemporaryPasswordForm(BaseModel):
    user_id: int = 0
    password: str = ""


@router.post("/settings/team/password")
def temporary_password(
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    form: Annotated[TemporaryPasswordForm, Form()],
) -> HTMLResponse:
    """Without a password typed, one is generated; either way it is shown this once."""
    try:
        temporary = set_temporary_password(
            session=session, admin=admin, user_id=form.user_id, password=form.password or None
        )
    except ValidationError as exc:
        errors = {"temporary_password": "; ".join(validation_errors(exc).values())}
        return team_page(request, session, admin, errors=errors, code=422)
    except TandemError as exc:
        errors = {"temporary_password": refused(session, exc)}
        return team_page(request, session, admin, errors=errors, code=exc.status_code)
    return team_page(request, session, admin, temporary=temporary)


def _said(member: User, changes: dict[str, str]) -> str:
    name = {"name": member.name}
    if "role" in changes:
        if member.role == Role.ADMIN:
            return _("%(name)s is now an admin.") % name
        return _("%(name)s is now an agent.") % name
    if "is_active" in changes:
        if member.is_active:
            return _("%(name)s is active.") % name
        return _("%(name)s is deactivated.") % name
    if "is_available" in changes:
        if member.is_available:
            return _("%(name)s is available for new conversations in turn.") % name
        return _("%(name)s is left out of new conversations in turn.") % name
    return _("Nothing changed.")


@router.post("/settings/team/{id}")
def change_member(
    id: int,
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    form: Annotated[MemberChangeForm, Form()],
) -> Response:
    get_scoped(session, User, id, admin.workspace_id)
    changes = form.model_dump(exclude_none=True)
    try:
        body = UserPatchIn.model_validate(changes)
        changed = change_user(session=session, actor=admin, user_id=id, body=body)
    except ValidationError as exc:
        errors = {f"member-{id}": "; ".join(validation_errors(exc).values())}
        return team_page(request, session, admin, errors=errors, code=422)
    except TandemError as exc:
        errors = {f"member-{id}": refused(session, exc)}
        return team_page(request, session, admin, errors=errors, code=exc.status_code)
    return done(request, "/settings/team", _said(changed, changes))
