# ruff: noqa: RUF002 - the docstring shows a Russian time
"""Renders canned replies, the automatic acknowledgement and the resolution message from the
variables of one conversation; it owns the template language and must never know the web layer.

Templates use Jinja2 syntax, sandboxed and cut down to what a reply needs, so a template written
by any agent can neither run code nor print something other than the variables below:
`{{ contact.first_name }}`, a few filters (`{{ contact.name | upper }}`) and
`{% if promised_time %}…{% elif … %}…{% else %}…{% endif %}`. Any other statement, function
calls, indexing and arithmetic are refused. An unknown variable is an error when the template
is saved and when it is rendered, never an empty string.

The variables (`VARIABLES` holds them with their descriptions for the API and the UI):
- `contact.name`, `contact.first_name`, `contact.email`: the client. Without a stored name the
  email's local part stands in ("anna.petrova"), which reads right in any language, unlike a
  generic "there"; `first_name` is the first word of the name. All empty when the conversation
  has no client yet (a thread the team started).
- `agent.name`, `agent.first_name`, `agent.email`: who replies; without a name, the email's local
  part. Automatic messages have no agent: then all three are the mailbox's name and address.
- `conversation.number` (the bare id, write `#{{ conversation.number }}`),
  `conversation.subject`.
- `mailbox.email`, `mailbox.name` (its display name, or the workspace's name).
- `promised_time`, `reply_due`: the promised reply time and the SLA due time given by the caller,
  in the mailbox's language and the workspace's time zone, the zone named ("Tuesday 24
  November, 15:00 (CET)", «вторник, 24 ноября, 15:00 (МСК)»). When there is none the variable
  is false, so `{% if reply_due %}` works, and printing it is an error: the preview says so, and
  a sentence like «Ответим до .» never goes out.

Block tags swallow their own line (trim_blocks, lstrip_blocks), so an `{% if %}` on a line of its
own leaves no blank line in a plain-text mail.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from sqlmodel import Session

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.core.models import Contact, Conversation, Mailbox, Template, User, Workspace, id_of
from app.core.zones import zone_or_utc
from inbox.client_time import client_time
from inbox.written_language import client_writes_in


def described_variables() -> dict[str, str]:
    """Each variable with what it holds, in the reader's language, for the API and the UI."""
    return {
        "contact.name": _("The client's name, or the local part of their email when it is unknown"),
        "contact.first_name": _("The first word of the client's name"),
        "contact.email": _("The client's email address"),
        "agent.name": _("The replying agent's name (the mailbox's name in automatic messages)"),
        "agent.first_name": _("The first word of the agent's name"),
        "agent.email": _("The replying agent's email address"),
        "conversation.number": _(
            "The conversation's number, e.g. 123 (write #{{ conversation.number }})"
        ),
        "conversation.subject": _("The conversation's subject"),
        "mailbox.email": _("The support mailbox's address"),
        "mailbox.name": _("The support mailbox's display name (or the workspace's name)"),
        "promised_time": _(
            "The reply time promised to the client, e.g. 'Tuesday 24 November, 15:00 "
            "(CET)', in the mailbox's language; without a promise, use it inside "
            "{% if promised_time %}…{% endif %}"
        ),
        "reply_due": _(
            "When the client will hear back at the latest (the SLA), in the same format; "
            "without a due time, use it inside {% if reply_due %}…{% endif %}"
        ),
    }


#: The variables a template may use.
VARIABLES = tuple(described_variables())

FILTERS = ("capitalize", "default", "lower", "title", "trim", "truncate", "upper")

#: The syntax a template may use; anything else is refused before it is ever compiled.
ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Const,
    nodes.Filter,
    nodes.Keyword,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Concat,
    nodes.CondExpr,
)


def _refused_names() -> dict[type[nodes.Node], str]:
    """What a refused piece of syntax is called in the refusal, in the reader's words."""
    return {
        nodes.Call: _("calling a function"),
        nodes.Getitem: _("indexing with [ ]"),
        nodes.BinExpr: _("arithmetic"),
        nodes.Assign: "{% set %}",
        nodes.AssignBlock: "{% set %}",
        nodes.FromImport: "{% from %}",
    }


