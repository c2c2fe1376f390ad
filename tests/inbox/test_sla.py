"""Business-time arithmetic: opening hours, holidays, DST days, the hard cap, and the property
that counting business time back gives what was added."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.models import SlaPolicy
from app.core.zones import parse_zone
from inbox.sla import (
    BusinessCalendar,
    calendar_for,
    first_response_due,
    next_response_due,
    parse_business_hours,
    parse_holidays,
    reply_due,
)

OFFICE = [["09:00", "17:00"]]
WEEKDAYS_ONLY = {day: OFFICE for day in ("mon", "tue", "wed", "thu", "fri")}
EVERY_DAY = {day: OFFICE for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
ROUND_THE_CLOCK = {day: [["00:00", "24:00"]] for day in EVERY_DAY}


def local(zone: str, text: str) -> datetime:
    """A wall-clock time in `zone`; `fold=1` picks the second of a repeated hour."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def calendar(
    hours: dict[str, list[list[str]]], zone: str = "UTC", holidays: tuple[str, ...] = ()
) -> BusinessCalendar:
    return BusinessCalendar(ZoneInfo(zone), parse_business_hours(hours), parse_holidays(holidays))


def policy(**fields: object) -> SlaPolicy:
    return SlaPolicy.model_validate({"workspace_id": 1, **fields})


# 2026-01-05 is a Monday.


def test_time_counts_only_while_open_and_skips_the_weekend() -> None:
    office = calendar(WEEKDAYS_ONLY)
    assert office.add(utc("2026-01-06 10:00"), 120) == utc("2026-01-06 12:00")
    assert office.add(utc("2026-01-09 16:00"), 120) == utc("2026-01-12 10:00")
    assert office.between(utc("2026-01-09 16:00"), utc("2026-01-12 10:00")) == 120


def test_starting_outside_hours_starts_at_the_next_opening() -> None:
    office = calendar(WEEKDAYS_ONLY)
    assert office.add(utc("2026-01-05 07:00"), 30) == utc("2026-01-05 09:30")
    assert office.add(utc("2026-01-05 18:00"), 30) == utc("2026-01-06 09:30")
    assert office.add(utc("2026-01-10 12:00"), 30) == utc("2026-01-12 09:30")
    assert office.add(utc("2026-01-10 12:00"), 0) == utc("2026-01-12 09:00")
    assert office.add(utc("2026-01-05 17:00"), 0) == utc("2026-01-06 09:00")


def test_ending_exactly_at_closing_time_stays_on_that_day() -> None:
    office = calendar(WEEKDAYS_ONLY)
    assert office.add(utc("2026-01-05 09:00"), 480) == utc("2026-01-05 17:00")
    assert office.add(utc("2026-01-05 09:00"), 481) == utc("2026-01-06 09:01")


def test_lunch_break_is_not_business_time() -> None:
    split = calendar({"mon": [["13:00", "17:00"], ["09:00", "12:00"]]})
    assert split.add(utc("2026-01-05 11:00"), 120) == utc("2026-01-05 14:00")
    assert not split.is_open(utc("2026-01-05 12:30"))
    assert split.is_open(utc("2026-01-05 13:00"))
    assert not split.is_open(utc("2026-01-05 17:00"))
    assert split.between(utc("2026-01-05 08:00"), utc("2026-01-05 18:00")) == 420
    assert split.add(utc("2026-01-05 16:00"), 120) == utc("2026-01-12 10:00")


def test_holidays_are_closed_all_day() -> None:
    office = calendar(WEEKDAYS_ONLY, holidays=("2026-12-24", "2026-12-25"))
    assert office.add(utc("2026-12-23 16:00"), 120) == utc("2026-12-28 10:00")
    assert not office.is_open(utc("2026-12-24 10:00"))
    assert office.between(utc("2026-12-21 00:00"), utc("2026-12-28 00:00")) == 3 * 480


def test_a_day_may_run_to_midnight_and_on_into_the_next() -> None:
    late = calendar({"fri": [["18:00", "24:00"]], "sat": [["00:00", "03:00"]]})
    assert late.add(utc("2026-01-09 23:00"), 120) == utc("2026-01-10 01:00")
    assert late.is_open(utc("2026-01-10 00:00"))
    assert not late.is_open(utc("2026-01-10 03:00"))
    assert late.between(utc("2026-01-09 00:00"), utc("2026-01-11 00:00")) == 540


