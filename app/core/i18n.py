"""The languages Tandem speaks and the catalog a person reads it through.

English is the source language: every message is written in English in the code and the
templates, marked for translation, extracted into `app/locales/tandem.pot` (`make messages`),
translated in `app/locales/<code>/LC_MESSAGES/tandem.po` and compiled to `.mo` by `make`
(install, run, test). Adding a language is a catalog and its code in `LANGUAGES`, not code.

Which language (and time zone) a page is read in is decided once, at the edge, and kept in
context variables while it is written (`reading_as`), so every message and every time on it
reads the same catalog and zone without passing them around.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
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

_current: ContextVar[str] = ContextVar("tandem_language", default=LANGUAGES[0])
_zone: ContextVar[str] = ContextVar("tandem_zone", default="UTC")


def check_language(code: str) -> str:
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r} (one of {', '.join(LANGUAGES)})")
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
    return _current.get()


@contextmanager
def reading_as(language: str, zone: ZoneInfo) -> Iterator[None]:
    """What is written inside is in `language` (English if Tandem does not speak it) and shows
    times in `zone`."""
    language_token = _current.set(language if language in LANGUAGES else LANGUAGES[0])
    zone_token = _zone.set(zone.key)
    try:
        yield
    finally:
        _zone.reset(zone_token)
        _current.reset(language_token)


def moment(when: datetime) -> str:
    """A date and time as the reader writes it, in their zone ("Dec 4, 2026, 18:30" in
    English)."""
    zone, locale = ZoneInfo(_zone.get()), Locale.parse(_current.get())
    day = format_skeleton("yMMMd", when, tzinfo=zone, locale=locale)
    clock = format_skeleton("Hm", when, tzinfo=zone, locale=locale)
    return str(locale.datetime_formats["medium"]).format(clock, day)


def day(when: date, skeleton: str = "yMMMd") -> str:
    """A date as the reader writes it ("Nov 3, 2026"; "MMMd": "Nov 3")."""
    return format_skeleton(skeleton, when, locale=Locale.parse(_current.get()))


def days(first: date, last: date) -> str:
    """A span of dates as the reader writes it , a month or year named once."""
    return format_interval(first, last, "yMMMd", locale=Locale.parse(_current.get()))


def duration(seconds: float) -> str:
    """A wait in its two largest units ("1 hr 30 min", "2 days 4 hr"): one unit alone would
    show a median of 1.5 hours as "2 hours"."""
    locale = Locale.parse(_current.get())
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
    return format_percent(ratio, locale=Locale.parse(_current.get()))


def number(value: float) -> str:
    return format_decimal(value, locale=Locale.parse(_current.get()))


def gettext(message: str) -> str:
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return catalog(_current.get()).ngettext(singular, plural, count)


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
