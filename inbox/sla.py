"""Business time: when a reply is due under a workspace's SLA policy, and how much business time
passed between two instants; plus the rules a policy's fields must follow (`inbox.sla_policy`
saves a policy with them).

Opening hours are wall-clock times in the policy's zone, turned into real (UTC) intervals one
local day at a time, so a 09:00-17:00 day is 8 hours also on a DST day and an overnight span
counts only the hours that really elapsed. The closed days are the team's holidays and, when
the policy names a country, its official days off; a moved working day (the team's own, or a
country's working Saturday) opens with the hours of the team's first working weekday. The hard
cap on a client's wait runs on working days only (whole days, midnight to midnight), unless
the policy counts it in calendar time: a Friday-evening mail is never due on Saturday. Imports
only the kernel: gmail_sync and the scheduler compute due times with it.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.core.errors import NotFound
from app.core.i18n import gettext as _
from app.core.models import Priority, SlaPolicy, Workspace
from app.core.zones import parse_zone
from inbox.public_holidays import country_year

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
POLICY_FIELDS = (
    "timezone",
    "business_hours",
    "holidays",
    "holiday_country",
    "working_days",
    "max_response_clock",
    "first_response_minutes",
    "next_response_minutes",
    "max_response_minutes",
    "urgent_response_minutes",
)
_HHMM = re.compile(r"(\d\d):(\d\d)")
_MINUTE = timedelta(minutes=1)

Interval = tuple[int, int]
"""[start, end) in minutes after local midnight; end may be 1440 ("24:00")."""
WeeklyHours = tuple[tuple[Interval, ...], ...]
"""Seven days of sorted, non-overlapping intervals, indexed like `date.weekday()`."""


def parse_business_hours(raw: Mapping[str, Sequence[Sequence[str]]]) -> WeeklyHours:
    """A missing weekday is closed; intervals may come in any order but must not overlap
    (touching, as in 09:00-12:00 and 12:00-17:00, is fine)."""
    unknown = sorted(set(raw) - set(WEEKDAYS))
    if unknown:
        raise ValueError(
            _("unknown weekday %(day)r (use %(days)s)")
            % {"day": unknown[0], "days": ", ".join(WEEKDAYS)}
        )
    return tuple(_day_intervals(day, raw.get(day, ())) for day in WEEKDAYS)


def _day_intervals(day: str, raw: Sequence[Sequence[str]]) -> tuple[Interval, ...]:
    intervals: list[Interval] = []
    for pair in raw:
        if len(pair) != 2:
            raise ValueError(
                _("%(day)s: an interval is [start, end], got %(pair)r")
                % {"day": day, "pair": list(pair)}
            )
        start, end = _minutes(day, pair[0]), _minutes(day, pair[1])
        if start >= end:
            raise ValueError(
                _("%(day)s: %(start)s-%(end)s must start before it ends")
                % {"day": day, "start": pair[0], "end": pair[1]}
            )
        intervals.append((start, end))
    intervals.sort()
    for (start, end), (next_start, next_end) in pairwise(intervals):
        if next_start < end:
            raise ValueError(
                _("%(day)s: %(span)s overlaps %(other)s")
                % {
                    "day": day,
                    "span": f"{_hhmm(start)}-{_hhmm(end)}",
                    "other": f"{_hhmm(next_start)}-{_hhmm(next_end)}",
                }
            )
    return tuple(intervals)


def _minutes(day: str, text: str) -> int:
    match = _HHMM.fullmatch(text)
    total = int(match[1]) * 60 + int(match[2]) if match and int(match[2]) < 60 else -1
    if not 0 <= total <= 24 * 60:
        raise ValueError(
            _("%(day)s: %(text)r is not a time of day (HH:MM, 00:00 to 24:00)")
            % {"day": day, "text": text}
        )
    return total


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def business_hours_json(weekly: WeeklyHours) -> dict[str, list[list[str]]]:
    """The canonical stored form: every weekday present, intervals sorted."""
    return {
        day: [[_hhmm(start), _hhmm(end)] for start, end in intervals]
        for day, intervals in zip(WEEKDAYS, weekly, strict=True)
    }


def parse_holidays(raw: Sequence[str], *, working_days: bool = False) -> frozenset[date]:
    """Only the strict YYYY-MM-DD form, so what is stored reads the same everywhere; the
    refusal names holidays, or the extra working days these are."""
    days: set[date] = set()
    for text in raw:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is None or day.isoformat() != text:
            refusal = (
                _("working day %(text)r is not a date (YYYY-MM-DD)")
                if working_days
                else _("holiday %(text)r is not a date (YYYY-MM-DD)")
            )
            raise ValueError(refusal % {"text": text})
        days.add(day)
    return frozenset(days)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at!r} has no time zone: business time needs an aware instant")
    return at.astimezone(UTC)


def _wall_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant the zone's clock shows `wall`: the earlier one in an autumn fold, and
    for a time skipped in spring, the moment the clock jumps past it."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    while instant - before > timedelta(seconds=1):
        middle = before + timedelta(seconds=(instant - before).total_seconds() // 2)
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            instant = middle
        else:
            before = middle
    return instant


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """When local `day` begins, in UTC (the first instant it exists, where a zone skips
    midnight)."""
    return _wall_to_utc(datetime.combine(day, time()), zone)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours in one zone. Takes aware instants, returns UTC; business time is real
    elapsed time while open, walked a local day at a time (never minute by minute)."""

    zone: ZoneInfo
    weekly: WeeklyHours
    holidays: frozenset[date] = frozenset()
    country: str | None = None
    working_days: frozenset[date] = frozenset()

    @property
    def ever_open(self) -> bool:
        return any(self.weekly)

    def is_open(self, at: datetime) -> bool:
        at = _utc(at)
        return any(opens <= at < closes for opens, closes in self._open_on(self._local_date(at)))

    def add(self, start: datetime, minutes: int) -> datetime:
        """`minutes` of business time after `start`; the clock only starts at the next opening,
        so 0 minutes outside hours is that opening. Raises ValueError when never open."""
        if minutes < 0:
            raise ValueError(f"cannot add {minutes} minutes: business time only runs forward")
        if not self.ever_open:
            raise ValueError("the calendar has no business hours, so no business time passes")
        left = timedelta(minutes=minutes)
        intervals = self._open_from(_utc(start))
        while True:
            opens, closes = next(intervals)
            if left <= closes - opens:
                return opens + left
            left -= closes - opens

    def add_on_working_days(self, start: datetime, minutes: int) -> datetime:
        """`minutes` of real time that runs only on working days (any day with opening hours,
        counted whole, midnight to midnight): how "within 24 hours, except on days off" reads.
        Raises ValueError when never open."""
        if not self.ever_open:
            raise ValueError("the calendar has no business hours, so it has no working days")
        left = timedelta(minutes=minutes)
        at = _utc(start)
        day = self._local_date(at)
        while True:
            next_day = day + timedelta(days=1)
            midnight = _wall_to_utc(datetime.combine(next_day, time()), self.zone)
            if self._hours_on(day):
                if left <= midnight - at:
                    return at + left
                left -= midnight - at
            day, at = next_day, midnight

    def between(self, start: datetime, end: datetime) -> int:
        """Whole business minutes from `start` to `end` (0 when end is not after start)."""
        start, end = _utc(start), _utc(end)
        total = timedelta()
        for opens, closes in self._open_from(start, last=self._local_date(end)):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total // _MINUTE

    def _open_from(
        self, at: datetime, last: date | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals from `at` on, clipped to start no earlier; through local day `last`,
        or without end (then the caller must know the calendar is open sometime)."""
        day = self._local_date(at)
        while last is None or day <= last:
            for opens, closes in self._open_on(day):
                if closes > at:
                    yield max(opens, at), closes
            day += timedelta(days=1)

    def open_intervals(self, first: date, last: date) -> list[tuple[datetime, datetime]]:
        """The opening hours of local days `first` through `last` as UTC intervals, in order:
        a report measures thousands of spans against one walk of the calendar."""
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return [interval for day in days for interval in self._open_on(day)]

    def working_day_intervals(self, first: date, last: date) -> list[tuple[datetime, datetime]]:
        """Whole working days (midnight to midnight, local) of `first` through `last`: the
        time the hard cap counts unless the policy says calendar time."""
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return [
            (local_midnight(day, self.zone), local_midnight(day + timedelta(days=1), self.zone))
            for day in days
            if self._hours_on(day)
        ]

    def is_working_day(self, day: date) -> bool:
        """A local day with opening hours (holidays and country days off have none)."""
        return bool(self._hours_on(day))

    def _hours_on(self, day: date) -> tuple[Interval, ...]:
        """The team's own dates win over the country's; a moved working day that is normally
        closed takes the first working weekday's hours."""
        official = country_year(self.country, day.year) if self.country else None
        if day in self.working_days or (official and day in official.working_weekend_days):
            return self.weekly[day.weekday()] or next((hours for hours in self.weekly if hours), ())
        if day in self.holidays or (official and day in official.days_off):
            return ()
        return self.weekly[day.weekday()]

    def _open_on(self, day: date) -> list[tuple[datetime, datetime]]:
        midnight = datetime.combine(day, time())
        instants = [
            (
                _wall_to_utc(midnight + start * _MINUTE, self.zone),
                _wall_to_utc(midnight + end * _MINUTE, self.zone),
            )
            for start, end in self._hours_on(day)
        ]
        return [(opens, closes) for opens, closes in instants if opens < closes]

    def _local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()


def calendar_for(policy: SlaPolicy) -> BusinessCalendar:
    return BusinessCalendar(
        zone=parse_zone(policy.timezone),
        weekly=parse_business_hours(policy.business_hours),
        holidays=parse_holidays(policy.holidays),
        country=policy.holiday_country,
        working_days=parse_holidays(policy.working_days, working_days=True),
    )


def policy_of(session: Session, workspace_id: int) -> SlaPolicy:
    """The stored policy, or the defaults in the workspace's time zone; a default is never
    added to the session, so reading a policy writes nothing."""
    policy = session.exec(select(SlaPolicy).where(SlaPolicy.workspace_id == workspace_id)).first()
    if policy is not None:
        return policy
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound(f"workspace {workspace_id} not found")
    return SlaPolicy(workspace_id=workspace_id, timezone=workspace.timezone)


def first_response_due(policy: SlaPolicy, received_at: datetime) -> datetime:
    return _due(policy, received_at, policy.first_response_minutes)


def next_response_due(policy: SlaPolicy, received_at: datetime) -> datetime:
    return _due(policy, received_at, policy.next_response_minutes)


def urgent_response_due(policy: SlaPolicy, received_at: datetime) -> datetime:
    return _due(policy, received_at, policy.urgent_response_minutes)


def reply_due(
    policy: SlaPolicy, received_at: datetime, *, answered: bool, priority: str
) -> datetime:
    """The reply a client's mail is owed: urgent has its own target, else the first reply's or
    a later one's."""
    if priority == Priority.URGENT:
        return urgent_response_due(policy, received_at)
    return (next_response_due if answered else first_response_due)(policy, received_at)


def _due(policy: SlaPolicy, received_at: datetime, minutes: int) -> datetime:
    """The business-time target, but never later than the hard cap: a client waits at most
    `max_response_minutes` of working days (or of calendar time, if the policy says so; and
    always of calendar time when there are no hours at all). Counting only up to the cap first
    keeps sparse hours from walking far past it."""
    calendar = calendar_for(policy)
    if not calendar.ever_open:
        return _utc(received_at) + timedelta(minutes=policy.max_response_minutes)
    if policy.max_response_clock == "calendar":
        cap = _utc(received_at) + timedelta(minutes=policy.max_response_minutes)
    else:
        cap = calendar.add_on_working_days(received_at, policy.max_response_minutes)
    if calendar.between(received_at, cap) < minutes:
        return cap
    return calendar.add(received_at, minutes)


def policy_fields(policy: SlaPolicy) -> dict[str, Any]:
    """The policy as the API and the audit trail show it: business hours in canonical form,
    so a default (weekdays only) and the same hours saved (all seven days) compare equal."""
    fields = {name: getattr(policy, name) for name in POLICY_FIELDS}
    fields["business_hours"] = business_hours_json(parse_business_hours(policy.business_hours))
    return fields
