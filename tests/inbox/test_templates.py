# ruff: noqa: RUF001 - Russian text is the point
"""inbox.templates: variables render with their fallbacks, HTML escapes every value,
and an unknown variable or unsupported syntax is an error with a message, never an empty
string."""

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Contact, Conversation, Mailbox, User, Workspace, id_of
from inbox.templates import (
    VARIABLES,
    TemplateContext,
    TemplateError,
    check_template,
    context_for,
    render_html,
    render_text,
)

PROMISED = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CONTEXT = TemplateContext(
    contact_name="Anna Petrova",
    contact_email="anna@client.test",
    agent_name="Boris Ivanov",
    agent_email="boris@acme.test",
    conversation_number=123,
    conversation_subject="Invoice question",
    mailbox_email="support@acme.test",
    mailbox_name="Acme Support",
    promised_at=PROMISED,
    reply_due=None,
    timezone="Europe/Moscow",
)
EVERY_VARIABLE = " ".join(f"[{{{{ {name} }}}}]" for name in VARIABLES)


def test_every_variable_renders() -> None:
    due = replace(CONTEXT, reply_due=datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    rendered = render_text(EVERY_VARIABLE, due.variables())

    assert rendered == (
        "[Anna Petrova] [Anna] [anna@client.test] [Boris Ivanov] [Boris] [boris@acme.test] "
        "[123] [Invoice question] [support@acme.test] [Acme Support] "
        "[Tuesday 24 November, 15:00 (MSK)] [Wednesday 25 November, 09:00 (MSK)]"
    )


def test_promised_time_is_shown_in_the_workspace_zone_and_names_it() -> None:
    """12:00 UTC is 15:00 in Moscow and 04:00 in Los Angeles, where it is still Tuesday."""
    los_angeles = replace(CONTEXT, timezone="America/Los_Angeles", reply_due=PROMISED)
    assert render_text("{{ reply_due }}", los_angeles.variables()) == (
        "Tuesday 24 November, 04:00 (PST)"
    )
    tokyo = replace(CONTEXT, timezone="Asia/Tokyo")
    assert render_text("{{ promised_time }}", tokyo.variables()) == (
        "Tuesday 24 November, 21:00 (JST)"
    )
    kolkata = replace(CONTEXT, timezone="Asia/Kolkata")
    assert render_text("{{ promised_time }}", kolkata.variables()) == (
        "Tuesday 24 November, 17:30 (IST)"
    )
    sao_paulo = replace(CONTEXT, timezone="America/Sao_Paulo")
    assert render_text("{{ promised_time }}", sao_paulo.variables()) == (
        "Tuesday 24 November, 09:00 (UTC\u22123)"
    )
    broken = replace(CONTEXT, timezone="Mars/Olympus")
    assert render_text("{{ promised_time }}", broken.variables()) == (
        "Tuesday 24 November, 12:00 (UTC)"
    )


def test_times_are_written_in_the_mailboxs_language_and_russian_zones_from_moscow() -> None:
    russian = replace(CONTEXT, language="ru", reply_due=datetime(2026, 12, 4, 15, tzinfo=UTC))
    text = "Ответим до {{ reply_due }}; обещали: {{ promised_time }}"
    assert render_text(text, russian.variables()) == (
        "Ответим до пятница, 4 декабря, 18:00 (МСК); обещали: вторник, 24 ноября, 15:00 (МСК)"
    )
    yekaterinburg = replace(russian, timezone="Asia/Yekaterinburg")
    assert render_text("{{ reply_due }}", yekaterinburg.variables()) == (
        "пятница, 4 декабря, 20:00 (МСК+2)"
    )
    kaliningrad = replace(CONTEXT, timezone="Europe/Kaliningrad")
    assert render_text("{{ promised_time }}", kaliningrad.variables()) == (
        "Tuesday 24 November, 14:00 (MSK\u22121)"
    )


def test_a_time_the_conversation_lacks_is_an_error_when_printed_never_a_hole() -> None:
    """«Ответим до .» must never reach a client: the preview and the send refuse it."""
    undue = replace(CONTEXT, language="ru")
    with pytest.raises(TemplateError, match=r"\{\{ reply_due \}\} has no value"):
        render_text("Ответим до {{ reply_due }}.", undue.variables())
    with pytest.raises(TemplateError, match=re.escape("inside {% if reply_due %}")):
        render_html("<p>До {{ reply_due | upper }}</p>", undue.variables())
    guarded = "{% if reply_due %}Ответим до {{ reply_due }}.{% else %}Ответим скоро.{% endif %}"
    assert render_text(guarded, undue.variables()) == "Ответим скоро."


def test_an_if_block_leaves_no_blank_line_in_plain_text() -> None:
    text = (
        "Hello {{ contact.first_name }},\n"
        "{% if promised_time %}\n"
        "I will come back by {{ promised_time }}.\n"
        "{% else %}\n"
        "We will answer soon.\n"
        "{% endif %}\n"
        "#{{ conversation.number }}\n"
    )
    promised = render_text(text, CONTEXT.variables())
    assert promised == (
        "Hello Anna,\nI will come back by Tuesday 24 November, 15:00 (MSK).\n#123\n"
    )
    unpromised = render_text(text, replace(CONTEXT, promised_at=None).variables())
    assert unpromised == "Hello Anna,\nWe will answer soon.\n#123\n"


def test_cyrillic_names_render_as_written() -> None:
    russian = replace(CONTEXT, contact_name="Ольга Сергеевна", agent_name="Пётр")
    text = "Здравствуйте, {{ contact.first_name }}! С уважением, {{ agent.name | upper }}"

    assert render_text(text, russian.variables()) == "Здравствуйте, Ольга! С уважением, ПЁТР"
    assert render_html("<p>{{ contact.name }}</p>", russian.variables()) == "<p>Ольга Сергеевна</p>"


def test_missing_names_fall_back_to_the_email_and_automatic_mail_speaks_for_the_mailbox() -> None:
    nameless = replace(CONTEXT, contact_name="  ", agent_name="", agent_email="kim@acme.test")
    values = nameless.variables()
    assert render_text("{{ contact.name }}|{{ contact.first_name }}", values) == "anna|anna"
    assert render_text("{{ agent.name }}", values) == "kim"
    automatic = replace(CONTEXT, agent_name="", agent_email="").variables()
    text = "{{ agent.name }}|{{ agent.first_name }}|{{ agent.email }}"
    assert render_text(text, automatic) == "Acme Support|Acme Support|support@acme.test"


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ('"O\'Brien"', "&#34;O&#39;Brien&#34;"),
    ],
)
def test_html_escapes_values_but_keeps_the_templates_markup(name: str, escaped: str) -> None:
    values = replace(CONTEXT, contact_name=name).variables()

    assert (
        render_html("<p>Hi <b>{{ contact.name }}</b></p>", values) == f"<p>Hi <b>{escaped}</b></p>"
    )
    assert render_text("Hi {{ contact.name }}", values) == f"Hi {name}"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Hi {{ contact.nmae }}", "{{ contact.nmae }}"),
        ("Hi {{ customer }}", "{{ customer }}"),
        ("{% if ticket %}x{% endif %}", "{{ ticket }}"),
        ("Hi {{ contact }}", "{{ contact }}"),
        ("{{ contact.name.__class__ }}", "{{ contact.name.__class__ }}"),
    ],
)
def test_an_unknown_variable_is_refused_at_check_and_at_render(text: str, named: str) -> None:
    with pytest.raises(TemplateError, match="unknown variable") as checked:
        check_template(text)
    assert named in str(checked.value)
    assert "contact.first_name" in str(checked.value), "the message lists the variables"
    for render in (render_text, render_html):
        with pytest.raises(TemplateError, match="unknown variable"):
            render(text, CONTEXT.variables())


