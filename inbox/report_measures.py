"""The durations the reports' rollup keeps beside its instants: each conversation's first
response wait and the SLA's due time for its first message, and at each status change the time
the conversation has been open so far, in business and in calendar seconds.

Why stored rather than measured when a report is read: a report over ninety days at a hundred
thousand conversations measured as many waits and twice as many stretches open on the business
clock, and read every stretch to do it, which alone cost more than the report's whole budget.
Measured once, when a conversation's rollup rows are recomputed, a report reads one number per
conversation and sums most of them in the database.

They hold only for the calendar they were measured on (hours, zone, holidays, the targets), so
the workspace's calendar is recorded as a fingerprint (`ReportCalendar`): a refresh that finds
another calendar in force measures the whole workspace again, once, before the report reads.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Table, bindparam, func, select, update
from sqlmodel import Session, col

from app.core.models import ReportCalendar, ReportConversation, ReportStatusChange, SlaPolicy
from inbox.report_clock import Clock, IntervalClock, WallClock
from inbox.sla import BusinessCalendar, calendar_for, policy_of

#: Days of calendar walked past the last moment measured, so its due time can still be found.
MARGIN = timedelta(days=60)
#: Read once: every refresh (each report, the rollup job's every half minute) fingerprints
#: the calendar, and the installed package cannot change under a running process.
_HOLIDAYS_VERSION = version("holidays")
#: Conversations measured at a time.
CHUNK = 2000


class Clocks:
    """The business clock durations are measured on, and the SLA's due time of a first
    message, over the calendar from `earliest` to `latest` (epoch seconds) and a margin."""

    def __init__(self, policy: SlaPolicy, earliest: float, latest: float):
        self.policy = policy
        self.calendar: BusinessCalendar = calendar_for(policy)
        first, last = (
            datetime.fromtimestamp(moment, UTC).astimezone(self.calendar.zone).date()
            for moment in (earliest, latest)
        )
        last += MARGIN
        self._open = IntervalClock(self.calendar.open_intervals(first, last))
        self._working = IntervalClock(self.calendar.working_day_intervals(first, last))
        # A calendar with no hours at all counts calendar time, as the SLA does.
        self.business: Clock = self._open if self.calendar.ever_open else WallClock()

    def first_response_due(self, first_in: float) -> float | None:
        """As `inbox.sla.first_response_due`; None when past the walked calendar."""
        target = self.policy.first_response_minutes * 60
        cap_length = self.policy.max_response_minutes * 60
        if not self.calendar.ever_open:
            return first_in + cap_length
        if self.policy.max_response_clock == "calendar":
            cap: float | None = first_in + cap_length
        else:
            cap = self._working.add(first_in, cap_length)
        if cap is not None and self._open.elapsed(first_in, cap) // 60 < target // 60:
            return cap
        return self._open.add(first_in, target)


def fingerprint(policy: SlaPolicy) -> str:
    """What the measures depend on, hashed: a country's days off come from the `holidays`
    package, so its version counts too."""
    calendar = {
        "timezone": policy.timezone,
        "business_hours": policy.business_hours,
        "holidays": sorted(policy.holidays or []),
        "holiday_country": policy.holiday_country,
        "working_days": sorted(policy.working_days or []),
        "first_response_minutes": policy.first_response_minutes,
        "max_response_minutes": policy.max_response_minutes,
        "max_response_clock": policy.max_response_clock,
        "holidays_package": _HOLIDAYS_VERSION,
    }
    return hashlib.sha256(json.dumps(calendar, sort_keys=True).encode()).hexdigest()


def measure(session: Session, conversation_ids: Sequence[int]) -> None:
    """Measures these conversations' rollup rows on their workspaces' calendars as they are
    now (their rows must be recomputed already)."""
    connection = session.connection()
    workspaces = connection.execute(
        select(col(ReportConversation.workspace_id))
        .where(col(ReportConversation.conversation_id).in_(conversation_ids))
        .distinct()
    ).scalars()
    for workspace_id in list(workspaces):
        _measure(session, policy_of(session, workspace_id), workspace_id, conversation_ids)


def measure_if_recalendared(session: Session, workspace_id: int) -> int:
    """Measures the whole workspace again when its calendar is not the one its measures were
    taken on, and records the calendar; returns how many conversations that measured."""
    policy = policy_of(session, workspace_id)
    wanted = fingerprint(policy)
    recorded = session.get(ReportCalendar, workspace_id)
    if recorded is not None and recorded.fingerprint == wanted:
        return 0
    ids = [
        int(cid)
        for cid in session.connection()
        .execute(
            select(col(ReportConversation.conversation_id))
            .where(col(ReportConversation.workspace_id) == workspace_id)
            .order_by(col(ReportConversation.conversation_id))
        )
        .scalars()
    ]
    for start in range(0, len(ids), CHUNK):
        _measure(session, policy, workspace_id, ids[start : start + CHUNK])
    session.merge(ReportCalendar(workspace_id=workspace_id, fingerprint=wanted))
    session.flush()
    return len(ids)


def _measure(
    session: Session, policy: SlaPolicy, workspace_id: int, conversation_ids: Sequence[int]
) -> None:
    connection = session.connection()
    facts = connection.execute(
        select(
            col(ReportConversation.conversation_id),
            col(ReportConversation.first_in),
            col(ReportConversation.first_reply),
        ).where(
            col(ReportConversation.workspace_id) == workspace_id,
            col(ReportConversation.conversation_id).in_(conversation_ids),
        )
    ).all()
    changes = connection.execute(
        select(
            col(ReportStatusChange.audit_event_id),
            col(ReportStatusChange.conversation_id),
            col(ReportStatusChange.at),
            col(ReportStatusChange.open_since),
        )
        .where(
            col(ReportStatusChange.workspace_id) == workspace_id,
            col(ReportStatusChange.conversation_id).in_(conversation_ids),
        )
        .order_by(
            col(ReportStatusChange.conversation_id),
            col(ReportStatusChange.at),
            col(ReportStatusChange.audit_event_id),
        )
    ).all()
    moments = [m for row in facts for m in row[1:] if m is not None]
    moments += [m for row in changes for m in row[2:] if m is not None]
    if not moments:
        return
    clocks = Clocks(policy, min(moments), max(moments))
    _store_first_responses(session, clocks, facts)
    _store_time_open(session, clocks, changes)


def _store_first_responses(session: Session, clocks: Clocks, facts: Sequence[Any]) -> None:
    answered = [(row[1], row[2]) for row in facts if row[1] is not None and row[2] is not None]
    waits = iter(clocks.business.elapsed_each(*_columns(answered)))
    rows = [
        (
            cid,
            round(next(waits)) if first_in is not None and reply is not None else None,
            _whole(clocks.first_response_due(first_in)) if first_in is not None else None,
        )
        for cid, first_in, reply in facts
    ]
    table = ReportConversation.__table__  # type: ignore[attr-defined]
    _store(session, table, "conversation_id", ("first_wait", "first_due"), rows)


def _store_time_open(session: Session, clocks: Clocks, changes: Sequence[Any]) -> None:
    """Each change's running total of the stretches open that ended by it, per conversation
    (the rows come in each conversation's order)."""
    stretches = [(row[3], row[2]) if row[3] is not None else (row[2], row[2]) for row in changes]
    starts, ends = _columns(stretches)
    business = clocks.business.elapsed_each(starts, ends)
    calendar = WallClock().elapsed_each(starts, ends)
    rows = []
    conversation, open_business, open_calendar = None, 0.0, 0.0
    for row, in_business, in_calendar in zip(changes, business, calendar, strict=True):
        if row[1] != conversation:
            conversation, open_business, open_calendar = row[1], 0.0, 0.0
        open_business += in_business
        open_calendar += in_calendar
        rows.append((row[0], round(open_business), round(open_calendar)))
    table = ReportStatusChange.__table__  # type: ignore[attr-defined]
    _store(session, table, "audit_event_id", ("open_business", "open_calendar"), rows)


def _store(
    session: Session,
    table: Table,
    key: str,
    names: Sequence[str],
    rows: Sequence[tuple[int, int | None, int | None]],
) -> None:
    """Updates rows by `key` with their measures. On PostgreSQL in one statement, the values
    passed as arrays and joined in (`unnest`): a statement per row spent four times as long
    in round trips as in updating (a whole workspace's measures: 11 s against 3 s). SQLite,
    in the process, takes a statement per row at no such cost."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        keys = ["m_key", *(f"m_{name}" for name in names)]
        connection.execute(
            update(table)
            .where(table.c[key] == bindparam("m_key"))
            .values({name: bindparam(f"m_{name}") for name in names}),
            [dict(zip(keys, row, strict=True)) for row in rows],
        )
        return
    arrays = [
        bindparam(f"m_{n}", [row[n] for row in rows], type_=ARRAY(BigInteger))
        for n in range(len(names) + 1)
    ]
    measured = func.unnest(*arrays).table_valued("key", *names).render_derived(name="m")
    connection.execute(
        update(table)
        .where(table.c[key] == measured.c.key)
        .values({name: measured.c[name] for name in names})
    )


def _columns(pairs: Sequence[tuple[float, float]]) -> tuple[list[float], list[float]]:
    return [float(a) for a, _ in pairs], [float(b) for _, b in pairs]


def _whole(moment: float | None) -> int | None:
    return None if moment is None else round(moment)
