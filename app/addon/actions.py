"""What the sidebar's buttons do: each one calls the domain function the REST API calls for the
same change (`change_conversation`, `add_note`, `make_promise`), for a
conversation of the agent's own workspace, and flushes; the request commits.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.addon.events import AddonEvent, MalformedEvent
from app.addon.threads import find_conversation
from app.core.db import get_scoped
from app.core.errors import Invalid, NotFound
from app.core.i18n import gettext as _
from app.core.models import Conversation, ConversationStatus, Mailbox, User
from gmail_sync.mailboxes import request_sync
from inbox import note_taking
from inbox.changes import change_conversation
from inbox.promises import make_promise


@dataclass(frozen=True)
class Outcome:
    """The conversation to show next (None: still not in Tandem) and what to tell the agent."""

    conversation: Conversation | None
    notice: str


Handler = Callable[[Session, User, AddonEvent, datetime], Outcome]


def _conversation(session: Session, user: User, event: AddonEvent) -> Conversation:
    raw = event.parameter("conversation_id")
    if not raw.isdigit():
        raise MalformedEvent("conversation_id must be a conversation number")
    return get_scoped(session, Conversation, int(raw), user.workspace_id)


def _change(
    session: Session,
    user: User,
    conversation: Conversation,
    changes: dict[str, object],
    now: datetime,
) -> None:
    change_conversation(
        session=session, conversation=conversation, actor=user, changes=changes, now=now
    )


def assign_me(session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    conversation = _conversation(session, user, event)
    _change(session, user, conversation, {"assignee_id": user.id}, now)
    return Outcome(conversation, _("Assigned to you"))


def assign(session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    conversation = _conversation(session, user, event)
    chosen = event.text("assignee")
    if chosen not in ("", "none") and not chosen.isdigit():
        raise Invalid(_("pick a teammate to assign the conversation to"))
    assignee = int(chosen) if chosen.isdigit() else None
    _change(session, user, conversation, {"assignee_id": assignee}, now)
    return Outcome(conversation, _("Assigned") if assignee else _("Unassigned"))


def change_status(session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    conversation = _conversation(session, user, event)
    try:
        status = ConversationStatus(event.text("status"))
    except ValueError:
        raise Invalid(_("pick a status: open, pending, snoozed or closed")) from None
    _change(session, user, conversation, {"status": status}, now)
    return Outcome(conversation, _("Status: %(status)s") % {"status": status.value})


def snooze(session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    conversation = _conversation(session, user, event)
    until = event.moment("snooze_until")
    if until is None:
        raise Invalid(_("pick the date and time to snooze until"))
    _change(session, user, conversation, {"snoozed_until": until}, now)
    return Outcome(conversation, _("Snoozed"))


def promise(session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    conversation = _conversation(session, user, event)
    due = event.moment("promise_by")
    if due is None:
        raise Invalid(_("pick when the client will hear back"))
    make_promise(session, conversation=conversation, user=user, due_at=due, now=now)
    return Outcome(conversation, _("Promise set; you will be reminded before it is due"))


def add_note(session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    conversation = _conversation(session, user, event)
    note_taking.add_note(
        session=session, conversation=conversation, author=user, body=event.text("note"), now=now
    )
    return Outcome(conversation, _("Note added (only your team sees it)"))


def add_to_tandem(session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    """Tandem reads mail only through the mailboxes its team connected: this asks each of them
    to sync now (the thread may just have arrived) and says where to forward it otherwise."""
    thread_id = event.parameter("thread_id")
    found = find_conversation(session, user=user, thread_id=thread_id)
    if found is not None:
        return Outcome(found, _("Already in Tandem"))
    mailboxes = session.exec(select(Mailbox).where(Mailbox.workspace_id == user.workspace_id)).all()
    for mailbox in mailboxes:
        request_sync(session=session, mailbox=mailbox, now=now)
    if not mailboxes:
        return Outcome(None, _("Your team has no mailbox connected to Tandem yet: ask an admin"))
    addresses = ", ".join(sorted(mailbox.email for mailbox in mailboxes))
    return Outcome(
        None,
        _(
            "Not in a synced mailbox yet: Tandem is syncing now. If this thread is elsewhere, "
            "forward it to %(addresses)s and it will appear here."
        )
        % {"addresses": addresses},
    )


ACTIONS: dict[str, Handler] = {
    "assign_me": assign_me,
    "assign": assign,
    "status": change_status,
    "snooze": snooze,
    "promise": promise,
    "note": add_note,
    "add": add_to_tandem,
}


def perform(name: str, session: Session, user: User, event: AddonEvent, now: datetime) -> Outcome:
    handler = ACTIONS.get(name)
    if handler is None:
        raise NotFound(f"no add-on action {name!r}: one of {', '.join(sorted(ACTIONS))}")
    return handler(session, user, event, now)
