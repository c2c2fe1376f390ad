"""`/api/v1/rules`: routing rules for inbound mail (ordered conditions -> actions), their order
and a dry run on past mail.

Any member reads the rules; admins write, reorder and try them. What a rule may say and the
checks it must pass are `inbox.rules`' (the settings page calls the same functions); running
them is `inbox.inbound_rules`'. This module only maps HTTP.
"""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.core.db import get_scoped
from app.core.models import Rule, utcnow
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep
from inbox.inbound_rules import DryRunMatch, dry_run
from inbox.rule_actions import describe
from inbox.rules import (
    RuleActions,
    RuleBodyIn,
    RuleConditions,
    RuleIn,
    RuleOrderIn,
    RulePatchIn,
    add_rule,
    change_rule,
    order_rules,
    remove_rule,
    rules_of,
)

router = APIRouter(prefix="/rules", tags=["rules"])

RULE_EXAMPLE: JsonDict = {
    "id": 4,
    "name": "Invoices to billing",
    "enabled": True,
    "position": 1,
    "conditions": {"senders": ["@client.com"], "words": ["invoice", "счёт"]},
    "actions": {"assign_to": 7, "tags": ["billing"]},
    "stop_processing": False,
    "last_error": None,
    "last_error_at": None,
    "created_at": "2026-12-06T10:00:00Z",
    "updated_at": "2026-12-06T10:00:00Z",
}


class RuleOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [RULE_EXAMPLE]})

    id: int
    name: str
    enabled: bool
    position: int = Field(description="Rules run in this order, lowest first.")
    conditions: RuleConditions
    actions: RuleActions
    stop_processing: bool
    last_error: str | None = Field(description="Why the rule last failed on a mail, if it did.")
    last_error_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EffectOut(BaseModel):
    action: str = Field(examples=["assign"])
    detail: dict[str, Any] = Field(examples=[{"agent_id": 7, "agent": "Anna"}])
    skipped: str | None = Field(description="Why the action would do nothing there.")
    text: str = Field(examples=["assign to Anna"])


class DryRunMatchOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conversation_id": 42,
                    "subject": "Invoice for March",
                    "sender": "olga@client.com",
                    "received_at": "2026-12-05T08:12:00Z",
                    "effects": [
                        {
                            "action": "tags",
                            "detail": {"added": ["billing"]},
                            "skipped": None,
                            "text": "add tags billing",
                        }
                    ],
                    "error": None,
                }
            ]
        }
    )

    conversation_id: int
    subject: str
    sender: str
    received_at: datetime | None
    effects: list[EffectOut]
    error: str | None = Field(description="Why the rule would fail on this conversation.")


def rule_out(rule: Rule) -> RuleOut:
    return RuleOut.model_validate(rule, from_attributes=True)


def match_out(match: DryRunMatch) -> DryRunMatchOut:
    return DryRunMatchOut(
        conversation_id=match.message.conversation_id,
        subject=match.conversation.subject,
        sender=match.message.from_address,
        received_at=match.message.date,
        effects=[
            EffectOut(action=e.action, detail=e.detail, skipped=e.skipped, text=describe(e))
            for e in match.effects
        ],
        error=match.error,
    )


@router.get("")
def list_rules(user: CurrentUser, session: SessionDep) -> list[RuleOut]:
    """In the order they run."""
    return [rule_out(rule) for rule in rules_of(session, user.workspace_id)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_rule(body: RuleIn, admin: AdminUser, session: SessionDep) -> RuleOut:
    """Added last. A rule needs a condition and an action; an agent, mailbox or template of
    another workspace, or none, is refused (422)."""
    return rule_out(add_rule(session=session, admin=admin, body=body, now=utcnow()))


@router.post("/order")
def reorder_rules(body: RuleOrderIn, admin: AdminUser, session: SessionDep) -> list[RuleOut]:
    """Sets the order: `ids` names every rule once, first to run first."""
    ordered = order_rules(session=session, workspace_id=admin.workspace_id, ids=body.ids)
    return [rule_out(rule) for rule in ordered]


@router.post("/dry-run")
def try_rule(body: RuleBodyIn, admin: AdminUser, session: SessionDep) -> list[DryRunMatchOut]:
    """Which of the latest 200 conversations the rule would have matched
    on their first inbound message, newest first, and what it would do to each now. Nothing is
    saved or changed."""
    return [match_out(match) for match in dry_run(session, admin.workspace_id, body)]


@router.get("/{id}")
def read_rule(id: int, user: CurrentUser, session: SessionDep) -> RuleOut:
    return rule_out(get_scoped(session, Rule, id, user.workspace_id))


@router.patch("/{id}")
def update_rule(id: int, body: RulePatchIn, admin: AdminUser, session: SessionDep) -> RuleOut:
    """Only the fields sent change; saving clears the rule's last error."""
    rule = get_scoped(session, Rule, id, admin.workspace_id)
    return rule_out(change_rule(session=session, rule=rule, body=body, now=utcnow()))


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(id: int, admin: AdminUser, session: SessionDep) -> Response:
    remove_rule(session=session, rule=get_scoped(session, Rule, id, admin.workspace_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
