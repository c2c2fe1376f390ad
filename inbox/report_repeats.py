"""Repeat requests: a client who wrote again within 7 days of a closed conversation, because
the answer did not settle it.

Two ways count, each once per occasion in the period: the client's mail reopened the closed
conversation (`conversation.reopened` out of closed, within 7 days of its last close), or the
same client (contact) began a new conversation within 7 days after another of theirs was
closed. A reopening by the team itself is no repeat request. Reads only.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice, repeat

from sqlmodel import Session, col, not_, select

from app.core.models import ReportStatusChange
from inbox.report_clock import Period
from inbox.report_scope import CLOSED, ReportScope, closes, rows_of, seconds
from inbox.report_times import Begun

WINDOW = timedelta(days=7)
#: Sorts after every client id: the end of the sorted closes.
NO_CLIENT = 2**63


@dataclass(frozen=True)
class Repeats:
    reopened: int
    new_conversations: int

    @property
    def total(self) -> int:
        return self.reopened + self.new_conversations


def count_repeats(session: Session, scope: ReportScope, period: Period, begun: Begun) -> Repeats:
    """`begun` are the period's conversations in the report's scope."""
    window = WINDOW.total_seconds()
    closed = rows_of(
        session,
        select(
            ReportStatusChange.conversation_id, ReportStatusChange.contact_id, ReportStatusChange.at
        ).where(
            col(ReportStatusChange.workspace_id) == scope.workspace_id,
            not_(col(ReportStatusChange.automated)),
            *closes(),
            col(ReportStatusChange.at) >= seconds(period.start - WINDOW),
            col(ReportStatusChange.at) < seconds(period.end),
        ),
    )
    by_conversation: dict[int, list[float]] = {}
    for closed_id, _, closed_at in closed:
        by_conversation.setdefault(closed_id, []).append(float(closed_at))
    reopened = 0
    for cid, at in _client_reopenings(session, scope, period):
        times = sorted(by_conversation.get(cid, []))
        index = bisect_right(times, at) - 1
        reopened += index >= 0 and at - times[index] <= window
    return Repeats(reopened=reopened, new_conversations=_new_after_a_close(closed, begun, window))


def _new_after_a_close(
    closed: Sequence[tuple[int, int | None, int]], begun: Begun, window: float
) -> int:
    """Conversations begun within `window` seconds after another of the same client's was
    closed. Each close is one number, client and time (client * 2^32 + epoch seconds), so
    sorted closes are searched for every conversation at once by plain integer comparisons;
    only a conversation that finds a close of its own first (closed the second it began)
    looks further."""
    ordered = sorted(
        (contact << 32 | at, cid) for cid, contact, at in closed if contact is not None
    )
    keys, closed_ids = [key for key, _ in ordered], [cid for _, cid in ordered]
    keys.append(NO_CLIENT << 32)
    begun_with_client = [
        (contact << 32 | began, cid)
        for cid, contact, began in zip(begun.ids, begun.contacts, begun.started, strict=True)
        if contact is not None
    ]
    earliest = [key - int(window) for key, _ in begun_with_client]
    new = 0
    for (key, cid), index in zip(
        begun_with_client, map(bisect_left, repeat(keys), earliest), strict=True
    ):
        if keys[index] <= key:
            new += closed_ids[index] != cid or _another_close(keys, closed_ids, index + 1, key, cid)
    return new


def _another_close(keys: list[int], closed_ids: list[int], index: int, key: int, cid: int) -> bool:
    """A close of another conversation by the same client, up to `key` (the same client at the
    conversation's start), from `index` on."""
    later = zip(islice(keys, index, None), islice(closed_ids, index, None), strict=False)
    for other_key, other in later:
        if other_key > key:
            return False
        if other != cid:
            return True
    return False


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
