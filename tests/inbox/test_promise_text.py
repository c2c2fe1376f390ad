# ruff: noqa: RUF001 - Russian replies are the point
"""Promise detection in English and Russian replies, against a fixed clock: the expected due
times are written in the workspace's local time, as an agent would read them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.models import SlaPolicy
from inbox.promise_text import DetectedPromise, detect_promise
from inbox.sla import BusinessCalendar, calendar_for

MOSCOW = "Europe/Moscow"
NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"

# Each row: the reply, the expected local due time (None: not a promise), the phrase found.
# "now" is Wednesday 2026-11-18 10:15 local time.
ENGLISH = [
    ("I'll get back to you by Friday", "2026-11-20 17:00", "by Friday"),
    ("We will reply within two hours", "2026-11-18 12:15", "within two hours"),
    ("I will update you tomorrow at 10am", "2026-11-19 10:00", "tomorrow at 10am"),
    ("Expect an answer by end of day", "2026-11-18 17:00", "by end of day"),
    ("I'll come back to you in 30 minutes", "2026-11-18 10:45", "in 30 minutes"),
    ("By 3pm today.", "2026-11-18 15:00", "By 3pm today"),
    ("Within 24 hours.", "2026-11-19 10:15", "Within 24 hours"),
    ("I'll call you on Monday", "2026-11-23 17:00", "on Monday"),
    ("I'll have the answer later today", "2026-11-18 17:00", "later today"),
    ("We'll fix it by the end of the week", "2026-11-20 17:00", "by the end of the week"),
    ("I'll look into it first thing tomorrow", "2026-11-19 09:00", "first thing tomorrow"),
    ("I will send it by 9am", "2026-11-19 09:00", "by 9am"),
    ("You'll hear from us within 2 business days", "2026-11-20 10:15", "within 2 business days"),
    ("I'll reply in half an hour", "2026-11-18 10:45", "in half an hour"),
    ("I'll get back to you by end of day tomorrow", "2026-11-19 17:00", "by end of day tomorrow"),
    ("We'll get back to you within a couple of hours", "2026-11-18 12:15",
     "within a couple of hours"),
    ("I'll check today and get back to you by Friday", "2026-11-20 17:00", "by Friday"),
    ("I'll reply tomorrow morning", "2026-11-19 09:00", "tomorrow morning"),
    ("I'll get back to you\nby Friday.", "2026-11-20 17:00", "by Friday"),
    ("I’ll send the fix on Wednesday at 2pm", "2026-11-25 14:00", "on Wednesday at 2pm"),
    ("We will reply by noon", "2026-11-18 12:00", "by noon"),
    ("I'm going to send it by December 1", "2026-12-01 17:00", "by December 1"),
    ("We will have an update this week", "2026-11-20 17:00", "this week"),
    ("I'll get back to you next week", "2026-11-27 17:00", "next week"),
    ("We will send it by next week", "2026-11-23 09:00", "by next week"),
    ("We'll have it early next week", "2026-11-24 17:00", "early next week"),
    ("I'll finish it by the end of next week", "2026-11-27 17:00", "by the end of next week"),
    ("I'll get back to you by lunch", "2026-11-18 13:00", "by lunch"),
    ("Thanks for your patience! I'll get back to you within 4 hours.", "2026-11-18 14:15",
     "within 4 hours"),
    ("We received your order on Friday", None, None),
    ("I was out yesterday", None, None),
    ("Your invoice from 12 March is attached", None, None),
    ("Thanks, have a nice weekend", None, None),
    ("The meeting took 2 hours", None, None),
    ("I'll reply by yesterday", None, None),
    ("I will send it by 9am today", None, None),
    ("We fixed it within two hours", None, None),
    ("Your subscription will expire on Friday", None, None),
    ("I'll send it on March 12", None, None),
    ("We'll get back to you soon", None, None),
    ("I'll reply in 90 days", None, None),
]  # fmt: skip

RUSSIAN = [
    ("Вернусь с ответом завтра до 12:00", "2026-11-19 12:00", "завтра до 12:00"),
    ("В течение часа.", "2026-11-18 11:15", "В течение часа"),
    ("Отвечу в течение двух часов", "2026-11-18 12:15", "в течение двух часов"),
    ("Свяжусь с вами в понедельник", "2026-11-23 17:00", "в понедельник"),
    ("До конца дня", "2026-11-18 17:00", "До конца дня"),
    ("Сегодня до 15:00", "2026-11-18 15:00", "Сегодня до 15:00"),
    ("Через 30 минут", "2026-11-18 10:45", "Через 30 минут"),
    ("Пришлю к пятнице", "2026-11-20 17:00", "к пятнице"),
    ("Сделаем на этой неделе", "2026-11-20 17:00", "на этой неделе"),
    ("Отвечу завтра утром", "2026-11-19 09:00", "завтра утром"),
    ("Отвечу через полчаса", "2026-11-18 10:45", "через полчаса"),
    ("Ответим в течение 24 часов", "2026-11-19 10:15", "в течение 24 часов"),
    ("Пришлю до пятницы", "2026-11-20 17:00", "до пятницы"),
    ("Перезвоню в 10 утра", "2026-11-19 10:00", "в 10 утра"),
    ("Перезвоню завтра в 3 дня", "2026-11-19 15:00", "завтра в 3 дня"),
    ("Напишу через пару часов", "2026-11-18 12:15", "через пару часов"),
    ("Ответим в течение 3 рабочих дней", "2026-11-23 10:15", "в течение 3 рабочих дней"),
    ("Отвечу до 12.00", "2026-11-18 12:00", "до 12.00"),
    ("Пришлём счёт до конца недели", "2026-11-20 17:00", "до конца недели"),
    ("Свяжемся в среду в 11:00", "2026-11-25 11:00", "в среду в 11:00"),
    ("Подготовлю ответ 1 декабря", "2026-12-01 17:00", "1 декабря"),
    ("Спасибо за терпение! Вернусь с ответом в течение трёх часов.", "2026-11-18 13:15",
     "в течение трёх часов"),
    ("Ответ будет завтра к 18:00", "2026-11-19 18:00", "завтра к 18:00"),
    ("Перезвоню через час", "2026-11-18 11:15", "через час"),
    ("Ответим до обеда", "2026-11-18 13:00", "до обеда"),
    ("Ответим на следующей неделе", "2026-11-27 17:00", "на следующей неделе"),
    ("Пришлём в начале недели", "2026-11-24 17:00", "в начале недели"),
    ("Сделаем в начале следующей недели", "2026-11-24 17:00", "в начале следующей недели"),
    ("Пришлём до следующей недели", "2026-11-23 09:00", "до следующей недели"),
    ("Мы получили ваш заказ в пятницу", None, None),
    ("Счёт от 12 марта во вложении", None, None),
    ("Спасибо, хороших выходных", None, None),
    ("Вчера сервер был недоступен", None, None),
    ("Мы ответили в течение часа", None, None),
    ("Встреча длилась 2 часа", None, None),
    ("Отвечу вчера", None, None),
    ("Отвечу сегодня до 9:00", None, None),
    ("Пришлю счёт от 12.03", None, None),
    ("Скоро ответим", None, None),
    ("Отвечу 12 марта", None, None),
]  # fmt: skip


def _wednesday(timezone: str) -> datetime:
    return datetime(2026, 11, 18, 10, 15, tzinfo=ZoneInfo(timezone))


def _local(promise: DetectedPromise, timezone: str) -> str:
    return promise.due_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _check(text: str, expected: str | None, phrase: str | None, language: str, tz: str) -> None:
    promise = detect_promise(text, now=_wednesday(tz), timezone=tz)
    if expected is None:
        assert promise is None, promise
        return
    assert promise is not None
    assert promise.due_at.tzinfo is UTC
    assert (_local(promise, tz), promise.phrase, promise.language) == (expected, phrase, language)


def test_the_tables_hold_enough_phrases_and_negatives() -> None:
    for table in (ENGLISH, RUSSIAN):
        assert len(table) >= 22
        assert sum(expected is None for _, expected, _ in table) >= 6


@pytest.mark.parametrize("timezone", [MOSCOW, NEW_YORK])
@pytest.mark.parametrize(("text", "expected", "phrase"), ENGLISH)
def test_english_promises(
    text: str, expected: str | None, phrase: str | None, timezone: str
) -> None:
    _check(text, expected, phrase, "en", timezone)


@pytest.mark.parametrize("timezone", [MOSCOW, NEW_YORK])
@pytest.mark.parametrize(("text", "expected", "phrase"), RUSSIAN)
def test_russian_promises(
    text: str, expected: str | None, phrase: str | None, timezone: str
) -> None:
    _check(text, expected, phrase, "ru", timezone)


def test_a_weekend_dst_change_keeps_local_days_and_real_hours() -> None:
    """Berlin leaves summer time on Sunday 2026-10-25: Monday 17:00 is then UTC+1, and 48 hours
    after Friday 14:00 is Sunday 13:00 on the wall clock, not 14:00."""
    friday = datetime(2026, 10, 23, 14, 0, tzinfo=ZoneInfo(BERLIN))
    monday = detect_promise("I'll get back to you by Monday", now=friday, timezone=BERLIN)
    assert monday is not None
    assert monday.due_at == datetime(2026, 10, 26, 16, 0, tzinfo=UTC)
    russian = detect_promise("Отвечу в понедельник", now=friday, timezone=BERLIN)
    assert russian is not None and russian.due_at == monday.due_at
    hours = detect_promise("We will reply within 48 hours", now=friday, timezone=BERLIN)
    assert hours is not None
    assert hours.due_at - friday == timedelta(hours=48)
    assert _local(hours, BERLIN) == "2026-10-25 13:00"


def test_a_weekday_named_on_that_day_means_next_week() -> None:
    friday = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo(MOSCOW))
    promise = detect_promise("I'll reply by Friday", now=friday, timezone=MOSCOW)
    assert promise is not None and _local(promise, MOSCOW) == "2026-11-27 17:00"


def test_a_time_of_day_already_past() -> None:
    """With no day named it means tomorrow; with "today" it is no promise."""
    evening = datetime(2026, 11, 18, 18, 30, tzinfo=ZoneInfo(MOSCOW))
    tomorrow = detect_promise("Отвечу до конца дня", now=evening, timezone=MOSCOW)
    assert tomorrow is not None and _local(tomorrow, MOSCOW) == "2026-11-19 17:00"
    assert detect_promise("I'll have it later today", now=evening, timezone=MOSCOW) is None
    assert detect_promise("I'll reply by the end of the week", now=evening, timezone=MOSCOW)
    saturday = evening + timedelta(days=3)
    assert (
        detect_promise("I'll reply by the end of the week", now=saturday, timezone=MOSCOW) is None
    )


def test_quoted_text_and_signatures_are_not_the_agents_words() -> None:
    now = _wednesday(MOSCOW)
    quoted = "Thanks, we are looking into it.\n\n> I will send it by Friday\n> Пришлю к пятнице\n"
    assert detect_promise(quoted, now=now, timezone=MOSCOW) is None
    header = (
        "Noted.\n\nOn Wed, Nov 18, 2026 at 9:00 AM Ann <ann@example.com> wrote:\n"
        "I will send the logs by Friday"
    )
    assert detect_promise(header, now=now, timezone=MOSCOW) is None
    russian_header = "Спасибо!\n\n18 нояб. 2026 г., Анна написала:\nПришлю логи к пятнице"
    assert detect_promise(russian_header, now=now, timezone=MOSCOW) is None
    signature = "Thanks!\n-- \nThe support team: we reply within 24 hours"
    assert detect_promise(signature, now=now, timezone=MOSCOW) is None
    own = "I'll reply within an hour.\n\n> I will send it by Friday"
    promise = detect_promise(own, now=now, timezone=MOSCOW)
    assert promise is not None and promise.phrase == "within an hour"


@pytest.mark.parametrize("timezone", ["Nowhere/Bad", "", "../etc/passwd", "utc"])
def test_a_bad_time_zone_falls_back_to_utc(timezone: str) -> None:
    now = datetime(2026, 11, 18, 10, 15, tzinfo=UTC)
    promise = detect_promise("I'll get back to you by Friday", now=now, timezone=timezone)
    assert promise is not None
    assert promise.due_at == datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


def test_detection_reads_no_wall_clock() -> None:
    """A "now" 25 years back gives answers in its own week: read from the wall clock, Friday would
    be months past the 60-day horizon and the answer None."""
    now = datetime(2001, 1, 3, 9, 0, tzinfo=UTC)
    first = detect_promise("I'll get back to you by Friday", now=now, timezone="UTC")
    again = detect_promise("I'll get back to you by Friday", now=now, timezone="UTC")
    assert (
        first
        == again
        == DetectedPromise(datetime(2001, 1, 5, 17, 0, tzinfo=UTC), "by Friday", "en")
    )
    soon = detect_promise("Перезвоню через час", now=now, timezone="UTC")
    assert soon is not None and soon.due_at == now + timedelta(hours=1)


def _russian_calendar(**fields: object) -> BusinessCalendar:
    return calendar_for(SlaPolicy(workspace_id=1, timezone=MOSCOW, **fields))


@pytest.mark.parametrize(
    ("text", "expected", "reason"),
    [
        ("Ответим завтра.", "2026-12-07 17:00", "завтра — суббота, выходной"),
        ("I'll reply tomorrow morning.", "2026-12-07 09:00", "tomorrow is Saturday, a day off"),
        ("Пришлю в субботу", "2026-12-07 17:00", "5 декабря — суббота, выходной"),
        ("Ответим в понедельник", "2026-12-07 17:00", None),
        ("Ответим в течение двух рабочих дней", "2026-12-08 18:30", None),
        ("Ответим в течение двух часов", "2026-12-04 20:30", None),
    ],
)
def test_a_day_the_team_is_closed_moves_to_the_next_working_day_and_says_why(
    text: str, expected: str, reason: str | None
) -> None:
    friday_evening = datetime(2026, 12, 4, 18, 30, tzinfo=ZoneInfo(MOSCOW))
    promise = detect_promise(
        text, now=friday_evening, timezone=MOSCOW, calendar=_russian_calendar()
    )
    assert promise is not None
    assert (_local(promise, MOSCOW), promise.reason) == (expected, reason)


def test_a_countrys_holiday_is_named_as_one() -> None:
    """Monday 9 March 2026 is the day off for International Women's Day (a Sunday)."""
    friday = datetime(2026, 3, 6, 12, 0, tzinfo=ZoneInfo(MOSCOW))
    text = "Ответим в понедельник"
    plain = detect_promise(text, now=friday, timezone=MOSCOW, calendar=_russian_calendar())
    assert plain is not None and (_local(plain, MOSCOW), plain.reason) == ("2026-03-09 17:00", None)
    russia = _russian_calendar(holiday_country="RU")
    promise = detect_promise(text, now=friday, timezone=MOSCOW, calendar=russia)
    assert promise is not None
    assert (_local(promise, MOSCOW), promise.reason) == (
        "2026-03-10 17:00",
        "9 марта — понедельник, праздник",
    )
