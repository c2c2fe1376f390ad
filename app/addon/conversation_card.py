"""The contextual card for an opened Gmail message: the conversation's state (status, owner,
priority, promise, reply due time), its internal notes newest first and its reminders, with the
actions an agent takes from Gmail; or "not in Tandem" when the thread is not one of the team's.

Notes and reminders are read through `inbox.timeline` and `inbox.reminders` for a conversation
of the agent's own workspace, so the sidebar shows exactly what the team sees in the web UI
and the API, and nobody else's.
"""

import html
from datetime import datetime

from sqlmodel import Session, col, select

from app.addon import cards
from app.addon.cards import Json
from app.addon.urls import action_url, conversation_url, public
from app.core.i18n import at_offset
from app.core.i18n import gettext as _
from app.core.labels import priority_label, promise_state_label, status_label
from app.core.models import (
    Conversation,
    ConversationStatus,
    ReminderState,
    User,
    id_of,
)
from app.core.notice_text import reminder_text
from app.core.settings import Settings
from inbox.reminders import find_reminders
from inbox.timeline import read_timeline

MAX_NOTES, MAX_REMINDERS = 20, 10


def when(moment: datetime | None, offset_minutes: int) -> str:
    """A time in the agent's own zone (Gmail sends its offset) and language, e.g. "Tue, Nov 24,
    15:00 UTC+03:00"."""
    if moment is None:
        return "—"
    sign, minutes = ("+" if offset_minutes >= 0 else "-"), abs(offset_minutes)
    zone = "UTC" if not minutes else f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{at_offset(moment, offset_minutes)} {zone}"


def conversation_card(
    session: Session,
    *,
    settings: Settings,
    conversation: Conversation,
    viewer: User,
    offset_minutes: int,
) -> Json:
    team = _team(session, viewer)
    sections = [
        _state(conversation, team, offset_minutes),
        _actions(settings, conversation, viewer, team, offset_minutes),
        _notes(session, settings, conversation, team, offset_minutes),
        _reminders(session, conversation, offset_minutes),
    ]
    return cards.card(
        html.escape(conversation.subject.strip() or _("(no subject)")),
        sections,
        subtitle=_("Tandem · conversation #%(number)s") % {"number": conversation.id},
        name=f"conversation-{conversation.id}",
    )


def not_in_tandem_card(settings: Settings, *, thread_id: str, note: str = "") -> Json:
    text = note or (
        _(
            "This thread is not in a mailbox your team syncs with Tandem, so it has no status, "
            "owner or notes here."
        )
    )
    return cards.card(
        _("Not in Tandem"),
        [
            cards.section(
                [
                    cards.paragraph(html.escape(text)),
                    cards.buttons(
                        cards.button(
                            _("Add to Tandem"),
                            cards.run(action_url(settings, "add"), {"thread_id": thread_id}),
                        ),
                        cards.button(_("Open Tandem"), cards.open_link(public(settings, "/"))),
                    ),
                ]
            )
        ],
        name="not-in-tandem",
    )


def _team(session: Session, viewer: User) -> dict[int, User]:
    members = session.exec(
        select(User)
        .where(User.workspace_id == viewer.workspace_id, col(User.is_active))
        .order_by(col(User.name), col(User.email))
    )
    return {id_of(user): user for user in members}


def _name(team: dict[int, User], user_id: int | None) -> str:
    user = team.get(user_id) if user_id is not None else None
    return html.escape(user.name or user.email) if user else _("Unassigned")


