"""Each agent's share of the period's work: conversations they closed, replies they sent, how
fast their first responses were, and how often they kept their promises.

A close is credited to whoever made the conversation's last close in the period; a first
response to whoever sent it (mail written in Gmail names nobody); a promise's outcome to
whoever made it. Every active member is listed, with zeros if they did nothing, and a former
member only if something is credited to them. Their CSAT is filled in by the summary
(`inbox.report_csat`).
Reads only.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, or_, select

from app.core.models import ReportReply, User
from inbox.promise_report import kept_and_broken_by_maker
from inbox.report_clock import Period
from inbox.report_scope import ReportScope, seconds
from inbox.report_spread import median, ratio
from inbox.report_times import Closed


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    name: str
    email: str
    closed: int
    replies_sent: int
    first_response_median: int
    first_responses: int
    promises_kept_ratio: float
    csat: float | None = None


def agent_rows(
    session: Session,
    scope: ReportScope,
    period: Period,
    closed: Sequence[Closed],
    first_responses: Iterable[tuple[int, float]],
) -> list[AgentRow]:
    """`first_responses` are (who answered, seconds) pairs, already measured."""
    closes = Counter(c.closed_by for c in closed if c.closed_by is not None)
    waits: dict[int, list[float]] = {}
    for user_id, wait in first_responses:
        waits.setdefault(user_id, []).append(wait)
    replies = _replies_sent(session, scope, period)
    promises = kept_and_broken_by_maker(
        session, scope.workspace_id, period.start, period.end, scope.conditions()
    )
    credited = set(closes) | set(waits) | set(replies) | set(promises)
    users = session.exec(
        select(User)
        .where(
            col(User.workspace_id) == scope.workspace_id,
            or_(col(User.is_active), col(User.id).in_(credited)),
        )
        .order_by(func.lower(User.name), col(User.email))
    ).all()
    rows = []
    for user in users:
        user_id = user.id or 0
        kept, broken = promises.get(user_id, (0, 0))
        rows.append(
            AgentRow(
                user_id=user_id,
                name=user.name,
                email=user.email,
                closed=closes[user_id],
                replies_sent=replies[user_id],
                first_response_median=median(waits.get(user_id, [])),
                first_responses=len(waits.get(user_id, [])),
                promises_kept_ratio=ratio(kept, kept + broken),
            )
        )
    return rows


def _replies_sent(session: Session, scope: ReportScope, period: Period) -> Counter[int]:
    rows = session.exec(
        select(ReportReply.sent_by, func.count())
        .where(
            *scope.rollup(ReportReply),
            col(ReportReply.sent_by).is_not(None),
            col(ReportReply.at) >= seconds(period.start),
            col(ReportReply.at) < seconds(period.end),
        )
        .group_by(col(ReportReply.sent_by))
    ).all()
    return Counter({int(user_id): int(count) for user_id, count in rows if user_id is not None})
