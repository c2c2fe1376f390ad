# ruff: noqa: RUF001, RUF003 - Russian words in the patterns are intended
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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import dateparser
from babel.dates import format_date

from app.core.zones import zone_or_utc
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


@dataclass(frozen=True)
class _Language:
    """What one language needs: the words that commit, and how to read its time expressions."""

    code: str
    commitment: re.Pattern[str]
    deadline: re.Pattern[str]
    past: re.Pattern[str]
    duration: re.Pattern[str]
    end_of_week: re.Pattern[str]
    day_time: re.Pattern[str]
    numbers: Mapping[str, float]
    unit: Callable[[str], tuple[str, float]]
    day: Callable[[str], str]
    clock: Callable[[str], str]
    today: str
    tomorrow: str
    closed: Callable[[str, date, bool], str]


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


def _number_pattern(numbers: Mapping[str, float]) -> str:
    """Longest first, so "twenty-four" is not read as "twenty"."""
    spelled = sorted(numbers, key=len, reverse=True)
    return _words(r"\d+", *(re.escape(word).replace(r"\ ", r"\s+") for word in spelled))


# English ------------------------------------------------------------------------------------

_EN_NUMBERS: Mapping[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "twenty-four": 24, "forty-eight": 48,
    "seventy-two": 72, "a couple of": 2, "half an": 0.5,
}  # fmt: skip
_EN_WEEKDAY = _words("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_EN_DAY = _words(
    r"later\s+today", r"this\s+afternoon", "today", "tomorrow", "yesterday",
    r"the\s+day\s+after\s+tomorrow", rf"(?:this\s+|next\s+)?{_EN_WEEKDAY}",
    rf"{_EN_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?",
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}",
)  # fmt: skip
_EN_TIME = _words(
    r"\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)", r"\d{1,2}:\d{2}", "noon", "midday",
    r"(?:the\s+)?end\s+of\s+(?:the\s+)?(?:business\s+|working\s+)?day", "eod", "cob",
    r"close\s+of\s+business", r"first\s+thing(?:\s+in\s+the\s+morning)?",
    r"(?:in\s+the\s+)?morning", r"lunch(?:time)?",
)  # fmt: skip
_EN_PREP = _words("by", "before", r"no\s+later\s+than", "on", "at")


def _en_unit(word: str) -> tuple[str, float]:
    if word.startswith(("business", "working")):
        return "business_days", 1
    return {"m": ("minutes", 1), "h": ("hours", 1), "d": ("days", 1)}[word[0]]


def _en_day(words: str) -> str:
    return "today" if words.startswith(("later", "this afternoon")) else words


def _en_clock(words: str) -> str:
    if re.search(r"end|eod|cob|close", words):
        return "17:00"
    if re.search(r"morning|first", words):
        return "09:00"
    if re.search(r"noon|midday", words):
        return "12:00"
    if "lunch" in words:
        return "13:00"
    return words.replace(".", "")


def _en_closed(phrase: str, day: date, holiday: bool) -> str:
    """ "tomorrow is Saturday, a day off"."""
    lead = "tomorrow" if "tomorrow" in phrase.lower() else format_date(day, "d MMMM", locale="en")
    kind = "a holiday" if holiday else "a day off"
    return f"{lead} is {format_date(day, 'EEEE', locale='en')}, {kind}"


