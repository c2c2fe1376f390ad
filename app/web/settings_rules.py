"""Settings > Rules: the routing rules in the order they run (move up and down, switch on and
off, edit, delete), a form for a rule's conditions and actions, and a dry run of what is typed
on the latest conversations, through `inbox.rules` and `inbox.inbound_rules`, the models and
functions `/api/v1/rules` uses, so the form accepts and refuses what the API does.

The form is flat: lists (senders, words, tags) are typed comma-separated, and each select
offers "any" as its empty choice.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from app.core.accounts import team_of
from app.core.db import get_scoped
from app.core.errors import TandemError
from app.core.i18n import gettext as _
from app.core.labels import priority_label
from app.core.models import Mailbox, Priority, Rule, User, utcnow
from app.http.dependencies import SessionDep
from app.http.refusals import refused
from app.web.settings_pages import FORM_ERROR, Errors, WebAdmin, done, settings_page
from inbox.canned_replies import templates_of
from inbox.inbound_rules import DRY_RUN_CONVERSATIONS, DryRunMatch, dry_run
from inbox.rule_actions import describe
from inbox.rules import (
    RuleIn,
    RulePatchIn,
    actions_of,
    add_rule,
    change_rule,
    conditions_of,
    move_rule,
    remove_rule,
    rules_of,
)

router = APIRouter()

#: The form's name for a field of the rule's conditions or actions, where they differ.
FORM_FIELDS = {
    "assign_to": "assign",
    "assign_in_turn": "assign",
    "auto_reply_template_id": "template_id",
}


class RuleForm(BaseModel):
    """`id` is set when an existing rule is edited. Every field has a default, so a post that
    leaves one out is judged by the rule's own checks."""

    id: Annotated[str, Field(pattern=r"^[0-9]*$")] = ""
    name: str = ""
    enabled: bool = False
    stop_processing: bool = False
    mailbox_id: str = ""
    senders: str = ""
    words: str = ""
    words_in: str = "subject_or_body"
    language: str = ""
    urgent: str = ""
    automated: str = ""
    client: str = ""
    assign: str = ""
    priority: str = ""
    tags: str = ""
    file_as_automated: bool = False
    close: bool = False
    template_id: str = ""

    def body(self) -> dict[str, Any]:
        """The rule as the API takes it; what the models refuse is refused there."""
        conditions = {
            "mailbox_id": self.mailbox_id or None,
            "senders": _listed(self.senders),
            "words": _listed(self.words),
            "words_in": self.words_in,
            "language": self.language or None,
            "urgent": self.urgent or None,
            "automated": self.automated or None,
            "client": self.client or None,
        }
        actions = {
            "assign_to": self.assign if self.assign not in ("", "turn") else None,
            "assign_in_turn": self.assign == "turn",
            "priority": self.priority or None,
            "tags": _listed(self.tags),
            "file_as_automated": self.file_as_automated,
            "close": self.close,
            "auto_reply_template_id": self.template_id or None,
        }
        return {
            "name": self.name,
            "enabled": self.enabled,
            "stop_processing": self.stop_processing,
            "conditions": conditions,
            "actions": actions,
        }

    @classmethod
    def of(cls, rule: Rule) -> "RuleForm":
        conditions, actions = conditions_of(rule), actions_of(rule)
        assign = "turn" if actions.assign_in_turn else str(actions.assign_to or "")
        return cls(
            id=str(rule.id),
            name=rule.name,
            enabled=rule.enabled,
            stop_processing=rule.stop_processing,
            mailbox_id=str(conditions.mailbox_id or ""),
            senders=", ".join(conditions.senders),
            words=", ".join(conditions.words),
            words_in=conditions.words_in.value,
            language=conditions.language or "",
            urgent=_choice(conditions.urgent),
            automated=_choice(conditions.automated),
            client=conditions.client.value if conditions.client else "",
            assign=assign,
            priority=actions.priority.value if actions.priority else "",
            tags=", ".join(actions.tags),
            file_as_automated=actions.file_as_automated,
            close=actions.close,
            template_id=str(actions.auto_reply_template_id or ""),
        )


