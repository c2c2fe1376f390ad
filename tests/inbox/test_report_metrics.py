"""Every report metric on a hand-built week with known answers (tests/inbox/report_history.py):
business hours across a weekend and a holiday, a reopened conversation, a pending stretch, two
repeat requests, promises kept and broken."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.errors import Invalid
from app.core.models import Conversation, Workspace
from inbox.report_metrics import ReportRequest, Summary, summarize
from tests.conftest import Member, Team
from tests.inbox.report_history import Builder, History, build_history, msk

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
HOUR = 3600


@pytest.fixture
def history(engine: Engine, team: Team, admin: Member) -> History:
    return build_history(engine, team, admin)


def report(engine: Engine, admin: Member, **asked: object) -> Summary:
    fields: dict[str, object] = {"from_day": "2026-11-23", "to_day": "2026-11-29", **asked}
    with Session(engine) as session:
        return summarize(
            session,
            workspace_id=admin.workspace_id,
            request=ReportRequest(**fields),  # type: ignore[arg-type]
            now=NOW,
        )


def test_the_flow_of_the_week(engine: Engine, admin: Member, history: History) -> None:
    week = report(engine, admin)

    assert (week.created, week.closed, week.reopened, week.backlog) == (6, 3, 1, 3)
    assert [(row.date.day, row.created, row.closed) for row in week.by_day] == [
        (23, 2, 0),
        (24, 2, 1),
        (25, 0, 0),
        (26, 0, 2),
        (27, 1, 0),
        (28, 1, 0),
        (29, 0, 0),
    ]
    assert week.repeat_requests == 2
    assert week.replies_to_resolution == 1.67
    assert (week.promises_made, week.promises_kept, week.promises_broken) == (2, 1, 1)
    assert week.promises_kept_ratio == 0.5
    assert week.csat is None


def test_waits_in_business_hours_skip_the_night_the_weekend_and_the_holiday(
    engine: Engine, admin: Member, history: History
) -> None:
    week = report(engine, admin)

    # First responses: D 0.5 h, B 1 h, E 1 h (not the acknowledgement), A 2 h (Tue 17:00 to
    # Thu 10:00 over the holiday), C 2 h (Fri 17:00 to Mon 10:00 over the weekend).
    first = week.first_response
    assert (first.count, first.median, first.p90) == (5, 1 * HOUR, 2 * HOUR)
    # All answered by their due time (A and C exactly at it); G is past due unanswered.
    assert week.first_response_within_sla == round(5 / 6, 4)
    # Resolution: B 3 h (its pending night left out), D 1.5 h (closed Mon 10:00 to Wed 12:00
    # left out, then the holiday), A 3 h.
    resolution = week.resolution
    assert (resolution.count, resolution.median, resolution.p90) == (3, 3 * HOUR, 3 * HOUR)


def test_waits_in_calendar_hours_count_every_hour(
    engine: Engine, admin: Member, history: History
) -> None:
    week = report(engine, admin, hours="calendar")

    first = week.first_response
    # 0.5 h, 1 h, 1 h, 41 h (A), 65 h (C): p90 lies 60 % of the way from 41 h to 65 h.
    assert (first.count, first.median, first.p90) == (5, 1 * HOUR, 199_440)
    assert week.first_response_within_sla == round(5 / 6, 4)
    # B 3 h, D 22.5 h (1 h, then Wed 12:00 to Thu 09:30), A 42 h.
    resolution = week.resolution
    assert (resolution.median, resolution.p90) == (81_000, 137_160)


def test_each_agent_is_credited_with_their_own_work(
    engine: Engine, admin: Member, history: History
) -> None:
    agents = {row.email: row for row in report(engine, admin).by_agent}

    ann, bob = agents["ann@acme.test"], agents["bob@acme.test"]
    assert (ann.name, ann.closed, ann.replies_sent) == ("Анна Петрова", 2, 3)
    assert (ann.first_response_median, ann.promises_kept_ratio) == (2 * HOUR, 1.0)
    assert (bob.closed, bob.replies_sent, bob.first_response_median) == (1, 3, HOUR)
    assert bob.promises_kept_ratio == 0.0
    assert agents["admin@acme.test"].closed == 0
    assert all(row.csat is None for row in agents.values())


def test_filters_narrow_to_a_mailbox_an_agent_or_a_tag(
    engine: Engine, admin: Member, history: History
) -> None:
    bobs = report(engine, admin, assignee_id=history.bob.user_id)
    second = report(engine, admin, mailbox_id=history.second_mailbox)
    billing = report(engine, admin, tag="billing")

    assert (bobs.created, bobs.closed, bobs.backlog, bobs.repeat_requests) == (2, 1, 1, 1)
    assert (bobs.promises_made, bobs.promises_broken) == (1, 1)
    assert (second.created, second.closed, second.backlog) == (1, 0, 1)
    assert second.first_response_within_sla == 0.0
    assert (billing.created, billing.closed, billing.first_response.median) == (1, 1, 2 * HOUR)


def test_the_backlog_is_what_was_open_at_the_end_of_the_period(
    engine: Engine, admin: Member, history: History
) -> None:
    """Before the week only F had begun, and it was closed; on Tuesday night B and D were
    closed (D until Wednesday), E and A open (A closed on Thursday, which the report winds
    back)."""
    before = report(engine, admin, from_day="2026-11-16", to_day="2026-11-22")
    tuesday = report(engine, admin, from_day="2026-11-24", to_day="2026-11-24")

    assert (before.created, before.closed, before.backlog) == (1, 1, 0)
    assert (tuesday.created, tuesday.closed, tuesday.backlog) == (2, 1, 2)


def test_a_repeat_request_is_a_linked_conversation_or_a_reopening_not_any_new_mail(
    engine: Engine, admin: Member, history: History
) -> None:
    """Yulia, whose D was closed on Thursday, writes on Friday about something else: no repeat
    (the client wrote again, but not about the same matter); then about D's matter again: the
    sync links it to D, a repeat."""
    world = Builder(engine, admin.workspace_id)
    world.mailboxes.append(history.second_mailbox)
    world.contacts["yulia@client.test"] = _contact_of(engine, history.conversations["D"])
    world.counter = 100
    world.begin("Y", msk(27, 9), client="yulia@client.test", subject="Price list for 2027")
    world.sync_links_repeats("Y")
    assert report(engine, admin).repeat_requests == 2

    world.begin("Z", msk(27, 11), client="yulia@client.test", subject="Re: conversation D")
    world.sync_links_repeats("Z")
    assert report(engine, admin).repeat_requests == 3
    mailbox = report(engine, admin, mailbox_id=history.second_mailbox)
    assert (mailbox.created, mailbox.repeat_requests) == (3, 1)


def _contact_of(engine: Engine, conversation_id: int) -> int:
    with Session(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None and conversation.contact_id is not None
        return conversation.contact_id


def test_a_period_without_data_gives_zeros(engine: Engine, admin: Member) -> None:
    empty = report(engine, admin, from_day="2025-01-01", to_day="2025-03-31")

    assert (empty.created, empty.closed, empty.reopened, empty.backlog) == (0, 0, 0, 0)
    assert (empty.first_response.count, empty.first_response.median) == (0, 0)
    assert (empty.resolution.p90, empty.replies_to_resolution, empty.repeat_requests) == (0, 0, 0)
    assert (empty.promises_kept_ratio, empty.first_response_within_sla) == (0.0, 0.0)
    assert len(empty.by_day) == 90 and sum(row.created for row in empty.by_day) == 0


@pytest.mark.parametrize(
    ("asked", "named"),
    [
        ({"from_day": "2026-11-31"}, "from:"),
        ({"to_day": "yesterday"}, "to:"),
        ({"from_day": None}, "from:"),
        ({"from_day": "2026-11-29", "to_day": "2026-11-23"}, "to: the period is empty"),
        ({"hours": "office"}, "hours:"),
    ],
)
def test_a_bad_date_an_empty_period_or_unknown_hours_is_refused_by_name(
    engine: Engine, admin: Member, asked: dict[str, object], named: str
) -> None:
    with pytest.raises(Invalid, match=named):
        report(engine, admin, **asked)


def test_days_are_the_workspace_s_local_days_across_a_clock_change(
    engine: Engine, admin: Member
) -> None:
    """Berlin leaves summer time at 03:00 on 25 October 2026: 00:30 that night is still the
    25th at UTC+2 (22:30 UTC the day before), and 23:30 is the 25th at UTC+1."""
    with session_scope(engine) as session:
        workspace = session.get(Workspace, admin.workspace_id)
        assert workspace is not None
        workspace.timezone = "Europe/Berlin"
        session.add(workspace)
    world = Builder(engine, admin.workspace_id)
    world.mailbox("support@acme.test")
    berlin = ZoneInfo("Europe/Berlin")
    for name, wall in (("x", (24, 23, 30)), ("y", (25, 0, 30)), ("z", (25, 23, 30))):
        day, hour, minute = wall
        world.begin(name, datetime(2026, 10, day, hour, minute, tzinfo=berlin))

    days = report(engine, admin, from_day="2026-10-24", to_day="2026-10-26").by_day

    assert [(row.date.day, row.created) for row in days] == [(24, 1), (25, 2), (26, 0)]
