"""Routing rules for inbound mail as admins keep them: what a rule may say (its conditions and
actions, validated), listing them in order, adding, changing, reordering and removing them.

A rule is an ordered list entry: when every condition it sets holds for a client's new mail,
its actions run (`inbox.inbound_rules` runs them after a sync; `inbox.rule_conditions` and
`inbox.rule_actions` say what each means). Conditions and actions are stored as JSON, checked
here on the way in: an unknown key, a bad sender pattern, a tag too long, an agent, mailbox or
template that is not the workspace's, or a rule without any condition or action is refused
with a message naming the field (422). The REST API and the settings page validate with the
same models and call the same functions. Flushes, never commits.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Mailbox, Priority, Rule, Template, User, id_of
from app.core.plain_text import ONE_LINE
from inbox.changes import MAX_TAG_LENGTH, MAX_TAGS

#: How many words or senders one condition may list.
MAX_ENTRIES = 100


def _sender_pattern(text: str) -> str:
    local, at, domain = text.rpartition("@")
    if not at or not domain or "." not in domain or " " in text or "@" in local:
        raise ValueError(
            _("“{text}” is neither an address (anna@client.com) nor a domain (@client.com)").format(
                text=text
            )
        )
    return text


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    ONE_LINE,
    Field(examples=["Invoices to billing"]),
]
Sender = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=320),
    ONE_LINE,
    AfterValidator(_sender_pattern),
]
Word = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), ONE_LINE
]
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TAG_LENGTH), ONE_LINE
]


class WordsIn(StrEnum):
    SUBJECT = "subject"
    BODY = "body"
    ANYWHERE = "subject_or_body"


class Client(StrEnum):
    KNOWN = "known"
    NEW = "new"


class RuleConditions(BaseModel):
    """All that are set must hold; a field left out (null, an empty list) asks nothing."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"senders": ["@client.com"], "words": ["invoice", "счёт"]}]
        },
    )

    mailbox_id: int | None = Field(default=None, description="Mail to this mailbox only.")
    senders: list[Sender] = Field(
        default_factory=list,
        max_length=MAX_ENTRIES,
        description="Any of these senders: an exact address, or @domain for a whole domain.",
    )
    words: list[Word] = Field(
        default_factory=list,
        max_length=MAX_ENTRIES,
        description="Any of these words or phrases, in any case and any inflected form "
        "(«заказ» finds «заказа», invoice finds invoices).",
    )
    words_in: WordsIn = Field(
        default=WordsIn.ANYWHERE, description="Where the words are looked for."
    )
    language: Literal["en", "ru"] | None = Field(
        default=None, description="The language most of the mail is written in."
    )
    urgent: bool | None = Field(
        default=None, description="The conversation is urgent (true) or not (false)."
    )
    automated: bool | None = Field(
        default=None,
        description="The mail is automated: a newsletter, bounce or auto-reply (true), or a "
        "person's (false).",
    )
    client: Client | None = Field(
        default=None,
        description="known: the client had an earlier conversation; new: this is their first.",
    )

    def is_empty(self) -> bool:
        return not any(
            (
                self.mailbox_id is not None,
                self.senders,
                self.words,
                self.language,
                self.urgent is not None,
                self.automated is not None,
                self.client,
            )
        )


class RuleActions(BaseModel):
    """Done in this order when the rule matches: file, priority, tags, assign, reply, close."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"tags": ["billing"], "priority": "high"}]},
    )

    assign_to: int | None = Field(
        default=None,
        description="Give the conversation to this member, when it has no owner yet and they "
        "are available (else round-robin takes it, as usual).",
    )
    assign_in_turn: bool = Field(
        default=False,
        description="Hand the conversation to the next available agent in turn, even when the "
        "workspace's automatic assignment is off.",
    )
    priority: Priority | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS, description="Tags added.")
    file_as_automated: bool = Field(
        default=False,
        description="File it with automated mail: out of the open-work views, assigned to "
        "nobody, until a person writes in.",
    )
    close: bool = False
    auto_reply_template_id: int | None = Field(
        default=None,
        description="Answer the sender with this template, once per conversation, as an "
        "automatic reply (never to automated mail or no-reply addresses).",
    )

    def is_empty(self) -> bool:
        return not any(
            (
                self.assign_to is not None,
                self.assign_in_turn,
                self.priority,
                self.tags,
                self.file_as_automated,
                self.close,
                self.auto_reply_template_id is not None,
            )
        )


class RuleBodyIn(BaseModel):
    """What a rule says; a dry run takes this without saving it."""

    conditions: RuleConditions
    actions: RuleActions


class RuleIn(RuleBodyIn):
    name: Name
    enabled: bool = True
    stop_processing: bool = Field(
        default=False, description="When it matches, later rules do not run for that mail."
    )


class RulePatchIn(BaseModel):
    """Only the fields sent change; conditions and actions are replaced whole."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"enabled": False}]})

    name: Name | None = None
    enabled: bool | None = None
    stop_processing: bool | None = None
    conditions: RuleConditions | None = None
    actions: RuleActions | None = None


class RuleOrderIn(BaseModel):
    ids: list[int] = Field(
        max_length=1000,
        examples=[[3, 1, 2]],
        description="Every rule's id, once, in the order they run.",
    )


