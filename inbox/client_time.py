# ruff: noqa: RUF001, RUF002 - Moscow time is written in Russian letters; the minus sign is typography
"""Times as a client reads them in the team's mail ("We will answer by …"): the weekday, date
and hour in the mailbox's language and the workspace's zone, with the zone named, because the
client may live elsewhere: «пятница, 4 декабря, 18:00 (МСК)», "Friday 4 December, 18:00 (CET)".

Zones in Russia are named the way Russians name them, from Moscow time (МСК, МСК+2 for
Yekaterinburg); elsewhere the zone's own abbreviation (CET, EST, UTC) where tzdata has one in
letters, else the offset from UTC. Names of days and months come from Babel's CLDR data, so a
third language is a code in `app.core.i18n.LANGUAGES`, not code.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.core import get_global
from babel.dates import format_datetime

_PATTERNS = {"ru": "EEEE, d MMMM, HH:mm"}
_DEFAULT_PATTERN = "EEEE d MMMM, HH:mm"
_MOSCOW_OFFSET = timedelta(hours=3)
_MOSCOW = {"ru": "МСК"}


def client_time(when: datetime, zone: ZoneInfo, language: str) -> str:
    local = when.astimezone(zone)
    pattern = _PATTERNS.get(language, _DEFAULT_PATTERN)
    written = format_datetime(local, pattern, tzinfo=zone, locale=language)
    return f"{written} ({_zone_name(local, zone, language)})"


def _zone_name(local: datetime, zone: ZoneInfo, language: str) -> str:
    offset = local.utcoffset() or timedelta()
    if get_global("zone_territories").get(zone.key) == "RU":
        return _MOSCOW.get(language, "MSK") + _hours(offset - _MOSCOW_OFFSET)
    abbreviation = local.tzname() or ""
    if abbreviation.isalpha():
        return abbreviation
    return "UTC" + _hours(offset)


def _hours(offset: timedelta) -> str:
    """+2, −3, +5:30; nothing for no difference."""
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return ""
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")
