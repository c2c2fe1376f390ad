"""Automatic acknowledgements: a client who opens a new conversation hears at once that it
arrived, its number and when to expect an answer (the workspace's SLA).

Only people get one (RFC 3834): never automated mail (bounces, read receipts, auto-replies and
out-of-office answers, newsletters and lists: gmail_sync.automated_mail tells them), never
mail whose sender asked for no automatic reply (X-Auto-Response-Suppress) or posted to a
discussion list, never a no-reply or system address, never the team's own mailboxes, and at
most one per sender per mailbox window, so two robots can never answer each other in a loop.
It goes to the sender alone, in the thread, marked `Auto-Submitted: auto-replied`. History
imported when a mailbox is connected is never answered.

The default text answers in the language the client wrote in, when their mail says (Russian
mail to an English mailbox is acknowledged in Russian), else in the mailbox's.
"""

import logging
import re
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.core.models import (
    AuditEvent,
    AutoReplyLog,
    Conversation,
    Mailbox,
    Message,
    MessageKind,
    id_of,
    utcnow,
)
from gmail_sync.recipients import is_own
from gmail_sync.send import ReplyRequest, queue_reply
from gmail_sync.sync import SyncReport
from gmail_sync.thread_people import team_addresses
from inbox.new_mail import new_client_mail
from inbox.sla import policy_of, reply_due
from inbox.templates import TemplateError, answering_language, context_for, render_text

logger = logging.getLogger(__name__)

#: The acknowledgement a mailbox sends until its admins write their own, by client language.
#: The Russian text names the time on a line of its own ("Срок ответа: …"), so the time's
#: nominative form reads right.
DEFAULT_TEXTS = {
    "en": """Hello {{ contact.first_name }},

thank you for writing to us. This is an automatic confirmation that your message arrived: \
it is conversation #{{ conversation.number }}.
{% if reply_due %}
We will answer by {{ reply_due }} at the latest.
{% endif %}

{{ mailbox.name }}
""",
    "ru": """Здравствуйте, {{ contact.first_name }}!

Спасибо, что написали нам. Это автоматическое подтверждение: ваше письмо получено, \
номер обращения #{{ conversation.number }}.
{% if reply_due %}
Срок ответа: {{ reply_due }}.
{% endif %}

{{ mailbox.name }}
""",
}


def acknowledgement_text(mailbox: Mailbox, language: str) -> str:
    """The text acknowledgements are written from: the mailbox's own, else the default in
    `language`."""
    return mailbox.auto_ack_text or DEFAULT_TEXTS.get(language, DEFAULT_TEXTS["en"])


def is_default_text(text: str) -> bool:
    """A default saved unchanged stays the default, so a later, better default applies."""
    return text.strip() in {default.strip() for default in DEFAULT_TEXTS.values()}


_ROBOT = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?|"
    r"notifications?|auto[-_.]?reply)([-+._].*)?$"
)


def acknowledge_new_mail(session: Session, report: SyncReport) -> None:
    """After a sync: acknowledges each live message that opened a new conversation."""
    mailbox = session.get(Mailbox, report.mailbox_id)
    if mailbox is None or not mailbox.auto_ack_enabled:
        return
    now = utcnow()
    for message, _conversation in new_client_mail(session, report):
        refusal = why_not_acknowledge(session, mailbox, message, now)
        if refusal is None:
            _acknowledge(session, mailbox, message, now)
        else:
            logger.info("no acknowledgement", extra={"message_id": message.id, "why": refusal})


def why_not_acknowledge(
    session: Session, mailbox: Mailbox, message: Message, now: datetime
) -> str | None:
    """The reason this message gets no acknowledgement, or None when it should get one."""
    sender = message.from_address.lower()
    refusal = why_not_answer_automatically(session, mailbox.workspace_id, message)
    if refusal is not None:
        return refusal
    if _opened_before(session, message):
        return "not the start of a conversation"
    since = now - timedelta(minutes=mailbox.auto_ack_window_minutes)
    recent = session.exec(
        select(AutoReplyLog.id).where(
            AutoReplyLog.mailbox_id == mailbox.id,
            AutoReplyLog.email == sender,
            col(AutoReplyLog.created_at) > since,
        )
    ).first()
    return "this sender was acknowledged recently" if recent is not None else None


def why_not_answer_automatically(
    session: Session, workspace_id: int, message: Message
) -> str | None:
    """Why no automatic reply of any kind (this acknowledgement, a routing rule's) may answer
    this message (RFC 3834), or None when one may."""
    sender = message.from_address.lower()
    if message.automated:
        return f"automated mail ({message.automated})"
    if message.no_auto_reply:
        return f"no automatic reply wanted ({message.no_auto_reply})"
    if not sender or _ROBOT.match(sender.split("@", 1)[0]):
        return "a system or no-reply address"
    if is_own(sender, team_addresses(session, workspace_id)):
        return "mail from the team's own mailbox"
    return None


def _opened_before(session: Session, message: Message) -> bool:
    """Whether the conversation had mail before this message (a reply in an old thread)."""
    earlier = session.exec(
        select(Message.id).where(
            Message.conversation_id == message.conversation_id,
            Message.id != message.id,
            col(Message.duplicate_of_id).is_(None),
            or_(col(Message.kind).is_(None), col(Message.kind) != MessageKind.AUTO_ACK),
        )
    ).first()
    return earlier is not None


def _language(session: Session, mailbox: Mailbox, conversation: Conversation) -> str | None:
    """The default text answers in the language the client wrote in (None: the mailbox's);
    a mailbox's own text is in the mailbox's language, and so are its times."""
    return None if mailbox.auto_ack_text else answering_language(session, conversation)


def _acknowledge(session: Session, mailbox: Mailbox, message: Message, now: datetime) -> None:
    conversation = session.get(Conversation, message.conversation_id)
    assert conversation is not None, "messages cascade with their conversation"
    received = message.date or now
    policy = policy_of(session, mailbox.workspace_id)
    due = reply_due(policy, received, answered=False, priority=conversation.priority)
    values = context_for(
        session,
        conversation,
        None,
        reply_due=due,
        language=_language(session, mailbox, conversation),
    )
    try:
        text = render_text(acknowledgement_text(mailbox, values.language), values.variables())
    except TemplateError as exc:
        logger.warning(
            "acknowledgement text fails", extra={"mailbox_id": mailbox.id, "error": str(exc)}
        )
        return
    request = ReplyRequest(
        body_text=text, mode="sender", answered_id=message.id, kind=MessageKind.AUTO_ACK
    )
    queued = queue_reply(
        session=session,
        conversation=conversation,
        author=None,
        request=request,
        now=now,
        delay=timedelta(0),
    )
    sender = message.from_address.lower()
    session.add(
        AutoReplyLog(
            workspace_id=mailbox.workspace_id,
            mailbox_id=id_of(mailbox),
            conversation_id=conversation.id,
            email=sender,
            created_at=now,
        )
    )
    session.add(
        AuditEvent(
            workspace_id=mailbox.workspace_id,
            conversation_id=conversation.id,
            action="conversation.acknowledged",
            details={
                "message_id": queued.message.id,
                "to": queued.message.to,
                "reply_due": due.isoformat(),
            },
            created_at=now,
        )
    )
    session.flush()