_ENGLISH = _Language(
    code="en",
    commitment=_compile(
        r"""\b(?:i|we)(?:'ll|\s+will|\s+shall|'m\s+going\s+to|\s+am\s+going\s+to|'re\s+going\s+to
        |\s+are\s+going\s+to|\s+promise|\s+(?:hope|plan|aim|expect|intend)\s+to|\s+can)\b
        |\byou(?:'ll|\s+will|\s+should)\s+(?:hear|get|have|receive)\b
        |\b(?:expect|get\s+back|come\s+back|follow\s+up
        |will\s+be\s+(?:ready|done|fixed|resolved|sent|shipped))\b"""
    ),
    deadline=_compile(r"\b(?:by|before|within|no\s+later\s+than)\b"),
    past=_compile(r"\b(?:was|were|had|did|took|got|sent|made|\w{3,}ed)\b"),
    duration=_compile(
        rf"""\b(?:within|in)\s+(?:the\s+next\s+|the\s+)?(?:(?P<n>{_number_pattern(_EN_NUMBERS)})\s*)?
        (?P<unit>(?:business\s+|working\s+)?days?|hours?|hrs?|h|minutes?|mins?)\b"""
    ),
    end_of_week=_compile(
        r"""\b(?:(?:by|before)\s+)?(?:the\s+)?end\s+of\s+(?:the|this|next)\s+week\b
        |\b(?:early|(?:at\s+)?the\s+(?:start|beginning)\s+of)\s+(?:the\s+|this\s+|next\s+)?week\b
        |\b(?:(?:by|before)\s+)?(?:this|next)\s+week\b"""
    ),
    day_time=_compile(
        rf"""\b(?:{_EN_PREP}\s+)?
        (?:(?P<day1>{_EN_DAY})(?:\s*,?\s*(?:at|by|before|around)?\s*(?P<time1>{_EN_TIME}))?
        |(?P<time2>{_EN_TIME})(?:\s*,?\s*(?:on\s+)?(?P<day2>{_EN_DAY}))?)(?!\w)"""
    ),
    numbers=_EN_NUMBERS,
    unit=_en_unit,
    day=_en_day,
    clock=_en_clock,
    today="today",
    tomorrow="tomorrow",
    closed=_en_closed,
)

# Russian (matched with ё folded into е) -------------------------------------------------------

_RU_NUMBERS: Mapping[str, float] = {
    "один": 1, "одного": 1, "одну": 1, "одной": 1, "два": 2, "две": 2, "двух": 2, "три": 3,
    "трех": 3, "четыре": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6,
    "десять": 10, "десяти": 10, "пятнадцать": 15, "пятнадцати": 15, "двадцать": 20,
    "двадцати": 20, "тридцать": 30, "тридцати": 30, "сорок": 40, "сорока": 40,
    "двадцать четыре": 24, "двадцати четырех": 24, "сорок восемь": 48, "сорока восьми": 48,
    "пару": 2, "пары": 2, "пара": 2,
}  # fmt: skip
# dateparser reads Russian weekdays in the nominative and accusative only ("пятницу", not
# "пятнице" or "пятницы"), so every form is brought back to the nominative by its first letters.
_RU_WEEKDAYS = {
    "пон": "понедельник", "вто": "вторник", "сре": "среда", "чет": "четверг", "пят": "пятница",
    "суб": "суббота", "вос": "воскресенье",
}  # fmt: skip
_RU_WEEKDAY = (
    r"(?:понедельник[аеу]?|вторник[аеу]?|сред[аеуы]|четверг[аеу]?|пятниц[аеуы]|суббот[аеуы]"
    r"|воскресень[еяю])"
)
_RU_MONTH = _words(
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
)  # fmt: skip
_RU_DAY = _words(
    "сегодня", "завтра", "послезавтра", "вчера", rf"(?:следующ\w+\s+)?{_RU_WEEKDAY}",
    rf"\d{{1,2}}\s+{_RU_MONTH}",
)  # fmt: skip
# "12.00" is a time only with round minutes: "12.03" is far more often the 12th of March.
_RU_TIME = _words(
    r"\d{1,2}:\d{2}", r"\d{1,2}\.(?:00|15|30|45)", r"(?:в|к|до)\s+\d{1,2}\s+(?:утра|дня|вечера)",
    "полудня", "утром", r"с\s+утра", r"конц[ау]\s+(?:рабочего\s+)?дня", "обеда",
)  # fmt: skip
_RU_PREP = _words("до", "к", "ко", "в", "во", "на", r"не\s+позднее")


def _ru_unit(word: str) -> tuple[str, float]:
    if word.startswith("рабоч"):
        return "business_days", 1
    if word.startswith("пол"):
        return "minutes", 30
    return {"м": ("minutes", 1), "ч": ("hours", 1)}.get(word[0], ("days", 1))


def _ru_day(words: str) -> str:
    weekday = re.search(_RU_WEEKDAY, words)
    return _RU_WEEKDAYS[weekday.group(0)[:3]] if weekday else words