class TemplateError(Invalid, ValueError):
    """A template that cannot be saved or rendered; the message is shown to the user as is
    (a 422 through the API, since it is an `Invalid`)."""


class NoTime:
    """A time this conversation does not have: false in `{% if %}`, and an error when printed,
    so a sentence never goes out with a hole where the time should be."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        raise TemplateError(
            _(
                "{{ %(name)s }} has no value for this conversation: put the sentence that uses "
                "it inside {%% if %(name)s %%}…{%% endif %%}"
            )
            % {"name": self.name}
        )

    __html__ = __str__


def _environment(*, html: bool) -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.clear()
    environment.tests.clear()
    environment.filters = {name: environment.filters[name] for name in FILTERS}
    return environment


TEXT_ENVIRONMENT = _environment(html=False)
HTML_ENVIRONMENT = _environment(html=True)


def _dotted(node: nodes.Node) -> str | None:
    """`contact.name` for a chain of attributes on a name; None for anything else."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _refused(node: nodes.Node) -> TemplateError:
    what = next((name for kind, name in _refused_names().items() if isinstance(node, kind)), None)
    if what is None:
        kind = type(node).__name__.lower()
        what = f"{{% {kind} %}}" if isinstance(node, nodes.Stmt) else kind
    return TemplateError(
        _(
            "line %(line)s: %(what)s is not allowed in a template; "
            "use variables, filters and {%% if %%}"
        )
        % {"line": node.lineno, "what": what}
    )


def _collect_variables(node: nodes.Node, used: list[str]) -> None:
    """Appends every variable `node` reads to `used`; raises on syntax outside the subset."""
    path = _dotted(node)
    if path is not None:
        used.append(path)
        return
    if not isinstance(node, ALLOWED_NODES):
        raise _refused(node)
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        raise TemplateError(
            _("line %(line)s: unknown filter %(filter)r; the filters are %(filters)s")
            % {"line": node.lineno, "filter": node.name, "filters": ", ".join(FILTERS)}
        )
    for child in node.iter_child_nodes():
        _collect_variables(child, used)


def check_template(text: str) -> None:
    """Raises TemplateError naming every unknown variable, or the syntax error and its line."""
    _compile(text, html=False)


def _check_variables(tree: nodes.Template) -> None:
    used: list[str] = []
    _collect_variables(tree, used)
    unknown = list(dict.fromkeys(name for name in used if name not in VARIABLES))
    if unknown:
        names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
        raise TemplateError(
            ngettext(
                "unknown variable %(names)s; the variables are %(variables)s",
                "unknown variables %(names)s; the variables are %(variables)s",
                len(unknown),
            )
            % {"names": names, "variables": ", ".join(VARIABLES)}
        )


@lru_cache(maxsize=256)
def _compile(text: str, *, html: bool) -> jinja2.Template:
    """Cached: the same few templates render for every acknowledgement; a refused template
    raises, so it is never cached."""
    environment = HTML_ENVIRONMENT if html else TEXT_ENVIRONMENT
    try:
        tree = environment.parse(text)
        _check_variables(tree)
        return environment.from_string(tree)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            _("template syntax error on line %(line)s: %(error)s")
            % {"line": exc.lineno, "error": exc.message}
        ) from None
    except RecursionError:
        raise TemplateError(_("the template nests expressions too deeply")) from None


def _render(template: jinja2.Template, variables: Mapping[str, object]) -> str:
    try:
        return template.render(variables)
    except (jinja2.TemplateError, TypeError) as exc:
        raise TemplateError(_("cannot render the template: %(error)s") % {"error": exc}) from None


def render_text(text: str, variables: Mapping[str, object]) -> str:
    """A plain-text body: values go in verbatim."""
    return _render(_compile(text, html=False), variables)


def render_html(html: str, variables: Mapping[str, object]) -> str:
    """An HTML body: the template's own markup stays, every value is HTML-escaped, so a
    contact named `<script>` is text, never markup."""
    return _render(_compile(html, html=True), variables)


