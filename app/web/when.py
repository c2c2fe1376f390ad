"""Times people pick in forms ("in 1 h", "today 17:00", "tomorrow 10:00", a custom local time;
for a snooze "later today", "tomorrow 9:00", "next Monday 9:00"), read in the workspace's time
zone and returned in UTC.

Pure and UI-only: whether such a time is acceptable (in the future, within limits) is decided
by the domain functions the pages then call.
"""

from datetime import UTC, datetime, time, timedelta

from app.core.i18n import gettext as _
from app.core.zones import zone_or_utc


def presets() -> dict[str, str]:
    """A promise's and a reminder's presets, by the key the form posts, in the reader's
    language."""
    return {
        "1h": _("In 1 hour"),
        "today17": _("Today 17:00"),
        "tomorrow10": _("Tomorrow 10:00"),
        "custom": _("Custom…"),
    }


def snooze_presets() -> dict[str, str]:
    """A snooze's presets: the times a conversation is usually put away until."""
    return {
        "later": _("Later today (in 3 hours)"),
        "tomorrow9": _("Tomorrow 9:00"),
        "monday9": _("Next Monday 9:00"),
        "custom": _("Custom…"),
    }


LATER_TODAY = timedelta(hours=3)


def picked_time(preset: str, custom: str, *, zone_name: str, now: datetime) -> datetime:
    """Raises ValueError with a sentence a person can act on."""
    zone = zone_or_utc(zone_name)
    local_now = now.astimezone(zone)
    if preset == "1h":
        return now + timedelta(hours=1)
    if preset == "today17":
        return datetime.combine(local_now.date(), time(17), zone).astimezone(UTC)
    if preset == "later":
        return now + LATER_TODAY
    if preset in ("tomorrow10", "tomorrow9"):
        tomorrow = local_now.date() + timedelta(days=1)
        hour = 10 if preset == "tomorrow10" else 9
        return datetime.combine(tomorrow, time(hour), zone).astimezone(UTC)
    if preset == "monday9":
        monday = local_now.date() + timedelta(days=7 - local_now.weekday())
        return datetime.combine(monday, time(9), zone).astimezone(UTC)
    if preset == "custom":
        try:
            wall = datetime.fromisoformat(custom.strip())
        except ValueError:
            raise ValueError(_("Pick a date and time for the custom time.")) from None
        if wall.tzinfo is None:
            wall = wall.replace(tzinfo=zone)
        return wall.astimezone(UTC)
    raise ValueError(_("Choose when."))
