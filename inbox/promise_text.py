# ruff: noqa: RUF001 - Russian words in the patterns are intended
"""Spot the reply time an agent promises in the text of a reply, in English and Russian.

The reply endpoint offers what this finds as ``detected_promise`` for the agent to confirm: a
miss costs the agent a few clicks, while a wrong guess would set a reminder nobody promised, so
the rules lean towards returning None. dateparser reads the days and clocks; the regexes here
only find the words of a promise and rewrite what dateparser does not read ("в течение часа",
"до конца дня", Russian weekdays after "до"/"к").

The rules chosen, all in the workspace's time zone:
- a day without a time of day means the end of the business day, 17:00; "morning" and "first
  thing" mean 09:00, "lunch" and «до обеда» 13:00; "end of the week" and "this week" mean Friday
  17:00, "next week" next week's Friday 17:00, "by next week" its Monday 09:00, "early next
  week" and «в начале недели» its Tuesday 17:00;
- with the team's business calendar, a day named that is closed (a weekend, a holiday) moves to
  the next working day, and the promise says why («завтра — суббота, выходной»), so the agent
  confirms a time the team will be there for; "within N working days" counts working days;
- a weekday means the next such day, never today ("by Friday" said on a Friday is next week);
- a time of day with no day named that has already passed today means tomorrow ("by 9am" said at
  10:15); one said with "today" that has passed is no promise;
- durations ("within two hours") are real elapsed time, added in UTC: dateparser adds them to
  the wall clock, which is an hour off across a DST change;
- the due time must lie after ``now`` and at most 60 days ahead.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import dateparser

from app.core.zones import zone_or_utc
from inbox.promise_words import LANGUAGES, Language
from inbox.sla import BusinessCalendar

END_OF_BUSINESS_DAY = time(17, 0)
HORIZON = timedelta(days=60)
_TUESDAY, _FRIDAY = 1, 4


@dataclass(frozen=True)
class DetectedPromise:
    """A promised reply time as the agent wrote it, for the agent to confirm."""

    due_at: datetime
    phrase: str
    language: str
    #: Why the time differs from the words: the day named is closed.
    reason: str | None = None


# The agent's own words end where the quoted message or the signature begins.
_END_OF_OWN_WORDS = re.compile(r"^(?:On\s.*\bwrote:|.*\bнаписал\S*:|--\s?)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZА-ЯЁ])")


def detect_promise(
    text: str, *, now: datetime, timezone: str, calendar: BusinessCalendar | None = None
) -> DetectedPromise | None:
    """The first promised reply time in the agent's own words, if any.

    ``now`` is passed in rather than read so the answer depends on the text alone and tests can
    fix the clock; ``timezone`` places "tomorrow" and "17:00" where the team works, and
    ``calendar`` (the SLA's) says which days it works.
    """
    local_now = now.astimezone(zone_or_utc(timezone))
    for sentence in _sentences(_own_words(text)):
        for language in LANGUAGES:
            promise = _promise_in(sentence, language, local_now, calendar)
            if promise is not None:
                return promise
    return None


def _own_words(text: str) -> str:
    """Drop quoted lines and everything after the reply header or signature: a promise the client
    made ("> I will send it by Friday") is not the agent's."""
    kept: list[str] = []
    for line in text.splitlines():
        if _END_OF_OWN_WORDS.match(line):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept)


def _sentences(text: str) -> Iterator[str]:
    """Sentences with the line wrapping of plain-text mail undone, so a promise broken over two
    lines ("get back to you\\nby Friday") is still one phrase."""
    for paragraph in re.split(r"\n\s*\n", text):
        yield from _SENTENCE_END.split(" ".join(paragraph.split()))


@dataclass(frozen=True)
class _Candidate:
    match: re.Match[str]
    kind: str
    deadline: bool


def _promise_in(
    sentence: str, language: Language, local_now: datetime, calendar: BusinessCalendar | None
) -> DetectedPromise | None:
    """A time expression counts when the sentence commits to it, or when it is a deadline ("by",
    "до", "within") in a sentence that does not tell of the past ("we fixed it within an hour")."""
    folded = sentence.replace("ё", "е").replace("Ё", "Е").replace("’", "'")
    committed = language.commitment.search(folded) is not None
    past = language.past.search(folded) is not None
    for candidate in _candidates(folded, language):
        if not (committed or (candidate.deadline and not past)):
            continue
        due = _resolve(candidate, language, local_now, calendar)
        if due is not None and local_now < due <= local_now + HORIZON:
            start, end = candidate.match.span()
            phrase = sentence[start:end]
            reason = None
            if calendar is not None and candidate.kind != "duration":
                due, reason = _on_a_working_day(due, calendar, phrase, language)
            return DetectedPromise(due.astimezone(UTC), phrase, language.code, reason)
    return None


