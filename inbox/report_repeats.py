"""Repeat requests: a client who came back within 7 days of a closed conversation because the
answer did not settle it, as the inbox itself tells them.

Two ways count, each once in the period: a new conversation begun in it that the sync linked
to one of the client's conversations closed the week before on the same matter
(`conversation.repeat_of_id`, by `inbox.repeat_requests`), and the client's mail reopening a
closed conversation (`conversation.reopened` out of closed, within 7 days of its last close).
A new conversation on another matter is no repeat, nor is a reopening by the team. Reads only.
"""

from bisect import bisect_right
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, not_, select

from app.core.models import Conversation, ReportConversation, ReportStatusChange
from inbox.repeat_requests import WINDOW
from inbox.report_clock import Period
from inbox.report_scope import CLOSED, ReportScope, closes, rows_of, seconds


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
    window = WINDOW.total_seconds()
    closed = rows_of(
        session,
        select(ReportStatusChange.conversation_id, ReportStatusChange.at).where(
            col(ReportStatusChange.workspace_id) == scope.workspace_id,
            not_(col(ReportStatusChange.automated)),
            *closes(),
            col(ReportStatusChange.at) >= seconds(period.start - WINDOW),
            col(ReportStatusChange.at) < seconds(period.end),
        ),
    )
    by_conversation: dict[int, list[float]] = {}
    for closed_id, closed_at in closed:
        by_conversation.setdefault(closed_id, []).append(float(closed_at))
    reopened = 0
    for cid, at in _client_reopenings(session, scope, period):
        times = sorted(by_conversation.get(cid, []))
        index = bisect_right(times, at) - 1
        reopened += index >= 0 and at - times[index] <= window
    return reopened


def _client_reopenings(
    session: Session, scope: ReportScope, period: Period
) -> list[tuple[int, float]]:
    rows = rows_of(
        session,
        select(ReportStatusChange.conversation_id, ReportStatusChange.at).where(
            *scope.rollup(ReportStatusChange),
            col(ReportStatusChange.action) == "conversation.reopened",
            col(ReportStatusChange.status_before) == CLOSED,
            col(ReportStatusChange.at) >= seconds(period.start),
            col(ReportStatusChange.at) < seconds(period.end),
        ),
    )
    return [(int(cid), float(at)) for cid, at in rows]
