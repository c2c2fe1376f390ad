"""The reports' rollup is worked off in the background: after a bulk write every stale mark
is recomputed in small transactions, so the next report reads a fresh rollup with the right
figures; a stopping process leaves the rest marked."""

import threading

import pytest
from sqlalchemy import Engine, func, select

from app.core.models import ReportStale
from app.core.settings import Settings
from scheduler import report_jobs
from scheduler.report_jobs import refresh_reports
from scheduler.runner import REPORT_JOB, TandemScheduler
from tests.conftest import Member, Team
from tests.inbox.report_history import build_history
from tests.inbox.test_report_rollup import assert_rollup_is_recomputed, report


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
