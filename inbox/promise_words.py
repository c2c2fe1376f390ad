# ruff: noqa: RUF001, RUF003 - Russian words in the patterns are intended
"""The words of a promise in each language promise detection reads (`inbox.promise_text`):
what commits, what sets a deadline, what tells of the past, and how its days, clocks and
durations are written, rewritten where dateparser does not read them. A language is one
`Language` here; the detection itself knows none of them.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date


@dataclass(frozen=True)
class Language:
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


_ENGLISH = Language(
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


_RUSSIAN = Language(
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

LANGUAGES = (_ENGLISH, _RUSSIAN)
