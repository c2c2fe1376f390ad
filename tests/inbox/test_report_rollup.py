"""The reports' rollup stays true: a conversation answered, closed, reopened or put pending
shows in the next report exactly as a recomputation from its messages and audit trail gives
it; migration 0022's backfill of an existing history gives the known answers of the report
week (tests/inbox/report_history.py); and a changed calendar changes the business figures."""

from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.migrations import alembic_config, upgrade_to_head
from app.core.models import (
    Conversation,
    ReportConversation,
    ReportReply,
    ReportStale,
    ReportStatusChange,
    ReportTag,
    User,
)
from inbox.changes import change_conversation
from inbox.report_metrics import ReportRequest, Summary, summarize
from inbox.report_rollup import rebuild
from tests.conftest import Member, Team
from tests.inbox.report_history import Builder, build_history, msk, without_the_holiday

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
HOUR = 3600
TABLES: list[Any] = [ReportConversation, ReportStatusChange, ReportReply, ReportTag]


def report(engine: Engine, admin: Member, **asked: object) -> Summary:
    """A report read as the API reads it: in a session that commits."""
    fields: dict[str, object] = {"from_day": "2026-11-23", "to_day": "2026-11-29", **asked}
    with session_scope(engine) as session:
        return summarize(
            session,
            workspace_id=admin.workspace_id,
            request=ReportRequest(**fields),  # type: ignore[arg-type]
            now=NOW,
        )


def rollup_rows(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    return {
        table.__tablename__: {
            tuple(row) for row in session.connection().execute(select(*table.__table__.c))
        }
        for table in TABLES
    }


def assert_rollup_is_recomputed(engine: Engine) -> None:
    """Nothing is left stale, and every row is what recomputing the whole history gives."""
    with Session(engine) as session:
        assert session.exec(select(ReportStale)).all() == []
        kept = rollup_rows(session)
        everything = [int(cid) for cid in session.exec(select(Conversation.id))]
        for table in TABLES:
            session.connection().execute(delete(table))
        rebuild(session, everything)
        assert rollup_rows(session) == kept
        session.rollback()


def test_a_conversation_answered_put_pending_closed_and_reopened_shows_in_each_report(
    engine: Engine, team: Team, admin: Member
) -> None:
    build_history(engine, team, admin)
    kim = team.member(admin.workspace_id, "kim@acme.test")
    world = Builder(engine, admin.workspace_id)
    world.mailboxes.append(_first_mailbox(engine))
    world.counter = 100
    assert report(engine, admin).created == 6

    world.begin("N", msk(27, 10))
    begun = report(engine, admin)
    assert (begun.created, begun.first_response.count) == (7, 5)
    assert_rollup_is_recomputed(engine)

    world.reply("N", kim, msk(27, 13))
    answered = report(engine, admin)
    assert answered.first_response.count == 6
    assert {row.email: row.replies_sent for row in answered.by_agent}["kim@acme.test"] == 1
    assert_rollup_is_recomputed(engine)

    world.status("N", kim, "pending", msk(27, 14))
    world.write_in("N", msk(27, 15))
    world.status("N", kim, "open", msk(27, 15))
    world.status("N", kim, "closed", msk(27, 16))
    closed = report(engine, admin)
    # N was open 10:00-14:00 and 15:00-16:00 (5 h, its pending hour left out), beside B 3 h,
    # D 1.5 h and A 3 h: the 90th percentile lies 70 % of the way from 3 h to 5 h.
    assert (closed.closed, closed.backlog) == (4, 3)
    assert (closed.resolution.count, closed.resolution.median) == (4, 3 * HOUR)
    assert closed.resolution.p90 == 15_840
    assert_rollup_is_recomputed(engine)

    world.client_reopens("N", msk(28, 9))
    reopened = report(engine, admin)
    assert (reopened.reopened, reopened.backlog, reopened.repeat_requests) == (2, 4, 3)
    assert_rollup_is_recomputed(engine)


def test_a_retagged_or_reassigned_conversation_comes_into_the_filtered_report(
    engine: Engine, team: Team, admin: Member
) -> None:
    history = build_history(engine, team, admin)
    assert report(engine, admin, tag="billing").created == 1
    assert report(engine, admin, assignee_id=history.bob.user_id).created == 2
    with session_scope(engine) as session:
        conversation = session.get(Conversation, history.conversations["G"])
        actor = session.get(User, admin.user_id)
        assert conversation is not None and actor is not None
        change_conversation(
            session=session,
            conversation=conversation,
            actor=actor,
            changes={"tags": ["billing"], "assignee_id": history.bob.user_id},
            now=NOW,
        )

    assert report(engine, admin, tag="billing").created == 2
    assert report(engine, admin, assignee_id=history.bob.user_id).created == 3
    assert_rollup_is_recomputed(engine)


def test_the_migration_fills_the_rollup_from_the_history_already_stored(
    database_url: str, engine: Engine, team: Team, admin: Member
) -> None:
    build_history(engine, team, admin)
    command.downgrade(alembic_config(database_url), _revision_before_the_rollup(database_url))

    upgrade_to_head(database_url)

    # The migrations leave the durations unmeasured (0032): the first report measures them.
    week = report(engine, admin)
    assert_rollup_is_recomputed(engine)
    assert (week.created, week.closed, week.reopened, week.backlog) == (6, 3, 1, 3)
    assert (week.first_response.count, week.first_response.median) == (5, 1 * HOUR)
    assert week.first_response.p90 == 2 * HOUR
    assert week.first_response_within_sla == round(5 / 6, 4)
    assert (week.resolution.count, week.resolution.median) == (3, 3 * HOUR)
    # Going back before the rollup also went back before repeat links (0027): E's link to F
    # went with its column, so only D's reopening is a repeat request now.
    assert (week.repeat_requests, week.replies_to_resolution) == (1, 1.67)
    assert (week.promises_made, week.promises_kept, week.promises_broken) == (2, 1, 1)
    calendar = report(engine, admin, hours="calendar")
    assert (calendar.resolution.median, calendar.resolution.p90) == (81_000, 137_160)


def test_a_changed_calendar_changes_the_business_figures(
    engine: Engine, team: Team, admin: Member
) -> None:
    """Without the Wednesday holiday, A waited Tue 17:00 to Thu 10:00 through a whole working
    Wednesday (11 h), and D and A stayed open through it."""
    build_history(engine, team, admin)
    assert report(engine, admin).first_response.p90 == 2 * HOUR

    without_the_holiday(engine, admin, NOW)
    week = report(engine, admin)

    # First responses 0.5, 1, 1, 2 and 11 h: the 90th percentile is 60 % from 2 h to 11 h.
    assert (week.first_response.median, week.first_response.p90) == (HOUR, 26_640)
    # Resolutions B 3 h, D 7.5 h (1 h, then Wed 12:00-18:00 and Thu 09:00-09:30), A 12 h.
    assert (week.resolution.median, week.resolution.p90) == (27_000, 39_960)


def _revision_before_the_rollup(database_url: str) -> str:
    """The migration the rollup's follows, whatever its number once branches are merged."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    found = next(s for s in scripts.walk_revisions() if (s.doc or "").startswith("report rollup"))
    return str(found.down_revision)


def _first_mailbox(engine: Engine) -> int:
    with Session(engine) as session:
        conversation = session.exec(select(Conversation).order_by(col(Conversation.id))).first()
        assert conversation is not None
        return conversation.mailbox_id