def test_hours_are_in_the_policy_time_zone() -> None:
    moscow = calendar(WEEKDAYS_ONLY, "Europe/Moscow")
    assert moscow.add(utc("2026-01-05 05:00"), 60) == utc("2026-01-05 07:00")
    assert moscow.add(local("America/New_York", "2026-01-05 00:00"), 0) == utc("2026-01-05 06:00")
    assert moscow.add(utc("2026-01-05 05:00"), 60).tzinfo is UTC


def test_weekend_across_spring_forward_in_berlin_opens_at_nine_local() -> None:
    office = calendar(WEEKDAYS_ONLY, "Europe/Berlin")
    friday = local("Europe/Berlin", "2026-03-27 16:00")
    assert office.add(friday, 120) == utc("2026-03-30 08:00")  # 10:00 CEST
    assert office.between(friday, utc("2026-03-30 08:00")) == 120


def test_dst_days_keep_their_eight_office_hours() -> None:
    for zone, spring, autumn in [
        ("Europe/Berlin", "2026-03-29", "2026-10-25"),
        ("America/New_York", "2026-03-08", "2026-11-01"),
    ]:
        daily = calendar(EVERY_DAY, zone)
        for day in (spring, autumn):
            opens = local(zone, f"{day} 09:00")
            assert daily.add(opens, 480) == local(zone, f"{day} 17:00")
            assert daily.between(local(zone, f"{day} 00:00"), local(zone, f"{day} 23:00")) == 480


def test_new_york_overnight_across_both_transitions() -> None:
    daily = calendar(EVERY_DAY, "America/New_York")
    assert daily.add(local("America/New_York", "2026-03-07 16:00"), 120) == utc("2026-03-08 14:00")
    assert daily.add(local("America/New_York", "2026-10-31 16:00"), 120) == utc("2026-11-01 15:00")


def test_round_the_clock_counts_real_time_on_short_and_long_days() -> None:
    always = calendar(ROUND_THE_CLOCK, "Europe/Berlin")
    spring = (utc("2026-03-28 12:00"), utc("2026-03-30 12:00"))
    autumn = (utc("2026-10-24 12:00"), utc("2026-10-26 12:00"))
    assert always.between(*spring) == always.between(*autumn) == 48 * 60
    assert always.between(local("Europe/Berlin", "2026-03-29 00:00"), spring[1]) == 37 * 60
    assert always.add(spring[0], 48 * 60) == spring[1]


def test_hours_starting_in_the_skipped_hour_open_when_the_clock_jumps() -> None:
    early = calendar({"sun": [["02:30", "05:00"]]}, "Europe/Berlin")
    assert not early.is_open(utc("2026-03-29 00:59"))
    assert early.is_open(utc("2026-03-29 01:00"))  # 03:00 CEST
    assert early.between(utc("2026-03-29 00:00"), utc("2026-03-29 06:00")) == 120
    assert early.between(utc("2026-10-25 00:00"), utc("2026-10-25 06:00")) == 210


def test_midnight_that_never_happens_still_closes_the_day() -> None:
    santiago = calendar({"sat": [["20:00", "24:00"]]}, "America/Santiago")
    assert santiago.between(utc("2026-09-05 00:00"), utc("2026-09-07 00:00")) == 240
    assert not santiago.is_open(utc("2026-09-06 04:00"))


def test_long_targets_span_weeks() -> None:
    office = calendar(WEEKDAYS_ONLY, "Europe/Berlin")
    start = local("Europe/Berlin", "2026-01-05 09:00")
    due = office.add(start, 10_000)
    assert due == local("Europe/Berlin", "2026-02-02 15:40")
    assert office.between(start, due) == 10_000
    always = calendar(ROUND_THE_CLOCK, "America/New_York")
    assert always.add(start, 1_000_000) == start + timedelta(minutes=1_000_000)


def test_a_calendar_never_open_counts_nothing_and_cannot_add() -> None:
    closed = calendar({}, "Europe/Berlin", holidays=("2026-01-05",))
    assert not closed.ever_open
    assert not closed.is_open(utc("2026-01-05 10:00"))
    assert closed.between(utc("2026-01-01 00:00"), utc("2026-12-31 00:00")) == 0
    with pytest.raises(ValueError, match="no business hours"):
        closed.add(utc("2026-01-05 10:00"), 1)


def test_naive_times_and_negative_minutes_are_refused() -> None:
    office = calendar(WEEKDAYS_ONLY)
    with pytest.raises(ValueError, match="no time zone"):
        office.add(datetime(2026, 1, 5, 10), 10)
    with pytest.raises(ValueError, match="forward"):
        office.add(utc("2026-01-05 10:00"), -1)
    assert office.between(utc("2026-01-06 10:00"), utc("2026-01-05 10:00")) == 0