def _on_a_working_day(
    due: datetime, calendar: BusinessCalendar, phrase: str, language: Language
) -> tuple[datetime, str | None]:
    """The same time on the first working day from the day named, and why it moved."""
    day = closed = due.date()
    for _ in range(HORIZON.days):
        if calendar.is_working_day(day):
            break
        day += timedelta(days=1)
    if day == closed:
        return due, None
    holiday = bool(calendar.weekly[closed.weekday()])
    moved = datetime.combine(day, due.time(), tzinfo=due.tzinfo)
    return moved, language.closed(phrase, closed, holiday)


def _candidates(folded: str, language: Language) -> list[_Candidate]:
    """Time expressions that do not overlap (the earliest and longest wins), deadlines first."""
    kinds = (
        ("duration", language.duration),
        ("end_of_week", language.end_of_week),
        ("day_time", language.day_time),
    )
    found = [(match, kind) for kind, pattern in kinds for match in pattern.finditer(folded)]
    found.sort(key=lambda item: (item[0].start(), -item[0].end()))
    kept: list[_Candidate] = []
    for match, kind in found:
        if not kept or match.start() >= kept[-1].match.end():
            deadline = language.deadline.search(match.group(0)) is not None
            kept.append(_Candidate(match, kind, deadline))
    kept.sort(key=lambda candidate: not candidate.deadline)
    return kept


def _resolve(
    candidate: _Candidate,
    language: Language,
    local_now: datetime,
    calendar: BusinessCalendar | None,
) -> datetime | None:
    if candidate.kind == "duration":
        return _duration_due(candidate.match, language, local_now, calendar)
    if candidate.kind == "end_of_week":
        return _week_due(candidate.match.group(0).lower(), local_now)
    return _day_time_due(candidate.match, language, local_now)


_NEXT_WEEK = re.compile(r"next|следующ")
_WEEK_START = re.compile(r"early|start|beginning|начал")
_BEFORE_WEEK = re.compile(r"^(?:by|before|до)\s+(?:next|следующ)")


def _week_due(words: str, local_now: datetime) -> datetime:
    """This or next week's Friday 17:00; its Tuesday 17:00 for its start (the coming one, once
    Tuesday is here); its Monday 09:00 for "by next week"."""
    monday = local_now.date() - timedelta(days=local_now.weekday())
    if _NEXT_WEEK.search(words):
        monday += timedelta(days=7)
    if _BEFORE_WEEK.search(words):
        return datetime.combine(monday, time(9, 0), tzinfo=local_now.tzinfo)
    if _WEEK_START.search(words):
        if not _NEXT_WEEK.search(words) and local_now.weekday() >= _TUESDAY:
            monday += timedelta(days=7)
        return datetime.combine(
            monday + timedelta(days=_TUESDAY), END_OF_BUSINESS_DAY, tzinfo=local_now.tzinfo
        )
    friday = monday + timedelta(days=_FRIDAY)
    return datetime.combine(friday, END_OF_BUSINESS_DAY, tzinfo=local_now.tzinfo)


def _duration_due(
    match: re.Match[str],
    language: Language,
    local_now: datetime,
    calendar: BusinessCalendar | None,
) -> datetime:
    spelled = " ".join((match.group("n") or "1").lower().split())
    count = language.numbers.get(spelled) or float(spelled)
    unit, size = language.unit(match.group("unit").lower())
    if unit == "business_days":
        return _add_business_days(local_now, int(min(count, HORIZON.days)), calendar)
    # Capped so "in 99999999999 days" is merely too far ahead rather than an OverflowError.
    return local_now.astimezone(UTC) + timedelta(**{unit: min(count * size, 1e6)})


def _add_business_days(
    local_now: datetime, count: int, calendar: BusinessCalendar | None
) -> datetime:
    """Working days of the team's calendar (weekends only without one). Whole days step the
    wall clock, so the hour survives a DST change."""
    due = local_now
    for _ in range(HORIZON.days * 3):
        if count <= 0:
            break
        due += timedelta(days=1)
        working = calendar.is_working_day(due.date()) if calendar else due.weekday() < 5
        count -= working
    return due


def _day_time_due(match: re.Match[str], language: Language, local_now: datetime) -> datetime | None:
    day = match.group("day1") or match.group("day2")
    clock_words = match.group("time1") or match.group("time2")
    clock = language.clock(clock_words.lower()) if clock_words else END_OF_BUSINESS_DAY.isoformat()
    if day is not None:
        return _parse(f"{language.day(day.lower())} {clock}", language, local_now)
    today = _parse(f"{language.today} {clock}", language, local_now)
    if today is not None and today <= local_now:
        return _parse(f"{language.tomorrow} {clock}", language, local_now)
    return today


def _parse(words: str, language: Language, local_now: datetime) -> datetime | None:
    """dateparser reads the words against the local wall clock and the zone is attached here:
    its own TIMEZONE setting goes through pytz, whose zone list can differ from the zoneinfo one
    the rest of the module (and Tandem) uses, and it raises on a zone it does not know."""
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed: datetime | None = dateparser.parse(words, languages=[language.code], settings=settings)
    return None if parsed is None else parsed.replace(tzinfo=local_now.tzinfo)
