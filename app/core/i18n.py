"""The languages Tandem speaks and the catalog a person reads it through.

English is the source language: every message is written in English in the code and the
templates, marked for translation, extracted into `app/locales/tandem.pot` (`make messages`),
translated in `app/locales/<code>/LC_MESSAGES/tandem.po` and compiled to `.mo` by `make`
(install, run, test). Adding a language is a catalog and its code in `LANGUAGES`, not code.

Which language (and time zone) a request is answered in is decided at the edge and kept in a
context variable (`Reader`) for as long as it runs, so every message (a page, a form's error
raised deep in the domain) and every time reads the same catalog and zone without passing them
around. The edge starts each request with a fresh `Reader` (`begin_reading`) and settles it
once it knows who is reading (`settle_reader`); `reading_as` writes one piece for someone else,
such as an e-mail to one agent.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_interval, format_skeleton, format_timedelta
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LOCALES = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "tandem"
#: The languages of the interface and of mail to clients; the source language first.
LANGUAGES = ("en", "ru")


@dataclass
class Reader:
    """Who the text being written is for. Mutable on purpose: a request's dependencies run in
    worker threads with a copy of the context, and settling this one object there is seen by
    the route that runs after them."""

    language: str = LANGUAGES[0]
    zone: str = "UTC"


_reader: ContextVar[Reader] = ContextVar("tandem_reader")
#: Outside any request (a timer, a CLI command): the source language in UTC; never changed.
_NOBODY = Reader()


def check_language(code: str) -> str:
    if code not in LANGUAGES:
        raise ValueError(
            gettext("unknown language %(code)r (one of %(languages)s)")
            % {"code": code, "languages": ", ".join(LANGUAGES)}
        )
    return code


def language_name(code: str) -> str:
    """The language's name in itself ("English", "Русский"), as people look for their own."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@cache
def catalog(language: str) -> NullTranslations:
    """The compiled catalog; English (and a catalog not compiled yet) reads the source text."""
    if language == LANGUAGES[0]:
        return NullTranslations()
    return Translations.load(LOCALES, [language], DOMAIN)


def current_language() -> str:
    return _reader.get(_NOBODY).language


def current_zone() -> ZoneInfo:
    return ZoneInfo(_reader.get(_NOBODY).zone)


def _spoken(language: str) -> str:
    return language if language in LANGUAGES else LANGUAGES[0]


def begin_reading(language: str) -> None:
    """A request starts in the language its sender asked for, until the edge knows who they
    are; called where the request's own context begins, so nothing outlives it."""
    _reader.set(Reader(_spoken(language)))


def settle_reader(language: str, zone: ZoneInfo) -> None:
    """The request's reader is now known: the rest of it is written in their language and
    zone."""
    reader = _reader.get(None)
    if reader is None:
        _reader.set(Reader(_spoken(language), zone.key))
    else:
        reader.language, reader.zone = _spoken(language), zone.key


@contextmanager
def reading_as(language: str, zone: ZoneInfo) -> Iterator[None]:
    """What is written inside is in `language` (English if Tandem does not speak it) and shows
    times in `zone`."""
    token = _reader.set(Reader(_spoken(language), zone.key))
    try:
        yield
    finally:
        _reader.reset(token)


def moment(when: datetime) -> str:
    """A date and time as the reader writes it, in their zone ("Dec 4, 2026, 18:30" in
    English)."""
    return _written(when, current_zone(), "yMMMd")


def at_offset(when: datetime, offset_minutes: int) -> str:
    """A date and time at a fixed offset from UTC, for callers that know the reader's offset
    but not their zone (Gmail's add-on events): "Tue, Nov 24, 15:00"."""
    return _written(when, timezone(timedelta(minutes=offset_minutes)), "MMMEd")


def _written(when: datetime, zone: tzinfo, date_skeleton: str) -> str:
    locale = Locale.parse(current_language())
    day = format_skeleton(date_skeleton, when, tzinfo=zone, locale=locale)
    clock = format_skeleton("Hm", when, tzinfo=zone, locale=locale)
    return str(locale.datetime_formats["medium"]).format(clock, day)


def relative(when: datetime, now: datetime) -> str:
    """How far off a moment is, as the reader says it ("in 2 hours", "5 minutes ago",
    «через 2 часа»): agents scan a list by recency, not by timestamp."""
    gap = when.astimezone(UTC) - now.astimezone(UTC)
    if abs(gap.total_seconds()) < 60:
        return gettext("now")
    return format_timedelta(gap, add_direction=True, locale=Locale.parse(current_language()))


def day(when: date, skeleton: str = "yMMMd") -> str:
    """A date as the reader writes it ("Nov 3, 2026"; "MMMd": "Nov 3")."""
    return format_skeleton(skeleton, when, locale=Locale.parse(current_language()))


def days(first: date, last: date) -> str:
    """A span of dates as the reader writes it , a month or year named once."""
    return format_interval(first, last, "yMMMd", locale=Locale.parse(current_language()))


def duration(seconds: float) -> str:
    """A wait in its two largest units ("1 hr 30 min", "2 days 4 hr"): one unit alone would
    show a median of 1.5 hours as "2 hours"."""
    locale = Locale.parse(current_language())
    if seconds < 60:
        units = [(round(seconds), 1)]
    elif seconds < 3600 - 30:
        units = [(round(seconds / 60), 60)]
    else:
        small = 60 if seconds < 86400 - 1800 else 3600
        total = round(seconds / small) * small
        big = small * (60 if small == 60 else 24)
        units = [(total // big, big), (total % big // small, small)]
    return " ".join(
        format_timedelta(
            timedelta(seconds=amount * unit), threshold=1, format="short", locale=locale
        )
        for position, (amount, unit) in enumerate(units)
        if amount or position == 0
    )


def percent(ratio: float) -> str:
    """0..1 as the reader writes a percentage ("93%", "93 %")."""
    return format_percent(ratio, locale=Locale.parse(current_language()))


def number(value: float) -> str:
    return format_decimal(value, locale=Locale.parse(current_language()))


def gettext(message: str) -> str:
    return catalog(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return catalog(current_language()).ngettext(singular, plural, count)


def preferred_language(accept_language: str | None) -> str | None:
    """The first language of an `Accept-Language` header (by weight) that Tandem speaks."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().split("-")[0].lower()
        if code in LANGUAGES and weight > 0:
            choices.append((-weight, position, code))
    return min(choices)[2] if choices else None