def test_first_reply_due_in_two_business_hours_and_a_friday_evening_mail_on_monday() -> None:
    default = policy(timezone="Europe/Berlin")
    tuesday = local("Europe/Berlin", "2026-01-06 10:00")
    assert first_response_due(default, tuesday) == local("Europe/Berlin", "2026-01-06 12:00")
    friday_evening = local("Europe/Berlin", "2026-01-09 16:30")
    assert first_response_due(default, friday_evening) == local("Europe/Berlin", "2026-01-12 10:30")
    assert first_response_due(default, friday_evening).tzinfo is UTC


def test_a_cap_in_calendar_hours_still_lands_on_the_weekend() -> None:
    calendar_hours = policy(timezone="Europe/Berlin", max_response_clock="calendar")
    friday_evening = local("Europe/Berlin", "2026-01-09 16:30")
    assert first_response_due(calendar_hours, friday_evening) == friday_evening + timedelta(
        hours=24
    )


MOSCOW_NINE_TO_SIX = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def moscow(**fields: object) -> SlaPolicy:
    """24 h for every reply, all of it a cap: the Russian "answer within a day" practice."""
    targets = {"first_response_minutes": 1440, "next_response_minutes": 1440}
    return policy(timezone="Europe/Moscow", business_hours=MOSCOW_NINE_TO_SIX, **targets, **fields)


def test_a_day_to_answer_skips_the_weekend_whole() -> None:
    friday = local("Europe/Moscow", "2026-12-04 18:30")
    due = first_response_due(moscow(), friday)
    assert due == local("Europe/Moscow", "2026-12-07 18:30")
    assert due.astimezone(ZoneInfo("Europe/Moscow")).strftime("%A") == "Monday"
    thursday = local("Europe/Moscow", "2026-12-03 10:00")
    assert next_response_due(moscow(), thursday) == local("Europe/Moscow", "2026-12-04 10:00")


def test_an_urgent_conversation_is_owed_its_own_target_first_and_later() -> None:
    thursday = local("Europe/Moscow", "2026-12-03 10:00")
    friday_evening = local("Europe/Moscow", "2026-12-04 17:30")
    urgent = moscow(urgent_response_minutes=60)
    for answered in (False, True):
        assert reply_due(urgent, thursday, answered=answered, priority="urgent") == local(
            "Europe/Moscow", "2026-12-03 11:00"
        )
        assert reply_due(urgent, thursday, answered=answered, priority="high") == local(
            "Europe/Moscow", "2026-12-04 10:00"
        )
    assert reply_due(urgent, friday_evening, answered=False, priority="urgent") == local(
        "Europe/Moscow", "2026-12-07 09:30"
    ), "in business time like every target"


def test_a_countrys_days_off_and_its_working_saturday_move_the_due_time() -> None:
    before_unity_day = local("Europe/Moscow", "2026-11-03 12:00")  # Tuesday; Wednesday is off
    assert first_response_due(moscow(), before_unity_day) == local(
        "Europe/Moscow", "2026-11-04 12:00"
    )
    assert first_response_due(moscow(holiday_country="RU"), before_unity_day) == local(
        "Europe/Moscow", "2026-11-05 12:00"
    )
    friday = local("Europe/Moscow", "2025-10-31 12:00")  # Saturday 1 November 2025 was worked
    assert first_response_due(moscow(holiday_country="RU"), friday) == local(
        "Europe/Moscow", "2025-11-01 12:00"
    )
    russia = calendar_for(moscow(holiday_country="RU"))
    assert russia.is_open(local("Europe/Moscow", "2025-11-01 10:00")), "Monday's hours"
    assert not russia.is_open(local("Europe/Moscow", "2026-01-05 10:00")), "New Year holidays"


def test_the_teams_own_working_day_wins_over_the_countrys_day_off() -> None:
    team = moscow(holiday_country="RU", working_days=["2026-11-04"], holidays=["2026-11-05"])
    tuesday = local("Europe/Moscow", "2026-11-03 12:00")
    assert first_response_due(team, tuesday) == local("Europe/Moscow", "2026-11-04 12:00")
    wednesday = local("Europe/Moscow", "2026-11-04 12:00")
    assert first_response_due(team, wednesday) == local("Europe/Moscow", "2026-11-06 12:00")


def test_working_time_crosses_a_dst_night_in_real_hours() -> None:
    office = calendar(EVERY_DAY, "Europe/Berlin")
    saturday = local("Europe/Berlin", "2026-03-28 12:00")  # the clocks go forward that night
    real_day_later = saturday.astimezone(UTC) + timedelta(hours=24)
    assert office.add_on_working_days(saturday, 24 * 60) == real_day_later
    with pytest.raises(ValueError, match="no working days"):
        calendar({}).add_on_working_days(utc("2026-01-05 10:00"), 1)