def conditions_of(rule: Rule) -> RuleConditions:
    return RuleConditions.model_validate(rule.conditions)


def actions_of(rule: Rule) -> RuleActions:
    return RuleActions.model_validate(rule.actions)


def rules_of(session: Session, workspace_id: int, *, enabled_only: bool = False) -> list[Rule]:
    """In the order they run."""
    query = select(Rule).where(Rule.workspace_id == workspace_id)
    if enabled_only:
        query = query.where(col(Rule.enabled))
    return list(session.exec(query.order_by(col(Rule.position), col(Rule.id))))


def check_rule(session: Session, workspace_id: int, body: RuleBodyIn) -> None:
    """The checks that need the database, or that concern the rule as a whole."""
    conditions, actions = body.conditions, body.actions
    if conditions.is_empty():
        raise Invalid(_("conditions: a rule needs at least one condition"))
    if actions.is_empty():
        raise Invalid(_("actions: a rule needs at least one action"))
    if actions.assign_to is not None and actions.assign_in_turn:
        raise Invalid(_("actions: assign_to and assign_in_turn exclude each other"))
    if conditions.mailbox_id is not None:
        mailbox = session.get(Mailbox, conditions.mailbox_id)
        if mailbox is None or mailbox.workspace_id != workspace_id:
            message = _("conditions.mailbox_id: no mailbox {id} in this workspace")
            raise Invalid(message.format(id=conditions.mailbox_id))
    if actions.assign_to is not None:
        user = session.get(User, actions.assign_to)
        if user is None or user.workspace_id != workspace_id or not user.is_active:
            message = _("actions.assign_to: {id} is not an active member of this workspace")
            raise Invalid(message.format(id=actions.assign_to))
    template_id = actions.auto_reply_template_id
    if template_id is not None:
        template = session.get(Template, template_id)
        if template is None or template.workspace_id != workspace_id:
            message = _("actions.auto_reply_template_id: no template {id} in this workspace")
            raise Invalid(message.format(id=template_id))


def add_rule(*, session: Session, admin: User, body: RuleIn, now: datetime) -> Rule:
    """Added last: a new rule never jumps ahead of the ones the team already relies on."""
    check_rule(session, admin.workspace_id, body)
    last = session.exec(
        select(func.max(Rule.position)).where(Rule.workspace_id == admin.workspace_id)
    ).one()
    rule = Rule(
        workspace_id=admin.workspace_id,
        name=body.name,
        enabled=body.enabled,
        stop_processing=body.stop_processing,
        position=(last or 0) + 1,
        conditions=_stored(body.conditions),
        actions=_stored(body.actions),
        created_by_id=admin.id,
        created_at=now,
        updated_at=now,
    )
    session.add(rule)
    session.flush()
    return rule


def change_rule(*, session: Session, rule: Rule, body: RulePatchIn, now: datetime) -> Rule:
    """New conditions or actions are checked with the rest of the rule and clear its last
    error (whoever fixed it need not see the old one); a name or a switch alone is never
    refused, so a broken rule can always be turned off."""
    if body.conditions is not None or body.actions is not None:
        conditions = body.conditions or conditions_of(rule)
        actions = body.actions or actions_of(rule)
        check_rule(session, rule.workspace_id, RuleBodyIn(conditions=conditions, actions=actions))
        rule.conditions, rule.actions = _stored(conditions), _stored(actions)
        rule.last_error = rule.last_error_at = None
    for name in ("name", "enabled", "stop_processing"):
        value = getattr(body, name)
        if value is not None:
            setattr(rule, name, value)
    rule.updated_at = now
    session.add(rule)
    session.flush()
    return rule


def remove_rule(*, session: Session, rule: Rule) -> None:
    session.delete(rule)
    session.flush()


def order_rules(*, session: Session, workspace_id: int, ids: list[int]) -> list[Rule]:
    """The rules in the order given, which must name each of them once."""
    rules = {id_of(rule): rule for rule in rules_of(session, workspace_id)}
    missing = [rule_id for rule_id in rules if rule_id not in ids]
    unknown = [rule_id for rule_id in ids if rule_id not in rules]
    if missing or unknown or len(set(ids)) != len(ids):
        message = _("ids: list every rule once (missing: {missing}; unknown or repeated: {extra})")
        repeated = [rule_id for rule_id in set(ids) if ids.count(rule_id) > 1]
        raise Invalid(
            message.format(
                missing=", ".join(map(str, missing)) or "-",
                extra=", ".join(map(str, unknown + repeated)) or "-",
            )
        )
    ordered = [rules[rule_id] for rule_id in ids]
    _number(session, ordered)
    return ordered


def move_rule(*, session: Session, rule: Rule, step: Literal[-1, 1]) -> None:
    """One place earlier (-1) or later (1); the first stays first, the last last."""
    ordered = rules_of(session, rule.workspace_id)
    index = ordered.index(rule)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    _number(session, ordered)


def _number(session: Session, ordered: list[Rule]) -> None:
    for position, rule in enumerate(ordered, start=1):
        rule.position = position
        session.add(rule)
    session.flush()


def _stored(model: BaseModel) -> dict[str, Any]:
    """Only what is set, so the stored JSON reads like what the admin wrote."""
    return model.model_dump(mode="json", exclude_defaults=True)
