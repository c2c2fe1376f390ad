# ruff: noqa: RUF001 - the Russian default is written with Russian typography
"""The resolution message: telling the client their problem is solved when the team closes a
conversation, in a canned reply or the default text (in the client's language when their mail
says, else the mailbox's, like the automatic acknowledgement), always ending with the question
whether it really is solved and one link per answer (a score 1-5, or "not solved";
`inbox.rating_links`).

It is a reply like an agent's (`gmail_sync.send.queue_reply`, after the pre-send check for
internal context), so it goes to everyone on the thread after the undo window. The links are
bound to the stored message, so they are written into it once it has its id, in the same
transaction, before anything can send it. Flushes, never commits.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import escape
from sqlmodel import Session

from app.core.i18n import gettext as _
from app.core.i18n import reading_as
from app.core.models import Conversation, Message, MessageKind, Template, User, id_of
from gmail_sync.html_text import sanitize_html
from gmail_sync.send import ReplyRequest, queue_reply
from inbox.presend import hold_internal_context
from inbox.rating_links import NOT_SOLVED, SCORES, RatingLinks
from inbox.templates import answering_language, context_for, render_for, render_text

#: The resolution message a team sends until it writes its own canned reply, by the client's
#: language; the rating question and links follow it.
DEFAULT_TEXTS = {
    "en": """Hello {{ contact.first_name }},

we believe your request #{{ conversation.number }} is solved, so we are closing it. \
If anything is still not right, just reply to this message and it opens again.

{{ agent.name }}
{{ mailbox.name }}
""",
    "ru": """Здравствуйте, {{ contact.first_name }}!

Мы считаем, что ваш вопрос (обращение #{{ conversation.number }}) решён, и закрываем \
обращение. Если что-то всё ещё не так, просто ответьте на это письмо — обращение откроется \
снова.

{{ agent.name }}
{{ mailbox.name }}
""",
}


def queue_resolution(
    session: Session,
    *,
    conversation: Conversation,
    template: Template | None,
    author: User,
    links: RatingLinks,
    confirmed: bool,
    now: datetime,
    delay: timedelta,
) -> Message:
    """Queues the resolution message (the template, else the default text) with its rating
    links; held with a Conflict, before anything is stored, where it would show the client
    internal context."""
    if template is not None:
        language = context_for(session, conversation, author).language
        text, html = render_for(session, template, conversation, author)
    else:
        language = answering_language(session, conversation)
        due = conversation.sla_due_at
        values = context_for(session, conversation, author, reply_due=due, language=language)
        default = DEFAULT_TEXTS.get(language, DEFAULT_TEXTS["en"])
        text, html = render_text(default, values.variables()), None
    hold_internal_context(
        session,
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        text=text,
        html=html,
        confirmed=confirmed,
    )
    queued = queue_reply(
        session=session,
        conversation=conversation,
        author=author,
        request=ReplyRequest(body_text=text, body_html=html, kind=MessageKind.RESOLUTION),
        now=now,
        delay=delay,
    )
    message = queued.message
    token = links.token(
        conversation_id=id_of(conversation),
        message_id=id_of(message),
        agent_id=conversation.assignee_id or author.id,
        now=now,
    )
    urls = {choice: links.url(token, choice) for choice in (*reversed(SCORES), NOT_SOLVED)}
    with reading_as(language, ZoneInfo("UTC")):
        block_text, block_html = _rating_text(urls), _rating_html(urls)
    message.text_body = f"{text.rstrip()}\n\n{block_text}"
    message.visible_text = message.text_body
    if html is not None:
        message.html_body = sanitize_html(f"{html}{block_html}")
    session.add(message)
    session.flush()
    return message


def _labels() -> dict[str, str]:
    """What each answer says, in the language being read."""
    return {
        "5": _("5 – excellent"),
        "4": _("4 – good"),
        "3": _("3 – all right"),
        "2": _("2 – poor"),
        "1": _("1 – very poor"),
        NOT_SOLVED: _("My problem is not solved"),
    }


def _rating_text(urls: dict[str, str]) -> str:
    labels = _labels()
    lines = [_("Is your problem solved? Please rate our answer, one click is enough:"), ""]
    lines += [f"{labels[choice]}: {url}" for choice, url in urls.items()]
    lines += ["", _("The links work for 30 days.")]
    return "\n".join(lines) + "\n"


def _rating_html(urls: dict[str, str]) -> str:
    labels = _labels()
    items = "".join(
        f'<li><a href="{escape(url)}">{escape(labels[choice])}</a></li>'
        for choice, url in urls.items()
    )
    question = escape(_("Is your problem solved? Please rate our answer, one click is enough:"))
    later = escape(_("The links work for 30 days."))
    return f"<p>{question}</p><ul>{items}</ul><p>{later}</p>"
