"""The reports' rollup is worked off in the background: after a bulk write every stale mark
is recomputed in small transactions, so the next report reads a fresh rollup with the right
figures; a stopping process leaves the rest marked."""

import threading

import pytest
from sqlalchemy import Engine, func, select

from app.core.db import session_scope
from app.core.models import ReportConversation, ReportStale
from app.core.settings import Settings
from inbox.report_measures import measure_if_recalendared
from scheduler import report_jobs
from scheduler.report_jobs import refresh_reports
from scheduler.runner import REPORT_JOB, TandemScheduler
from tests.conftest import Member, Team
from tests.inbox.report_history import build_history, without_the_holiday
from tests.inbox.test_report_rollup import NOW, assert_rollup_is_recomputed, report

HOUR = 3600


def stale(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(ReportStale)) or 0)


def test_the_job_recomputes_every_stale_conversation_in_batches(
    engine: Engine, team: Team, admin: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_history(engine, team, admin)
    marked = stale(engine)
    assert marked > 2, "the history's writes mark its conversations stale"
    monkeypatch.setattr(report_jobs, "BATCH", 2)

    assert refresh_reports(engine, threading.Event()) == marked

    assert stale(engine) == 0
    assert_rollup_is_recomputed(engine)
    assert report(engine, admin).created == 6


def test_after_a_calendar_change_the_job_measures_the_durations_again(
    engine: Engine, team: Team, admin: Member
) -> None:
    """Without the Wednesday holiday A waited 11 working hours, not 2; the job measures that
    before the lead asks, so the report finds nothing left to do."""
    history = build_history(engine, team, admin)
    refresh_reports(engine, threading.Event())
    assert _first_wait(engine, history.conversations["A"]) == 2 * HOUR

    without_the_holiday(engine, admin, NOW)
    assert _first_wait(engine, history.conversations["A"]) == 2 * HOUR
    refresh_reports(engine, threading.Event())

    assert _first_wait(engine, history.conversations["A"]) == 11 * HOUR
    with session_scope(engine) as session:
        assert measure_if_recalendared(session, admin.workspace_id) == 0
    assert report(engine, admin).first_response.p90 == 26_640


def _first_wait(engine: Engine, conversation_id: int) -> int | None:
    with engine.connect() as connection:
        return connection.scalar(
            select(ReportConversation.first_wait).where(
                ReportConversation.conversation_id == conversation_id
            )
        )


def test_a_stopping_process_leaves_the_marks_for_later(
    engine: Engine, team: Team, admin: Member
) -> None:
    build_history(engine, team, admin)
    marked = stale(engine)
    stopping = threading.Event()
    stopping.set()

    assert refresh_reports(engine, stopping) == 0
    assert stale(engine) == marked


def test_the_scheduler_runs_it_every_half_minute(engine: Engine, settings: Settings) -> None:
    scheduler = TandemScheduler(engine, settings)
    scheduler.start()
    try:
        jobs = {job.id: job.trigger for job in scheduler.jobs()}
    finally:
        scheduler.shutdown()
    assert jobs[REPORT_JOB] == "interval[0:00:30]"
