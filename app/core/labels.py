"""The words people read for the values Tandem stores: a conversation's status and priority, a
reply's state, a reminder's kind, a promise's state.

The values stay English in the database, in URLs, forms and the API; only what a person reads
is translated, here and nowhere else, so a status reads the same in the inbox's filter, a
conversation's badge and its controls. Each label is looked up when it is read (never at import
time), in the reader's language. An unknown value reads as itself.
"""

from app.core.i18n import gettext as _


def status_label(status: str) -> str:
    """ "Open", "Pending", "Snoozed", "Closed"."""
    return {
        "open": _("Open"),
        "pending": _("Pending"),
        "snoozed": _("Snoozed"),
        "closed": _("Closed"),
    }.get(str(status), str(status))


def priority_label(priority: str) -> str:
    """ "Low", "Normal", "High", "Urgent"."""
    return {
        "low": _("Low"),
        "normal": _("Normal"),
        "high": _("High"),
        "urgent": _("Urgent"),
    }.get(str(priority), str(priority))


def message_state_label(state: str) -> str:
    """Where a message is on its way: a reply queued, sending, sent, failed or cancelled."""
    return {
        "received": _("received"),
        "queued": _("queued"),
        "sending": _("sending"),
        "sent": _("sent"),
        "failed": _("failed"),
        "cancelled": _("cancelled"),
    }.get(str(state), str(state))


def reminder_kind_label(kind: str) -> str:
    return {
        "promise": _("promise"),
        "sla": _("SLA"),
        "followup": _("follow-up"),
        "custom": _("reminder"),
    }.get(str(kind), str(kind))


def promise_state_label(state: str) -> str:
    return {
        "pending": _("pending"),
        "kept": _("kept"),
        "broken": _("broken"),
    }.get(str(state), str(state))


def reminder_state_label(state: str) -> str:
    return {
        "pending": _("pending"),
        "fired": _("fired"),
        "cancelled": _("cancelled"),
        "done": _("done"),
        "failed": _("failed"),
    }.get(str(state), str(state))