def _local_part(email: str) -> str:
    return email.partition("@")[0]


def _first_word(name: str) -> str:
    words = name.split()
    return words[0] if words else ""


def _person(name: str, first_name: str, email: str) -> dict[str, str]:
    return {"name": name, "first_name": first_name, "email": email}


@dataclass(frozen=True)
class TemplateContext:
    """The raw facts of one conversation; `variables()` applies the documented fallbacks.

    Empty `agent_email` means no agent (an automatic message). Times are aware.
    """

    contact_name: str
    contact_email: str
    agent_name: str
    agent_email: str
    conversation_number: int
    conversation_subject: str
    mailbox_email: str
    mailbox_name: str
    promised_at: datetime | None
    reply_due: datetime | None
    timezone: str
    language: str = "en"

    def variables(self) -> dict[str, object]:
        contact_name = self.contact_name.strip() or _local_part(self.contact_email)
        if self.agent_email:
            agent_name = self.agent_name.strip() or _local_part(self.agent_email)
            agent = _person(agent_name, _first_word(agent_name), self.agent_email)
        else:
            agent = _person(self.mailbox_name, self.mailbox_name, self.mailbox_email)
        return {
            "contact": _person(contact_name, _first_word(contact_name), self.contact_email),
            "agent": agent,
            "conversation": {
                "number": self.conversation_number,
                "subject": self.conversation_subject,
            },
            "mailbox": {"email": self.mailbox_email, "name": self.mailbox_name},
            "promised_time": self._time("promised_time", self.promised_at),
            "reply_due": self._time("reply_due", self.reply_due),
        }

    def _time(self, name: str, when: datetime | None) -> object:
        if when is None:
            return NoTime(name)
        return client_time(when, zone_or_utc(self.timezone), self.language)


def client_language(session: Session, mailbox: Mailbox) -> str:
    """The language the mailbox writes to clients in: its own, else its workspace's."""
    if mailbox.language:
        return mailbox.language
    workspace = session.get(Workspace, mailbox.workspace_id)
    return workspace.language if workspace else "en"


def answering_language(session: Session, conversation: Conversation) -> str:
    """The language to answer the client in: the one their latest mail is written in, else,
    when that cannot be told, the mailbox's."""
    written = client_writes_in(session, conversation)
    if written is not None:
        return written
    mailbox = session.get(Mailbox, conversation.mailbox_id)
    return client_language(session, mailbox) if mailbox is not None else "en"


def context_for(
    session: Session,
    conversation: Conversation,
    agent: User | None,
    *,
    reply_due: datetime | None = None,
    language: str | None = None,
) -> TemplateContext:
    """Reads the conversation's client, mailbox and workspace; `agent` None for automatic mail.
    The times are written in `language`, by default the mailbox's."""
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    mailbox = session.get(Mailbox, conversation.mailbox_id)
    workspace = session.get(Workspace, conversation.workspace_id)
    if mailbox is None or workspace is None:
        raise ValueError(f"conversation {conversation.id} has no mailbox or workspace")
    return TemplateContext(
        contact_name=contact.name if contact else "",
        contact_email=contact.email if contact else "",
        agent_name=agent.name if agent else "",
        agent_email=agent.email if agent else "",
        conversation_number=id_of(conversation),
        conversation_subject=conversation.subject,
        mailbox_email=mailbox.email,
        mailbox_name=mailbox.display_name.strip() or workspace.name,
        promised_at=conversation.promised_at,
        reply_due=reply_due,
        timezone=workspace.timezone,
        language=language or client_language(session, mailbox),
    )


def render_for(
    session: Session, template: Template, conversation: Conversation, agent: User | None
) -> tuple[str, str | None]:
    """A canned reply's text and HTML for one conversation, with its SLA due time as
    `reply_due`: what a reply, a resolution message and the preview all send."""
    values = context_for(session, conversation, agent, reply_due=conversation.sla_due_at)
    text = render_text(template.body_text, values.variables())
    html = render_html(template.body_html, values.variables()) if template.body_html else None
    return text, html
