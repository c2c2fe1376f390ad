"""The clients' own rating of the team in a report: the average score (1-5) of the ratings
given in the period, for the team and per credited agent.

A rating counts in the period it was last given (`updated_at`: a client who changes their
answer moves it), within the report's scope (the rated conversation's workspace, mailbox,
assignee and tag). "Not solved" has no score: it counts in no average (it reopened the
conversation instead). No rating gives null, never 0, so "nobody rated" never reads as the
worst score. One grouped query; reads only.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, func, select

from app.core.models import Conversation, CsatRating
from inbox.report_agents import AgentRow
from inbox.report_clock import Period
from inbox.report_scope import ReportScope, rows_of


@dataclass(frozen=True)
class CsatFigures:
    average: float | None = None
    by_agent: dict[int, float] = field(default_factory=dict)

    def credited(self, rows: Sequence[AgentRow]) -> list[AgentRow]:
        """The report's agent rows with each agent's average (None for an agent nobody rated;
        a former member is listed only for what `report_agents` credits them with)."""
        return [replace(row, csat=self.by_agent.get(row.user_id)) for row in rows]


def average(scores: Iterable[int | None]) -> float | None:
    """The mean of the scores given, to two decimals; None without one."""
    given = [score for score in scores if score is not None]
    return round(sum(given) / len(given), 2) if given else None


def csat_figures(session: Session, scope: ReportScope, period: Period) -> CsatFigures:
    rows = rows_of(
        session,
        select(col(CsatRating.agent_id), func.sum(CsatRating.score), func.count())
        .join(Conversation, col(Conversation.id) == col(CsatRating.conversation_id))
        .where(
            *scope.conditions(),
            col(CsatRating.score).is_not(None),
            col(CsatRating.updated_at) >= period.start,
            col(CsatRating.updated_at) < period.end,
        )
        .group_by(col(CsatRating.agent_id)),
    )
    total = sum(int(points) for _agent, points, _count in rows)
    count = sum(int(number) for _agent, _points, number in rows)
    return CsatFigures(
        average=round(total / count, 2) if count else None,
        by_agent={
            int(agent): round(int(points) / int(number), 2)
            for agent, points, number in rows
            if agent is not None
        },
    )
