"""Whether the background work runs is visible from any process: a scheduler started elsewhere
shows in `GET /api/v1/scheduler` of a web process that runs none, alive while it beats, and is
gone once it stops; a process killed without stopping turns silent after 30 seconds."""

import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import utcnow
from app.core.settings import Settings
from app.core.worker_beats import beat
from scheduler.runner import TandemScheduler
from tests.conftest import Member


def _workers(client: TestClient, admin: Member) -> list[dict[str, object]]:
    status = client.get("/api/v1/scheduler", headers=admin.headers).json()
    assert status["running"] is False, "the web process runs no scheduler of its own"
    workers: list[dict[str, object]] = status["workers"]
    return workers


def test_a_worker_elsewhere_is_listed_while_it_runs_and_gone_when_it_stops(
    client: TestClient, admin: Member, engine: Engine, settings: Settings
) -> None:
    assert _workers(client, admin) == []
    worker = TandemScheduler(engine, settings)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while not _workers(client, admin) and time.monotonic() < deadline:
            time.sleep(0.1)
        [listed] = _workers(client, admin)
        assert listed["worker"] == worker.worker and listed["alive"] is True
    finally:
        worker.shutdown()
    assert _workers(client, admin) == []


def test_a_worker_killed_without_stopping_turns_silent(
    client: TestClient, admin: Member, engine: Engine
) -> None:
    started = utcnow() - timedelta(hours=1)
    with session_scope(engine) as session:
        beat(session, worker="killed", started_at=started, now=utcnow() - timedelta(seconds=31))
        beat(session, worker="beating", started_at=started, now=utcnow())
    assert {w["worker"]: w["alive"] for w in _workers(client, admin)} == {
        "killed": False,
        "beating": True,
    }
