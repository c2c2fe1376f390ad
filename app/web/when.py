"""Times people pick in forms ("in 1 h", "today 17:00", "tomorrow 10:00", a custom local time),
read in the workspace's time zone and returned in UTC.

Pure and UI-only: whether such a time is acceptable (in the future, within limits) is decided
by the domain functions the pages then call.
"""

from datetime import UTC, datetime, time, timedelta

from app.core.zones import zone_or_utc

PRESETS = {
    "1h": "In 1 hour",
    "today17": "Today 17:00",
    "tomorrow10": "Tomorrow 10:00",
    "custom": "Custom…",
}


def picked_time(preset: str, custom: str, *, zone_name: str, now: datetime) -> datetime:
    """Raises ValueError with a sentence a person can act on."""
    zone = zone_or_utc(zone_name)
    local_now = now.astimezone(zone)
    if preset == "1h":
        return now + timedelta(hours=1)
    if preset == "today17":
        return datetime.combine(local_now.date(), time(17), zone).astimezone(UTC)
    if preset == "tomorrow10":
        tomorrow = local_now.date() + timedelta(days=1)
        return datetime.combine(tomorrow, time(10), zone).astimezone(UTC)
    if preset == "custom":
        try:
            wall = datetime.fromisoformat(custom.strip())
        except ValueError:
            raise ValueError("Pick a date and time for the custom time.") from None
        if wall.tzinfo is None:
            wall = wall.replace(tzinfo=zone)
        return wall.astimezone(UTC)
    raise ValueError("Choose when.")