def test_next_reply_uses_its_own_target() -> None:
    slow = policy(next_response_minutes=300, max_response_minutes=10_000)
    monday = utc("2026-01-05 15:00")
    assert next_response_due(slow, monday) == utc("2026-01-06 12:00")
    assert first_response_due(slow, monday) == utc("2026-01-05 17:00")


def test_without_any_business_hours_the_cap_is_the_due_time() -> None:
    closed = policy(business_hours={}, timezone="Europe/Berlin")
    received = utc("2026-01-05 10:00")
    assert first_response_due(closed, received) == received + timedelta(minutes=1440)
    assert next_response_due(closed, received) == received + timedelta(minutes=1440)


def test_the_default_policy_is_weekdays_nine_to_five() -> None:
    office = calendar_for(policy(timezone="America/New_York"))
    assert office.is_open(local("America/New_York", "2026-01-09 16:59"))
    assert not office.is_open(local("America/New_York", "2026-01-10 12:00"))


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"funday": OFFICE}, "unknown weekday 'funday'"),
        ({"mon": [["09:00", "25:00"]]}, "mon: '25:00' is not a time of day"),
        ({"mon": [["9:00", "17:00"]]}, "mon: '9:00' is not a time of day"),
        ({"mon": [["09:60", "17:00"]]}, "'09:60' is not a time of day"),
        ({"mon": [["24:01", "17:00"]]}, "'24:01' is not a time of day"),
        ({"tue": [["17:00", "09:00"]]}, "tue: 17:00-09:00 must start before it ends"),
        ({"tue": [["09:00", "09:00"]]}, "must start before it ends"),
        ({"wed": [["12:00", "18:00"], ["09:00", "13:00"]]}, "wed: 09:00-13:00 overlaps 12:00"),
        ({"wed": [["09:00"]]}, "an interval is [start, end]"),
    ],
)
def test_bad_business_hours_are_named(hours: dict[str, list[list[str]]], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_business_hours(hours)


def test_touching_intervals_and_unordered_input_are_fine() -> None:
    weekly = parse_business_hours({"mon": [["12:00", "24:00"], ["00:00", "12:00"]]})
    assert weekly[0] == ((0, 720), (720, 1440))


def test_bad_zones_and_holidays_are_named() -> None:
    for name in ("Mars/Base", "", "../etc/passwd", "Europe"):
        with pytest.raises(ValueError, match="unknown time zone"):
            parse_zone(name)
    for day in ("2026-02-30", "25.12.2026", "20261225", "2026-12-25T00:00"):
        with pytest.raises(ValueError, match="is not a date"):
            parse_holidays([day])


CALENDARS = [
    calendar(
        {**WEEKDAYS_ONLY, "mon": [["08:00", "12:00"], ["13:00", "17:30"]]},
        "Europe/Berlin",
        holidays=("2026-12-24", "2026-12-25", "2027-01-01"),
    ),
    calendar(EVERY_DAY, "America/New_York"),
    calendar(ROUND_THE_CLOCK, "Europe/Berlin"),
    calendar({"sun": [["02:30", "05:00"]], "sat": [["22:00", "24:00"]]}, "Europe/Berlin"),
    calendar({"sat": [["20:00", "24:00"]], "sun": [["00:00", "01:30"]]}, "America/Santiago"),
]


@settings(database=None)
@given(
    business=st.sampled_from(CALENDARS),
    start=st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(min_value=0, max_value=20_000),
)
def test_counting_back_gives_what_was_added(
    business: BusinessCalendar, start: datetime, minutes: int
) -> None:
    due = business.add(start, minutes)
    assert due >= start
    assert business.between(start, due) == minutes
    if minutes:
        assert business.is_open(due - timedelta(seconds=1))


def test_sparse_hours_and_a_year_long_target_stop_at_the_cap() -> None:
    sparse = policy(
        business_hours={"sun": [["12:00", "12:01"]]},
        first_response_minutes=527_040,
        max_response_minutes=527_040,
        max_response_clock="calendar",
    )
    received = utc("2026-01-05 10:00")
    assert first_response_due(sparse, received) == received + timedelta(minutes=527_040)
    sundays_only = policy(**{**sparse.model_dump(), "max_response_clock": "working_days"})
    assert first_response_due(sundays_only, received) == utc("2033-01-10 00:00"), "366 Sundays"
    always = policy(
        business_hours=ROUND_THE_CLOCK, first_response_minutes=60, max_response_minutes=60
    )
    assert first_response_due(always, received) == received + timedelta(minutes=60)
