"""What a notification says. A notification stores its kind and the values its sentence names
(who, which conversation, which mailbox), and the sentence is written when it is read, in the
reader's language: the bell and the toast in the agent's, the e-mail in the recipient's, the
API in English. Every layer that notifies builds its values here (`assigned`, `mentioned`,
...), so a sentence and the values it needs cannot drift apart.

A row written before notifications kept their values (migration 0030) has only the English
sentence of its day, shown as it is; so is a row whose values this module cannot read.

A reminder Tandem writes itself (a promise's, the SLA's, a follow-up that could not close)
keeps its words the same way, as what it says and the values it names (migration 0031): its
sentence is written when read, in the reminder's list, the bell and the agent's e-mail alike.
A person's own reminder keeps the words they typed.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core.i18n import LANGUAGES, moment, reading_as
from app.core.i18n import gettext as _
from app.core.models import Notification, Reminder, ReminderKind

ASSIGNED = "assigned"
MENTION = "mention"
CLIENT_REPLY = "client_reply"
WOKEN = "woken"
CSAT_UNSOLVED = "csat_unsolved"
MAILBOX_REAUTH = "mailbox_reauth"
REMINDER = "reminder."

#: What a reminder of Tandem's says (its params' `says`).
PROMISE_SOON = "promise_soon"
PROMISE_DUE = "promise_due"
SLA_SOON = "sla_soon"
SLA_OVERDUE = "sla_overdue"
CLOSE_FAILED = "close_failed"

Params = dict[str, str | None]


def assigned(subject: str | None, actor: str | None = None) -> Params:
    """`actor` None: Tandem itself gave the conversation (round-robin, a repeat request)."""
    return {"subject": subject, "actor": actor}


def mentioned(subject: str | None, actor: str) -> Params:
    return {"subject": subject, "actor": actor}


def client_replied(subject: str | None, client: str | None) -> Params:
    return {"subject": subject, "client": client}


def woken(subject: str | None) -> Params:
    return {"subject": subject}


def csat_unsolved(subject: str | None, client: str | None) -> Params:
    return {"subject": subject, "client": client}


def mailbox_reauth(mailbox: str) -> Params:
    return {"mailbox": mailbox}


def reminder_due(words: str, subject: str | None, about_conversation: bool) -> Params:
    """`words` the reminder's own (none: its kind's), with the subject of the conversation it
    is about, if it is about one."""
    return {"words": words, "subject": subject} if about_conversation else {"words": words}


def reminder_says(
    says: str, subject: str | None, *, at: datetime | None = None, reason: str | None = None
) -> Params:
    """A reminder's words as values: what it says, about which conversation, the time it
    names (`at`) and why an automatic close failed (`reason`, as the error said it)."""
    params: Params = {"says": says, "subject": subject}
    if at is not None:
        params["at"] = at.isoformat()
    if reason is not None:
        params["reason"] = reason
    return params


def reminder_text(reminder: Reminder) -> str:
    """The reminder's words in the reader's language: its sentence when it keeps values, else
    the words stored (a person's own, or an older row's English)."""
    if not reminder.params:
        return reminder.text
    return sentence(f"{REMINDER}{reminder.kind}", reminder.params, reminder.text)


def sentence(kind: str, params: Mapping[str, Any] | None, text: str = "") -> str:
    """The notification's sentence in the reader's language; `text`, the stored English one,
    when there are no values to write it from."""
    if params is None:
        return text
    values = dict(params)
    if "subject" in values:
        values["subject"] = values["subject"] or _("(no subject)")
    if "client" in values:
        values["client"] = values["client"] or _("The client")
    try:
        return _written(kind, values) or text
    except (KeyError, TypeError):
        return text


def new_notification(
    *,
    workspace_id: int,
    user_id: int,
    kind: str,
    params: Params,
    conversation_id: int | None = None,
    now: datetime,
) -> Notification:
    """A notification with its values, and its English sentence for `text`."""
    return Notification(
        workspace_id=workspace_id,
        user_id=user_id,
        conversation_id=conversation_id,
        kind=kind,
        params=params,
        text=english(kind, params),
        created_at=now,
    )


def notification_text(notification: Notification) -> str:
    return sentence(notification.kind, notification.params, notification.text)


def english(kind: str, params: Params) -> str:
    """The sentence as stored in `text`: the API's and every pre-0030 reader's."""
    with reading_as(LANGUAGES[0], ZoneInfo("UTC")):
        return sentence(kind, params)


def _written(kind: str, values: dict[str, Any]) -> str | None:
    if kind == ASSIGNED and values.get("actor"):
        return _("%(actor)s assigned you “%(subject)s”") % values
    if kind == ASSIGNED:
        return _("New conversation for you: “%(subject)s”") % values
    if kind == MENTION:
        return _("%(actor)s mentioned you in a note on “%(subject)s”") % values
    if kind == CLIENT_REPLY:
        return _("%(client)s replied to “%(subject)s”") % values
    if kind == WOKEN:
        return _("“%(subject)s” is back from snooze") % values
    if kind == CSAT_UNSOLVED:
        return _("%(client)s says “%(subject)s” is not solved; it is open again.") % values
    if kind == MAILBOX_REAUTH:
        return (
            _(
                "Mail to %(mailbox)s stopped arriving: Google no longer accepts Tandem's "
                "access. Reconnect it in Settings."
            )
            % values
        )
    if kind.startswith(REMINDER):
        return _reminder(kind.removeprefix(REMINDER), values)
    return None


def _reminder(reminder_kind: str, values: dict[str, Any]) -> str:
    if "says" in values:
        return _said(values)
    words = values.get("words") or _default_words(reminder_kind)
    if "subject" not in values:
        return str(words)
    return _("%(reminder)s — “%(subject)s”") % {"reminder": words, "subject": values["subject"]}


def _default_words(reminder_kind: str) -> str:
    """A reminder without words of its own says what its kind is for."""
    if reminder_kind == ReminderKind.PROMISE:
        return _("The reply promised to the client is due")
    if reminder_kind == ReminderKind.SLA:
        return _("The reply time target is about to lapse")
    if reminder_kind == ReminderKind.FOLLOWUP:
        return _("No answer from the client yet: time to follow up")
    return _("Reminder")


def _said(values: dict[str, Any]) -> str:
    """Each names its conversation itself, so the bell adds no subject to it."""
    says = values["says"]
    if says == PROMISE_SOON:
        at = moment(datetime.fromisoformat(values["at"]))
        return _("You promised a reply by %(time)s: “%(subject)s”") % {**values, "time": at}
    if says == PROMISE_DUE:
        return _("Your promised reply is due now: “%(subject)s”") % values
    if says == SLA_SOON:
        return _("A reply is due in 30 minutes: “%(subject)s”") % values
    if says == SLA_OVERDUE:
        return _("The reply is overdue: “%(subject)s”") % values
    if says == CLOSE_FAILED:
        return _("Could not close “%(subject)s” automatically: %(reason)s") % values
    raise KeyError(says)
