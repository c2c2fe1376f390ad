"""Repeat requests: a client who came back within 7 days of a closed conversation because the
answer did not settle it, as the inbox itself tells them.

Two ways count, each once in the period: a new conversation begun in it that the sync linked
to one of the client's conversations closed the week before on the same matter
(`conversation.repeat_of_id`, by `inbox.repeat_requests`), and the client's mail reopening a
closed conversation (`conversation.reopened` out of closed, within 7 days of its last close).
A new conversation on another matter is no repeat, nor is a reopening by the team. Reads only.
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.core.models import Conversation, ReportConversation, ReportStatusChange
from inbox.repeat_requests import WINDOW
from inbox.report_clock import Period
from inbox.report_scope import CLOSED, ReportScope, seconds


@dataclass(frozen=True)
class Repeats:
    reopened: int
    new_conversations: int

    @property
    def total(self) -> int:
        return self.reopened + self.new_conversations


def count_repeats(session: Session, scope: ReportScope, period: Period) -> Repeats:
    return Repeats(
        reopened=_reopened_within_window(session, scope, period),
        new_conversations=_linked(session, scope, period),
    )


def _linked(session: Session, scope: ReportScope, period: Period) -> int:
    """The period's conversations that the sync linked as a repeat of an earlier one."""
    linked = (
        select(func.count())
        .select_from(ReportConversation)
        .join(Conversation, col(Conversation.id) == col(ReportConversation.conversation_id))
        .where(
            *scope.rollup(ReportConversation),
            col(ReportConversation.started) >= seconds(period.start),
            col(ReportConversation.started) < seconds(period.end),
            col(Conversation.repeat_of_id).is_not(None),
        )
    )
    return int(session.exec(linked).one())


def _reopened_within_window(session: Session, scope: ReportScope, period: Period) -> int:
    """The client's reopenings out of closed in the period that came within the window of a
    close of the same conversation (its last close before them, or any: the last is the
    latest)."""
    reopening = ReportStatusChange
    close = aliased(ReportStatusChange)
    closed_shortly_before = (
        select(close.audit_event_id)
        .where(
            col(close.conversation_id) == col(reopening.conversation_id),
            col(close.action) == "conversation.updated",
            col(close.status_after) == CLOSED,
            col(close.at) <= col(reopening.at),
            col(close.at) >= col(reopening.at) - int(WINDOW.total_seconds()),
        )
        .exists()
    )
    counted = select(func.count()).where(
        *scope.rollup(reopening),
        col(reopening.action) == "conversation.reopened",
        col(reopening.status_before) == CLOSED,
        col(reopening.at) >= seconds(period.start),
        col(reopening.at) < seconds(period.end),
        closed_shortly_before,
    )
    return int(session.exec(counted).one())
