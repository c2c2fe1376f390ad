"""Each process's watcher of the live event log: an event committed anywhere (another engine,
another process) wakes the streams waiting here; a stream behind the in-memory window catches
up from the database, or is told to reload when that is no longer possible."""

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from app.core.db import get_engine, session_scope
from app.core.live import Audience, Live, prune_events, publish
from app.core.models import utcnow
from app.http import live_hub
from app.http.live_hub import LiveHub
from tests.conftest import Team


@pytest.fixture
def hub(engine: Engine) -> Iterator[LiveHub]:
    watcher = LiveHub(engine, poll_seconds=0.05)
    watcher.start()
    yield watcher
    watcher.stop()


@pytest.fixture
def other_engine(database_url: str) -> Iterator[Engine]:
    """A second engine on the same database: its own connections, as another process has."""
    engine: Engine = get_engine.__wrapped__(database_url)  # type: ignore[attr-defined]
    yield engine
    engine.dispose()


def tell(engine: Engine, workspace_id: int, kind: Live = Live.PRESENCE, **extra: int) -> None:
    with session_scope(engine) as session:
        publish(session, workspace_id=workspace_id, kind=kind, **extra)  # type: ignore[arg-type]


def wait_for_news(hub: LiveHub, publish_elsewhere: object) -> None:
    async def main() -> None:
        waiter = hub.waiter()
        try:
            await asyncio.to_thread(publish_elsewhere)  # type: ignore[arg-type]
            await asyncio.wait_for(waiter.event.wait(), 10)
        finally:
            hub.release(waiter)

    asyncio.run(main())


def test_an_event_committed_through_another_engine_wakes_a_waiting_stream(
    hub: LiveHub, other_engine: Engine, team: Team
) -> None:
    acme, other = team.workspace("Acme"), team.workspace("Other")
    start = hub.position
    wait_for_news(hub, lambda: tell(other_engine, acme, Live.NOTIFICATION, user_id=5))
    wait_for_news(hub, lambda: tell(other_engine, other))
    read = hub.read(start, Audience(acme, 5))
    assert read is not None
    rows, position = read
    assert [(row.kind, row.user_id) for row in rows] == [("notification", 5)]
    assert position == hub.position == start + 2
    assert hub.read(start, Audience(acme, 6)) == ([], position), "not another user's notice"


def test_an_event_committed_by_another_process_wakes_a_waiting_stream(
    hub: LiveHub, database_url: str, team: Team
) -> None:
    acme = team.workspace("Acme")
    script = (
        "import sys\n"
        "from app.core.db import get_engine, session_scope\n"
        "from app.core.live import Live, publish\n"
        "with session_scope(get_engine(sys.argv[1])) as session:\n"
        "    publish(session, workspace_id=int(sys.argv[2]), kind=Live.REPLY_QUEUED)\n"
    )
    command = [sys.executable, "-c", script, database_url, str(acme)]
    wait_for_news(hub, lambda: subprocess.run(command, check=True, timeout=60))
    read = hub.read(0, Audience(acme, 1))
    assert read is not None
    assert [row.kind for row in read[0]] == ["reply.queued"]


def test_a_stream_behind_the_window_catches_up_from_the_database(
    engine: Engine, other_engine: Engine, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = team.workspace("Acme")
    for _ in range(3):
        tell(engine, acme)
    watcher = LiveHub(engine, poll_seconds=0.05)
    watcher.start()
    monkeypatch.setattr(live_hub, "WINDOW", 4)
    try:
        for _ in range(5):
            wait_for_news(watcher, lambda: tell(other_engine, acme))
        audience = Audience(acme, 1)
        assert watcher.read(0, audience) is None, "events 1-3 were never in memory"
        assert watcher.read(4, audience) is None, "event 5 left the window"
        caught = watcher.catch_up(0, audience)
        assert caught is not None
        rows, upto = caught
        assert [row.id for row in rows] == list(range(1, upto + 1))
        read = watcher.read(upto, audience)
        assert read is not None
        assert [row.id for row in read[0]] == list(range(upto + 1, 9))
    finally:
        watcher.stop()


def test_a_stream_is_told_to_reload_when_what_it_missed_is_gone_or_too_much(
    hub: LiveHub, engine: Engine, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = team.workspace("Acme")
    audience = Audience(acme, 1)
    for _ in range(4):
        tell(engine, acme)
    assert hub.catch_up(0, audience) == ([], 0), "the hub's window starts after them"
    assert hub.catch_up(9, audience) is None, "an id this database never had"
    behind = LiveHub(engine)
    behind.start()
    try:
        monkeypatch.setattr(live_hub, "CATCH_UP_LIMIT", 3)
        assert behind.catch_up(0, audience) is None, "4 missed, more than the limit"
        caught = behind.catch_up(1, audience)
        assert caught is not None
        assert [row.id for row in caught[0]] == [2, 3, 4]
        tell(engine, acme)
        with session_scope(engine) as session:
            prune_events(session, before=utcnow() + timedelta(seconds=1))
        assert behind.catch_up(1, audience) is None, "events 2-4 were pruned"
        assert behind.catch_up(4, audience) == ([], 4), "nothing missed before the window"
    finally:
        behind.stop()