def _ru_clock(words: str) -> str:
    spoken = re.search(r"(\d{1,2})\s+(утра|дня|вечера)", words)
    if spoken:
        hour = int(spoken.group(1))
        return f"{hour + 12 if spoken.group(2) != 'утра' and hour < 12 else hour}:00"
    if "конц" in words:
        return "17:00"
    if "утр" in words:
        return "09:00"
    if "полуд" in words:
        return "12:00"
    if "обед" in words:
        return "13:00"
    return words.replace(".", ":")


def _ru_closed(phrase: str, day: date, holiday: bool) -> str:
    """«завтра — суббота, выходной»."""
    lead = "завтра" if "завтра" in phrase.lower() else format_date(day, "d MMMM", locale="ru")
    return (
        f"{lead} — {format_date(day, 'EEEE', locale='ru')}, {'праздник' if holiday else 'выходной'}"
    )


_RUSSIAN = _Language(
    code="ru",
    commitment=_compile(
        r"""(?<!\w)(?:вернусь|вернемся|отвечу|ответим|свяжусь|свяжемся|напишу|напишем|пришлю
        |пришлем|вышлю|вышлем|отправлю|отправим|сообщу|сообщим|дам\s+знать|дадим\s+знать|сделаю
        |сделаем|проверю|проверим|исправлю|исправим|решу|решим|подготовлю|подготовим|перезвоню
        |перезвоним|уточню|уточним|посмотрю|посмотрим|отпишусь|отпишемся|постараюсь|постараемся
        |обещаю|обещаем|планирую|планируем|ожидайте|ответ\s+будет|будет\s+готов\w*)(?!\w)"""
    ),
    deadline=_compile(r"(?<!\w)(?:до|к|в\s+течени[еяи]|через|не\s+позднее)(?!\w)"),
    past=_compile(r"(?<!\w)[а-я]+[аеиоуыя]л[аои]?(?!\w)"),
    duration=_compile(
        rf"""(?<!\w)(?:в\s+течени[еяи]|через)\s+(?:(?P<n>{_number_pattern(_RU_NUMBERS)})\s*)?
        (?P<unit>полчаса|минут[уы]?|час(?:а|ов)?|сут(?:ки|ок)
        |(?:рабоч(?:ий|их|его)\s+)?(?:дн(?:я|ей)|день))(?!\w)"""
    ),
    end_of_week=_compile(
        r"""(?<!\w)(?:(?:до|к)\s+конц[ау]\s+(?:этой\s+|текущей\s+|следующей\s+)?недели
        |на\s+(?:этой|следующей)\s+неделе|в\s+начале\s+(?:этой\s+|следующей\s+)?недели
        |до\s+следующей\s+недели)(?!\w)"""
    ),
    day_time=_compile(
        rf"""(?<!\w)(?:{_RU_PREP}\s+)?
        (?:(?P<day1>{_RU_DAY})(?:\s*,?\s*(?:{_RU_PREP}\s+)?(?P<time1>{_RU_TIME}))?
        |(?P<time2>{_RU_TIME})(?:\s*,?\s*(?:{_RU_PREP}\s+)?(?P<day2>{_RU_DAY}))?)(?!\w)"""
    ),
    numbers=_RU_NUMBERS,
    unit=_ru_unit,
    day=_ru_day,
    clock=_ru_clock,
    today="сегодня",
    tomorrow="завтра",
    closed=_ru_closed,
)

_LANGUAGES = (_ENGLISH, _RUSSIAN)

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
        for language in _LANGUAGES:
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
    sentence: str, language: _Language, local_now: datetime, calendar: BusinessCalendar | None
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
    due: datetime, calendar: BusinessCalendar, phrase: str, language: _Language
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


def _candidates(folded: str, language: _Language) -> list[_Candidate]:
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
    language: _Language,
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
    language: _Language,
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


def _day_time_due(
    match: re.Match[str], language: _Language, local_now: datetime
) -> datetime | None:
    day = match.group("day1") or match.group("day2")
    clock_words = match.group("time1") or match.group("time2")
    clock = language.clock(clock_words.lower()) if clock_words else END_OF_BUSINESS_DAY.isoformat()
    if day is not None:
        return _parse(f"{language.day(day.lower())} {clock}", language, local_now)
    today = _parse(f"{language.today} {clock}", language, local_now)
    if today is not None and today <= local_now:
        return _parse(f"{language.tomorrow} {clock}", language, local_now)
    return today


def _parse(words: str, language: _Language, local_now: datetime) -> datetime | None:
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
