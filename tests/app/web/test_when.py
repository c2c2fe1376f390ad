"""The snooze presets, read in the workspace's zone."""

from datetime import UTC, datetime

import pytest

from app.web.when import picked_time

# A Friday, 22:30 in Berlin (21:30 UTC).
FRIDAY_NIGHT = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("later", datetime(2026, 12, 5, 0, 30, tzinfo=UTC)),
        ("tomorrow9", datetime(2026, 12, 5, 8, 0, tzinfo=UTC)),
        ("monday9", datetime(2026, 12, 7, 8, 0, tzinfo=UTC)),
    ],
)
def test_snooze_presets_in_the_workspace_zone(preset: str, expected: datetime) -> None:
    assert picked_time(preset, "", zone_name="Europe/Berlin", now=FRIDAY_NIGHT) == expected


def test_next_monday_on_a_monday_is_a_week_away() -> None:
    monday = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    found = picked_time("monday9", "", zone_name="Europe/Berlin", now=monday)
    assert found == datetime(2026, 12, 14, 8, 0, tzinfo=UTC)
