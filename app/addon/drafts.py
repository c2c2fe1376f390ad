"""The compose side of the add-on: Tandem's reply-all recipients for a Gmail draft, and a
warning when the draft leaves out someone who is on the thread.

Recipients come from the send path's own functions (`answered_message`, `reply_recipients`,
`thread_participants`, `diff_recipients`), so the draft reaches exactly whom a reply sent from
Tandem would. The agent's own address is left out too: they are the one writing.
"""

import html
from dataclasses import dataclass

from sqlmodel import Session

from app.addon import cards
from app.addon.cards import Json
from app.addon.events import AddonEvent
from app.addon.threads import find_conversation
from app.addon.urls import public
from app.core.i18n import gettext as _
from app.core.models import Conversation, User
from app.core.settings import Settings
from gmail_sync.recipients import Answered, Recipients, diff_recipients, reply_recipients
from gmail_sync.thread_people import answered_message, team_addresses, thread_participants

REPLY_ALL_PATH = "/addon/compose/reply-all"


@dataclass(frozen=True)
class DraftCheck:
    conversation: Conversation
    reply_all: Recipients
    dropped: list[str]


def check_draft(session: Session, *, user: User, event: AddonEvent) -> DraftCheck | None:
    """None when the draft is not a reply in one of the team's conversations."""
    gmail = event.gmail
    if gmail is None or not gmail.threadId:
        return None
    conversation = find_conversation(
        session, user=user, thread_id=gmail.threadId, message_id=gmail.messageId
    )
    if conversation is None:
        return None
    answered = answered_message(session, conversation, None)
    own = team_addresses(session, conversation.workspace_id) | {user.email.lower()}
    everyone = reply_recipients(Answered.of(answered), own_addresses=own, mode="all")
    participants = thread_participants(session, conversation, own)
    drafted = Recipients(
        to=tuple(gmail.toRecipients), cc=(*gmail.ccRecipients, *gmail.bccRecipients)
    )
    _, dropped = diff_recipients(drafted, participants)
    return DraftCheck(conversation, everyone, dropped)


def compose_card(settings: Settings, check: DraftCheck | None) -> Json:
    if check is None:
        return cards.card(
            "Tandem",
            [
                cards.section(
                    [
                        cards.paragraph(
                            _(
                                "This draft is not a reply in a conversation your team has "
                                "in Tandem, so there is nobody for Tandem to add."
                            )
                        )
                    ]
                )
            ],
            name="compose",
        )
    reply_all = cards.buttons(
        cards.button(_("Reply all (Tandem)"), cards.run(public(settings, REPLY_ALL_PATH)))
    )
    if check.dropped:
        people = ", ".join(html.escape(person) for person in check.dropped)
        warning = _(
            "<b>This draft leaves out %(count)s of the thread:</b> %(people)s. "
            "Reply all puts everyone back."
        ) % {"count": len(check.dropped), "people": people}
    else:
        warning = _("Everyone on the thread is on this draft.")
    return cards.card(
        "Tandem",
        [cards.section([cards.paragraph(warning), reply_all])],
        subtitle=html.escape(check.conversation.subject.strip() or _("(no subject)")),
        name="compose",
    )