def _listed(text: str) -> list[str]:
    return [item for item in (part.strip() for part in text.split(",")) if item]


def _choice(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def rules_page(
    request: Request,
    session: Session,
    admin: User,
    form: RuleForm | None = None,
    *,
    errors: Errors | None = None,
    matches: list[DryRunMatch] | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    """The list with a new rule's form, or, when `form.id` is set, that rule's form."""
    form = form or RuleForm(enabled=True)
    workspace_id = admin.workspace_id
    rules = rules_of(session, workspace_id)
    context = {
        "section": "rules",
        "rules": rules,
        "summaries": {rule.id: _summary(rule) for rule in rules},
        "form": form.model_dump(),
        "errors": errors or {},
        "matches": None if matches is None else [_shown(match) for match in matches],
        "looked_at": DRY_RUN_CONVERSATIONS,
        "agents": [user for user in team_of(session, workspace_id) if user.is_active],
        "mailboxes": session.exec(
            select(Mailbox).where(Mailbox.workspace_id == workspace_id).order_by(col(Mailbox.id))
        ).all(),
        "templates": templates_of(session, workspace_id),
        "priorities": {priority: priority_label(priority) for priority in Priority},
    }
    name = "settings_rule.html" if form.id else "settings_rules.html"
    return settings_page(request, session, admin, name, context, code)


def _summary(rule: Rule) -> str:
    """What the rule asks and does, in a line of the list."""
    conditions, actions = conditions_of(rule), actions_of(rule)
    asks = []
    if conditions.senders:
        asks.append(_("from {senders}").format(senders=", ".join(conditions.senders)))
    if conditions.words:
        asks.append(_("words {words}").format(words=", ".join(conditions.words)))
    if conditions.language:
        asks.append(_("in {language}").format(language=conditions.language))
    if conditions.urgent is not None:
        asks.append(_("urgent") if conditions.urgent else _("not urgent"))
    if conditions.automated is not None:
        asks.append(_("automated") if conditions.automated else _("from a person"))
    if conditions.client is not None:
        asks.append(_("known client") if conditions.client == "known" else _("new client"))
    if conditions.mailbox_id is not None:
        asks.append(_("mailbox #{id}").format(id=conditions.mailbox_id))
    does = [name for name, on in _actions_named(actions.model_dump()).items() if on]
    return f"{'; '.join(asks)} → {'; '.join(does)}"


def _actions_named(actions: dict[str, Any]) -> dict[str, bool]:
    return {
        _("assign"): actions["assign_to"] is not None,
        _("hand out in turn"): actions["assign_in_turn"],
        _("set priority"): actions["priority"] is not None,
        _("add tags"): bool(actions["tags"]),
        _("file as automated"): actions["file_as_automated"],
        _("auto-reply"): actions["auto_reply_template_id"] is not None,
        _("close"): actions["close"],
    }


def _shown(match: DryRunMatch) -> dict[str, Any]:
    return {
        "id": match.conversation.id,
        "subject": match.conversation.subject,
        "sender": match.message.from_address,
        "date": match.message.date,
        "effects": [describe(effect) for effect in match.effects],
        "error": match.error,
    }


def _errors(exc: ValidationError) -> Errors:
    """Each refusal beside the form field it concerns (`conditions.senders.0` is `senders`)."""
    errors: Errors = {}
    for error in exc.errors(include_url=False):
        loc = [str(step) for step in error["loc"]]
        field = loc[1] if loc[0] in ("conditions", "actions") and len(loc) > 1 else loc[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        errors.setdefault(FORM_FIELDS.get(field, field), message)
    return errors


def _refused(
    request: Request, session: Session, admin: User, form: RuleForm, exc: Exception
) -> HTMLResponse:
    """The domain's messages start with the field they concern (`actions.assign_to: ...`)."""
    if isinstance(exc, ValidationError):
        return rules_page(request, session, admin, form, errors=_errors(exc), code=422)
    message = refused(session, exc)
    named = message.split(":", 1)[0].rsplit(".", 1)[-1]
    field = (
        FORM_FIELDS.get(named, named)
        if named in RuleForm.model_fields or named in FORM_FIELDS
        else FORM_ERROR
    )
    code = exc.status_code if isinstance(exc, TandemError) else 422
    return rules_page(request, session, admin, form, errors={field: message}, code=code)


@router.get("/settings/rules")
def rules(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    return rules_page(request, session, admin)


@router.post("/settings/rules")
def create(
    request: Request, admin: WebAdmin, session: SessionDep, form: Annotated[RuleForm, Form()]
) -> Response:
    form = form.model_copy(update={"id": ""})
    try:
        saved = add_rule(
            session=session, admin=admin, body=RuleIn.model_validate(form.body()), now=utcnow()
        )
    except (ValidationError, TandemError) as exc:
        return _refused(request, session, admin, form, exc)
    return done(request, "/settings/rules", _("Rule “{name}” created.").format(name=saved.name))


@router.post("/settings/rules/dry-run")
def try_out(
    request: Request, admin: WebAdmin, session: SessionDep, form: Annotated[RuleForm, Form()]
) -> Response:
    """What is typed, unsaved, on the latest conversations; the form stays as it was."""
    if form.id:
        get_scoped(session, Rule, int(form.id), admin.workspace_id)
    try:
        body = RuleIn.model_validate(form.body())
        matches = dry_run(session, admin.workspace_id, body)
    except (ValidationError, TandemError) as exc:
        return _refused(request, session, admin, form, exc)
    return rules_page(request, session, admin, form, matches=matches)


@router.get("/settings/rules/{id}")
def edit(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    rule = get_scoped(session, Rule, id, admin.workspace_id)
    return rules_page(request, session, admin, RuleForm.of(rule))


@router.post("/settings/rules/{id}")
def save(
    id: int,
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    form: Annotated[RuleForm, Form()],
) -> Response:
    rule = get_scoped(session, Rule, id, admin.workspace_id)
    form = form.model_copy(update={"id": str(id)})
    try:
        body = RulePatchIn.model_validate(form.body())
        change_rule(session=session, rule=rule, body=body, now=utcnow())
    except (ValidationError, TandemError) as exc:
        return _refused(request, session, admin, form, exc)
    return done(request, "/settings/rules", _("Rule “{name}” saved.").format(name=rule.name))


class MoveForm(BaseModel):
    direction: Literal["up", "down", ""] = ""


@router.post("/settings/rules/{id}/move")
def move(
    id: int,
    request: Request,
    admin: WebAdmin,
    session: SessionDep,
    form: Annotated[MoveForm, Form()],
) -> Response:
    rule = get_scoped(session, Rule, id, admin.workspace_id)
    if form.direction:
        move_rule(session=session, rule=rule, step=-1 if form.direction == "up" else 1)
    return done(request, "/settings/rules", _("Rule “{name}” moved.").format(name=rule.name))


@router.post("/settings/rules/{id}/toggle")
def toggle(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    rule = get_scoped(session, Rule, id, admin.workspace_id)
    change_rule(
        session=session, rule=rule, body=RulePatchIn(enabled=not rule.enabled), now=utcnow()
    )
    said = _("Rule “{name}” is on.") if rule.enabled else _("Rule “{name}” is off.")
    return done(request, "/settings/rules", said.format(name=rule.name))


@router.post("/settings/rules/{id}/delete")
def delete(id: int, request: Request, admin: WebAdmin, session: SessionDep) -> Response:
    rule = get_scoped(session, Rule, id, admin.workspace_id)
    name = rule.name
    remove_rule(session=session, rule=rule)
    return done(request, "/settings/rules", _("Rule “{name}” deleted.").format(name=name))
