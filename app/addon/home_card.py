"""The add-on's homepage in Gmail: the agent's open conversations, the team's overdue ones and
the agent's next reminders, read through the same view conditions as the inbox."""

import html
from datetime import datetime

from sqlmodel import Session

from app.addon import cards
from app.addon.cards import Json
from app.addon.conversation_card import when
from app.addon.urls import conversation_url, public
from app.core.i18n import gettext as _
from app.core.models import User, id_of
from app.core.notice_text import reminder_text
from app.core.settings import Settings
from inbox.reminders import upcoming_reminders
from inbox.views import InboxFilter, View, counts, list_view

LIST_LIMIT, REMINDER_LIMIT = 10, 5


def home_card(
    session: Session, *, settings: Settings, viewer: User, offset_minutes: int, now: datetime
) -> Json:
    mine = _listed(session, settings, viewer, InboxFilter(View.MINE, now=now), offset_minutes)
    overdue = _listed(session, settings, viewer, InboxFilter(View.OVERDUE, now=now), offset_minutes)
    totals = counts(session=session, user=viewer, now=now)
    return cards.card(
        "Tandem",
        [
            cards.section(
                mine or [cards.paragraph(_("<i>Nothing open is assigned to you.</i>"))],
                header=_("My open conversations (%(count)s)") % {"count": totals["mine"]},
            ),
            cards.section(
                overdue or [cards.paragraph(_("<i>Nothing is overdue.</i>"))],
                header=_("Overdue (%(count)s)") % {"count": totals["overdue"]},
            ),
            cards.section(
                _reminders(session, viewer, offset_minutes), header=_("My next reminders")
            ),
            cards.section(
                [
                    cards.buttons(
                        cards.button(_("Open Tandem"), cards.open_link(public(settings, "/")))
                    )
                ]
            ),
        ],
        subtitle=html.escape(viewer.name or viewer.email),
        name="home",
    )


def _listed(
    session: Session, settings: Settings, viewer: User, inbox: InboxFilter, offset: int
) -> list[Json]:
    rows = list_view(session=session, user=viewer, inbox=inbox, limit=LIST_LIMIT).rows
    return [
        cards.decorated(
            html.escape(row.subject.strip() or _("(no subject)")),
            top=f"#{row.id} · {row.status}",
            bottom=_("Reply due %(when)s") % {"when": when(row.sla_due_at, offset)}
            if row.sla_due_at
            else "",
            button=cards.button(
                _("Open conversation"), cards.open_link(conversation_url(settings, id_of(row)))
            ),
        )
        for row in rows
    ]


def _reminders(session: Session, viewer: User, offset: int) -> list[Json]:
    rows = upcoming_reminders(session, user=viewer, limit=REMINDER_LIMIT)
    found = [
        cards.decorated(
            html.escape(reminder_text(row) or row.kind.capitalize()), top=when(row.due_at, offset)
        )
        for row in rows
    ]
    return found or [cards.paragraph(_("<i>No reminders pending.</i>"))]
