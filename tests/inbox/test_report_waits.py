"""The first-response histogram on the hand-built week of tests/inbox/report_history.py, whose
waits are known: D 0.5 h, B 1 h, E 1 h, A 2 h, C 2 h in business hours (A 41 h and C 65 h in
calendar hours), and G never answered."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from inbox.report_metrics import ReportRequest, summarize
from inbox.report_waits import WaitSpread, bucketed
from tests.conftest import Member, Team
from tests.inbox.report_history import History, build_history

HOUR = 3600
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def history(engine: Engine, team: Team, admin: Member) -> History:
    return build_history(engine, team, admin)


def spread(engine: Engine, admin: Member, **asked: object) -> WaitSpread:
    fields: dict[str, object] = {"from_day": "2026-11-23", "to_day": "2026-11-29", **asked}
    with Session(engine) as session:
        return summarize(
            session,
            workspace_id=admin.workspace_id,
            request=ReportRequest(**fields),  # type: ignore[arg-type]
            now=NOW,
        ).first_response_waits


def counts(found: WaitSpread) -> list[int]:
    return [bucket.count for bucket in found.buckets]


def test_business_hours_put_the_waits_over_the_holiday_and_weekend_in_1_to_4_h(
    engine: Engine, admin: Member, history: History
) -> None:
    week = spread(engine, admin)

    assert counts(week) == [1, 4, 0, 0, 0]
    assert week.unanswered == 1
    assert [(b.low, b.high) for b in week.buckets][:2] == [(0, HOUR), (HOUR, 4 * HOUR)]


def test_calendar_hours_put_them_past_a_day(
    engine: Engine, admin: Member, history: History
) -> None:
    assert counts(spread(engine, admin, hours="calendar")) == [1, 2, 0, 0, 2]


def test_filters_narrow_the_waits_as_they_narrow_the_summary(
    engine: Engine, admin: Member, history: History
) -> None:
    bobs = spread(engine, admin, assignee_id=history.bob.user_id)
    second = spread(engine, admin, mailbox_id=history.second_mailbox)

    assert (counts(bobs), bobs.unanswered) == ([0, 2, 0, 0, 0], 0)
    assert (counts(second), second.unanswered) == ([0, 0, 0, 0, 0], 1)


def test_a_bound_belongs_to_the_bucket_it_opens() -> None:
    found = bucketed([0, HOUR - 1, HOUR, 4 * HOUR, 8 * HOUR - 1, 24 * HOUR, 90 * 24 * HOUR])

    assert [b.count for b in found] == [2, 1, 2, 0, 2]
    assert found[-1].high is None
