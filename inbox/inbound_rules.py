"""Running the workspace's routing rules on a client's new mail, and trying a rule on past mail.

After a sync, each new live inbound message (never history imported at connection, never the
copy of a mail in a second mailbox) meets the enabled rules in their order; every rule whose
conditions hold does its actions, and one that says `stop_processing` ends the run for that
mail. Rules run after urgency is known and before round-robin assignment, so a rule can ask for
urgent mail and its assignment comes first.

Each rule runs in a savepoint: a rule that fails (its agent left, its template no longer
renders, anything unexpected) is undone alone, logged, recorded as an audit event
`rule.failed` and as the rule's `last_error` (the settings page shows it), and the next rule
runs; the sync and the other after-sync work go on. A rule that did something leaves an audit
event `rule.applied` naming it and what it did. Flushes, never commits.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.core.errors import TandemError
from app.core.models import (
    AuditEvent,
    Conversation,
    Direction,
    Mailbox,
    Message,
    Rule,
    id_of,
    utcnow,
)
from gmail_sync.sync import SyncReport
from inbox.new_mail import new_client_mail
from inbox.rule_actions import APPLIED, Effect, RuleBroken, apply, plan
from inbox.rule_conditions import Mail, matches
from inbox.rules import RuleBodyIn, actions_of, check_rule, conditions_of, rules_of

logger = logging.getLogger(__name__)

FAILED = "rule.failed"
#: How many of the latest conversations a dry run looks at.
DRY_RUN_CONVERSATIONS = 200


def apply_rules(session: Session, report: SyncReport) -> None:
    """After a sync: the rules meet each new live inbound message, oldest first."""
    mailbox = session.get(Mailbox, report.mailbox_id) if report.live_message_ids else None
    if mailbox is None:
        return
    rules = rules_of(session, mailbox.workspace_id, enabled_only=True)
    if not rules:
        return
    rows = new_client_mail(session, report)
    now = utcnow()
    for message, conversation in rows:
        run_rules(session, rules, Mail(session, message, conversation), now)


def run_rules(session: Session, rules: list[Rule], mail: Mail, now: datetime) -> None:
    """Matching only reads, so only a rule that matched opens a savepoint to act in: most
    rules match most mail not, and a savepoint per rule and mail was most of their cost."""
    for rule in rules:
        try:
            if not matches(conditions_of(rule), mail):
                continue
            with session.begin_nested():
                _act(session, rule, mail, now)
        except Exception as exc:  # a rule's boundary: whatever breaks, the next rule runs
            _failed(session, rule, mail, exc, now)
            continue
        if rule.stop_processing:
            return


def _act(session: Session, rule: Rule, mail: Mail, now: datetime) -> None:
    effects = plan(session, id_of(rule), actions_of(rule), mail)
    apply(session, rule, effects, mail, now)
    if all(effect.skipped for effect in effects):
        return
    session.add(
        AuditEvent(
            workspace_id=rule.workspace_id,
            conversation_id=mail.conversation.id,
            action=APPLIED,
            details={
                "rule_id": rule.id,
                "rule": rule.name,
                "message_id": mail.message.id,
                "did": [effect.record() for effect in effects],
            },
            created_at=now,
        )
    )
    session.flush()


def _failed(session: Session, rule: Rule, mail: Mail, exc: Exception, now: datetime) -> None:
    """After the savepoint is undone: the rule and the conversation are read again, as they
    were before the rule ran."""
    error = str(exc) if isinstance(exc, TandemError) else f"{type(exc).__name__}: {exc}"
    extra = {"rule_id": rule.id, "message_id": mail.message.id, "error": error}
    if isinstance(exc, RuleBroken):
        logger.warning("rule failed", extra=extra)
    else:
        logger.exception("rule failed", extra=extra)
    rule.last_error, rule.last_error_at = error[:2000], now
    session.add(rule)
    session.add(
        AuditEvent(
            workspace_id=rule.workspace_id,
            conversation_id=mail.conversation.id,
            action=FAILED,
            details={
                "rule_id": rule.id,
                "rule": rule.name,
                "message_id": mail.message.id,
                "error": error[:2000],
            },
            created_at=now,
        )
    )
    session.flush()


@dataclass(frozen=True)
class DryRunMatch:
    """A past conversation the rule would have matched on its first inbound message, with what
    it would do to it now, or why it would fail."""

    conversation: Conversation
    message: Message
    effects: list[Effect]
    error: str | None


def dry_run(session: Session, workspace_id: int, body: RuleBodyIn) -> list[DryRunMatch]:
    """Newest first; writes nothing. The rule is checked as saving it would check it."""
    check_rule(session, workspace_id, body)
    latest = session.exec(
        select(Conversation)
        .where(Conversation.workspace_id == workspace_id)
        .order_by(
            col(Conversation.first_message_at).desc().nulls_last(), col(Conversation.id).desc()
        )
        .limit(DRY_RUN_CONVERSATIONS)
    ).all()
    first = _first_inbound(session, [id_of(c) for c in latest])
    found = []
    for conversation in latest:
        message = first.get(id_of(conversation))
        if message is None:
            continue
        mail = Mail(session, message, conversation)
        if not matches(body.conditions, mail):
            continue
        try:
            effects, error = plan(session, None, body.actions, mail), None
        except RuleBroken as exc:
            effects, error = [], str(exc)
        found.append(DryRunMatch(conversation, message, effects, error))
    return found


def _first_inbound(session: Session, conversation_ids: list[int]) -> dict[int, Message]:
    messages = session.exec(
        select(Message)
        .where(
            col(Message.conversation_id).in_(conversation_ids),
            col(Message.direction) == Direction.INBOUND,
            col(Message.duplicate_of_id).is_(None),
        )
        .order_by(col(Message.conversation_id), col(Message.date), col(Message.id))
    )
    first: dict[int, Message] = {}
    for message in messages:
        first.setdefault(message.conversation_id, message)
    return first