def _state(conversation: Conversation, team: dict[int, User], offset: int) -> Json:
    promise = _("None")
    if conversation.promised_at is not None:
        state = promise_state_label(conversation.promise_state or "")
        promise = f"{when(conversation.promised_at, offset)} ({state})"
    due = when(conversation.sla_due_at, offset) if conversation.sla_due_at else _("No reply owed")
    widgets = [
        cards.decorated(status_label(conversation.status), top=_("Status")),
        cards.decorated(_name(team, conversation.assignee_id), top=_("Assignee")),
        cards.decorated(priority_label(conversation.priority), top=_("Priority")),
        cards.decorated(promise, top=_("Promised reply")),
        cards.decorated(due, top=_("Reply due (SLA)")),
    ]
    if conversation.status == ConversationStatus.SNOOZED:
        widgets.append(
            cards.decorated(when(conversation.snoozed_until, offset), top=_("Snoozed until"))
        )
    return cards.section(widgets, header=_("Conversation"))


def _actions(
    settings: Settings,
    conversation: Conversation,
    viewer: User,
    team: dict[int, User],
    offset: int,
) -> Json:
    target = {"conversation_id": str(conversation.id)}

    def run(name: str) -> Json:
        return cards.run(action_url(settings, name), target)

    mine = conversation.assignee_id == viewer.id
    owners = [("none", _("Unassigned"))] + [
        (str(user_id), user.name or user.email) for user_id, user in team.items()
    ]
    statuses = [(status.value, status_label(status)) for status in ConversationStatus]
    widgets = [
        cards.buttons(
            *([] if mine else [cards.button(_("Assign to me"), run("assign_me"))]),
            cards.button(
                _("Open in Tandem"),
                cards.open_link(conversation_url(settings, id_of(conversation))),
            ),
        ),
        cards.dropdown("assignee", _("Assign to"), owners, str(conversation.assignee_id or "none")),
        cards.buttons(cards.button(_("Assign"), run("assign"))),
        cards.dropdown("status", _("Status"), statuses, conversation.status),
        cards.buttons(cards.button(_("Change status"), run("status"))),
        cards.date_time_picker(
            "snooze_until", _("Snooze until"), conversation.snoozed_until, offset
        ),
        cards.buttons(cards.button(_("Snooze"), run("snooze"))),
        cards.date_time_picker(
            "promise_by", _("Promise a reply by"), conversation.promised_at, offset
        ),
        cards.buttons(cards.button(_("Set promise"), run("promise"))),
    ]
    return cards.section(widgets, header=_("Actions"))


def _notes(
    session: Session,
    settings: Settings,
    conversation: Conversation,
    team: dict[int, User],
    offset: int,
) -> Json:
    notes = sorted(
        read_timeline(session=session, conversation=conversation).notes,
        key=lambda note: (note.created_at, note.id or 0),
        reverse=True,
    )
    widgets = [
        cards.decorated(
            html.escape(note.body),
            top=" · ".join(
                ([_("Handoff")] if note.is_pinned else [])
                + [_name(team, note.author_id), when(note.created_at, offset)]
            ),
        )
        for note in notes[:MAX_NOTES]
    ]
    if not notes:
        widgets.append(cards.paragraph(_("<i>No internal notes yet.</i>")))
    widgets += [
        cards.text_input(
            "note", _("New internal note"), multiline=True, hint=_("Only your team sees notes.")
        ),
        cards.buttons(
            cards.button(
                _("Add note"),
                cards.run(action_url(settings, "note"), {"conversation_id": str(conversation.id)}),
            )
        ),
    ]
    return cards.section(widgets, header=_("Internal notes (%(count)s)") % {"count": len(notes)})


def _reminders(session: Session, conversation: Conversation, offset: int) -> Json:
    pending = find_reminders(
        session,
        workspace_id=conversation.workspace_id,
        state=ReminderState.PENDING,
        conversation_id=id_of(conversation),
        limit=MAX_REMINDERS,
    )
    widgets = [
        cards.decorated(
            html.escape(reminder_text(reminder) or reminder.kind.capitalize()),
            top=f"{reminder.kind.capitalize()} · {when(reminder.due_at, offset)}",
        )
        for reminder in pending
    ]
    return cards.section(
        widgets or [cards.paragraph(_("<i>No pending reminders.</i>"))],
        header=_("Reminders"),
    )
