"""Time zones as people and settings name them (IANA names such as Europe/Moscow)."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.i18n import gettext as _


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone; OSError too, because a tzdata directory name such as "Europe" is not a zone
    but fails as one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            _("unknown time zone %(name)r (an IANA name, e.g. Europe/Berlin)") % {"name": name}
        ) from None


def zone_or_utc(name: str) -> ZoneInfo:
    """The zone to show or read times in; a name that is no zone (never stored by the API, but
    tzdata changes) falls back to UTC rather than stopping mail or suggestions."""
    try:
        return parse_zone(name)
    except ValueError:
        return ZoneInfo("UTC")