def test_every_unknown_variable_is_named_at_once() -> None:
    with pytest.raises(TemplateError, match=r"unknown variables \{\{ a \}\}, \{\{ b.c \}\}"):
        check_template("{{ a }} {{ b.c }} {{ a }}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello {{ contact.name", "syntax error on line 1"),
        ("one\n{% if promised_time %}no end", "syntax error on line 2"),
        ("{% frobnicate %}", "syntax error"),
        ("{% for x in contact.name %}{% endfor %}", "{% for %} is not allowed"),
        ("{% set x = 1 %}", "{% set %} is not allowed"),
        ("{% include 'secrets.txt' %}", "{% include %} is not allowed"),
        ("{{ contact.name.upper() }}", "calling a function is not allowed"),
        ("{{ contact.name * 1000000 }}", "arithmetic is not allowed"),
        ("{{ contact.name[0] }}", "indexing"),
        ("{{ contact.name | center(1000000) }}", "unknown filter 'center'"),
    ],
)
def test_syntax_outside_the_subset_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        check_template(text)
    assert message in str(raised.value)


def test_filters_and_conditions_work() -> None:
    text = (
        "{{ contact.name | lower }} {{ conversation.subject | truncate(10) }} "
        "{{ 'yes' if 'Invoice' in conversation.subject else 'no' }} "
        "{% if not promised_time or conversation.number > 100 %}big{% endif %}"
    )
    assert render_text(text, CONTEXT.variables()) == "anna petrova Invoice... yes big"


def test_a_comparison_of_different_types_is_an_error_not_a_crash() -> None:
    with pytest.raises(TemplateError, match="cannot render"):
        render_text("{% if conversation.number > 'x' %}{% endif %}", CONTEXT.variables())


def test_a_template_error_is_a_value_error_and_a_422() -> None:
    with pytest.raises(ValueError):
        check_template("{{ nope }}")
    assert TemplateError.status_code == 422


def test_context_for_reads_the_client_mailbox_and_workspace_zone(engine: Engine) -> None:
    with session_scope(engine) as session:
        workspace = Workspace(name="Acme", timezone="Europe/Moscow")
        session.add(workspace)
        session.flush()
        mailbox = Mailbox(workspace_id=id_of(workspace), email="support@acme.test")
        contact = Contact(workspace_id=id_of(workspace), email="olga@client.test", name="Ольга")
        agent = User(workspace_id=id_of(workspace), email="petr@acme.test", name="Пётр")
        session.add_all([mailbox, contact, agent])
        session.flush()
        conversation = Conversation(
            workspace_id=id_of(workspace),
            mailbox_id=id_of(mailbox),
            contact_id=id_of(contact),
            gmail_thread_id="t1",
            subject="Счёт",
            promised_at=PROMISED,
        )
        session.add(conversation)
        session.flush()
        context = context_for(session, conversation, agent, reply_due=PROMISED)
        automatic = context_for(session, conversation, None)

    assert context == TemplateContext(
        contact_name="Ольга",
        contact_email="olga@client.test",
        agent_name="Пётр",
        agent_email="petr@acme.test",
        conversation_number=id_of(conversation),
        conversation_subject="Счёт",
        mailbox_email="support@acme.test",
        mailbox_name="Acme",
        promised_at=PROMISED,
        reply_due=PROMISED,
        timezone="Europe/Moscow",
    )
    assert render_text("{{ agent.email }}", automatic.variables()) == "support@acme.test"
