"""What a routing rule's actions do to one conversation: first planned (`plan`, which writes
nothing, so a dry run shows it), then done (`apply`).

Each action is idempotent on the conversation as it stands: a priority it already has, tags it
already carries, a conversation already closed or filed are left as they are, and said so
(`Effect.skipped`). Assigning never takes a conversation from its owner (a client's reply to a
conversation someone owns keeps its owner) and never goes to an agent who is away: round-robin
takes that mail as usual. The auto-reply goes once per conversation and rule, to the sender
alone, as an automatic reply (`Auto-Submitted`, no signature, not the team's answer for the SLA)
and never to mail no automatic reply may answer (`inbox.auto_ack`). A rule that cannot do what
it says here (its agent left the team, its template no longer renders) raises `RuleBroken`.
Flushes, never commits.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.labels import priority_label
from app.core.models import (
    AuditEvent,
    ConversationStatus,
    MessageKind,
    Rule,
    Template,
    User,
    id_of,
)
from gmail_sync.send import ReplyRequest, queue_reply
from inbox.assignment import assign_automatically, hand_out_in_turn
from inbox.auto_ack import why_not_answer_automatically
from inbox.changes import announce_change, change_conversation
from inbox.rule_conditions import Mail
from inbox.rules import RuleActions
from inbox.sla import policy_of, reply_due
from inbox.templates import TemplateError, context_for, render_html, render_text

APPLIED = "rule.applied"


class RuleBroken(Invalid):
    """The rule cannot do what it says for this mail; the message says why."""


@dataclass
class Effect:
    """One action on one conversation: `detail` is what the audit trail records, `skipped`
    why it does nothing here."""

    action: str
    detail: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None
    reply: tuple[str, str | None] | None = None

    def record(self) -> dict[str, Any]:
        done = {"action": self.action, **self.detail}
        return {**done, "skipped": self.skipped} if self.skipped else done


def plan(session: Session, rule_id: int | None, actions: RuleActions, mail: Mail) -> list[Effect]:
    """In the order they are done; `rule_id` None is a rule not saved yet (a dry run)."""
    c = mail.conversation
    effects = []
    if actions.file_as_automated:
        effects.append(
            Effect("file_as_automated", skipped=_("already filed") if c.automated else None)
        )
    if actions.priority is not None:
        same = c.priority == actions.priority
        effects.append(
            Effect(
                "priority", {"priority": actions.priority.value}, _("already so") if same else None
            )
        )
    if actions.tags:
        added = [tag for tag in actions.tags if tag not in c.tags]
        effects.append(Effect("tags", {"added": added}, None if added else _("already tagged")))
    if actions.assign_to is not None:
        effects.append(_plan_assign(session, actions.assign_to, mail))
    if actions.assign_in_turn:
        effects.append(_plan_turn(actions, mail))
    if actions.auto_reply_template_id is not None:
        effects.append(_plan_reply(session, rule_id, actions.auto_reply_template_id, mail))
    if actions.close:
        closed = c.status == ConversationStatus.CLOSED
        effects.append(Effect("close", skipped=_("already closed") if closed else None))
    return effects


def _plan_assign(session: Session, agent_id: int, mail: Mail) -> Effect:
    agent = session.get(User, agent_id)
    if agent is None or agent.workspace_id != mail.conversation.workspace_id or not agent.is_active:
        raise RuleBroken(
            _("member {id} is no longer an active member of the team").format(id=agent_id)
        )
    detail = {"agent_id": agent_id, "agent": agent.name or agent.email}
    if mail.conversation.assignee_id is not None:
        return Effect("assign", detail, _("it already has an owner"))
    if not agent.is_available:
        return Effect("assign", detail, _("{agent} is away").format(agent=detail["agent"]))
    return Effect("assign", detail)


def _plan_turn(actions: RuleActions, mail: Mail) -> Effect:
    c = mail.conversation
    if c.assignee_id is not None:
        return Effect("assign_in_turn", skipped=_("it already has an owner"))
    if c.automated or actions.file_as_automated or c.status != ConversationStatus.OPEN:
        return Effect("assign_in_turn", skipped=_("it is not open work"))
    return Effect("assign_in_turn")


def _plan_reply(session: Session, rule_id: int | None, template_id: int, mail: Mail) -> Effect:
    template = session.get(Template, template_id)
    if template is None or template.workspace_id != mail.conversation.workspace_id:
        raise RuleBroken(_("template {id} no longer exists").format(id=template_id))
    detail: dict[str, Any] = {"template_id": template_id, "template": template.name}
    if rule_id is not None and _replied_before(session, rule_id, id_of(mail.conversation)):
        return Effect("auto_reply", detail, _("this rule answered the conversation before"))
    refusal = why_not_answer_automatically(session, mail.conversation.workspace_id, mail.message)
    if refusal is not None:
        return Effect("auto_reply", detail, refusal)
    return Effect("auto_reply", detail, reply=_render(session, template, mail))


def _render(session: Session, template: Template, mail: Mail) -> tuple[str, str | None]:
    """With the reply due time the client is owed, as the acknowledgement has it."""
    c = mail.conversation
    received = mail.message.date or c.last_inbound_at
    due = None
    if received is not None:
        policy = policy_of(session, c.workspace_id)
        answered = c.first_response_at is not None
        due = reply_due(policy, received, answered=answered, priority=c.priority)
    variables = context_for(session, c, None, reply_due=due).variables()
    try:
        text = render_text(template.body_text, variables)
        html = render_html(template.body_html, variables) if template.body_html else None
    except TemplateError as exc:
        message = _("template “{name}” does not render: {error}")
        raise RuleBroken(message.format(name=template.name, error=exc)) from None
    return text, html


def _replied_before(session: Session, rule_id: int, conversation_id: int) -> bool:
    applied = session.exec(
        select(AuditEvent.details).where(
            AuditEvent.conversation_id == conversation_id, col(AuditEvent.action) == APPLIED
        )
    )
    return any(
        details.get("rule_id") == rule_id
        and any(e["action"] == "auto_reply" and not e.get("skipped") for e in details["did"])
        for details in applied
    )


def apply(session: Session, rule: Rule, effects: list[Effect], mail: Mail, now: datetime) -> None:
    """Does what `plan` found to do, filling in what only doing tells (who got it in turn,
    the reply's id)."""
    c = mail.conversation
    reason = f"rule “{rule.name}”"
    for effect in effects:
        if effect.skipped:
            continue
        if effect.action == "file_as_automated":
            c.automated, c.updated_at = True, now
            session.add(c)
            session.flush()
            announce_change(session, c, {"automated": [False, True]}, now)
        elif effect.action == "priority":
            _change(session, mail, {"priority": effect.detail["priority"]}, now)
        elif effect.action == "tags":
            _change(session, mail, {"tags": [*c.tags, *effect.detail["added"]]}, now)
        elif effect.action == "assign":
            assign_automatically(session, c, effect.detail["agent_id"], now, reason=reason)
        elif effect.action == "assign_in_turn":
            _hand_out(session, effect, mail, reason, now)
        elif effect.action == "auto_reply":
            _reply(session, effect, mail, now)
        elif effect.action == "close":
            _change(session, mail, {"status": ConversationStatus.CLOSED}, now)


def _change(session: Session, mail: Mail, changes: dict[str, Any], now: datetime) -> None:
    change_conversation(
        session=session, conversation=mail.conversation, actor=None, changes=changes, now=now
    )


def _hand_out(session: Session, effect: Effect, mail: Mail, reason: str, now: datetime) -> None:
    c = mail.conversation
    given = hand_out_in_turn(
        session=session,
        workspace_id=c.workspace_id,
        conversation_ids=[id_of(c)],
        now=now,
        reason=reason,
    )
    if id_of(c) in given:
        effect.detail["agent_id"] = given[id_of(c)]
    else:
        effect.skipped = _("no agent is available")


def _reply(session: Session, effect: Effect, mail: Mail, now: datetime) -> None:
    assert effect.reply is not None, "planned with its text"
    text, html = effect.reply
    request = ReplyRequest(
        body_text=text,
        body_html=html,
        mode="sender",
        answered_id=mail.message.id,
        kind=MessageKind.AUTO_ACK,
    )
    queued = queue_reply(
        session=session,
        conversation=mail.conversation,
        author=None,
        request=request,
        now=now,
        delay=timedelta(0),
    )
    effect.detail["message_id"] = queued.message.id


def describe(effect: Effect) -> str:
    """The effect as a person reads it, in their language (the dry run shows it)."""
    detail = effect.detail
    said = {
        "file_as_automated": lambda: _("file as automated"),
        "priority": lambda: _("set priority {priority}").format(
            priority=priority_label(detail["priority"])
        ),
        "tags": lambda: _("add tags {tags}").format(tags=", ".join(detail["added"]) or "-"),
        "assign": lambda: _("assign to {agent}").format(agent=detail["agent"]),
        "assign_in_turn": lambda: _("hand out in turn"),
        "auto_reply": lambda: _("auto-reply with “{template}”").format(template=detail["template"]),
        "close": lambda: _("close"),
    }[effect.action]()
    return f"{said} ({effect.skipped})" if effect.skipped else said
