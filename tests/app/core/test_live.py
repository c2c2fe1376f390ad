"""The live event log: an event is written with the change that published it and only then,
ids grow in commit order, and pruning keeps the newest."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from app.core.db import get_engine, session_scope
from app.core.live import Audience, Live, events_after, newest_id, oldest_id, prune_events, publish
from app.core.models import LiveEvent, Workspace, utcnow
from tests.conftest import Team


def stored(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        return [(row.workspace_id, row.kind) for row in events_after(connection, 0, limit=100)]


def test_an_event_is_written_when_its_transaction_commits(engine: Engine, team: Team) -> None:
    workspace_id = team.workspace()
    with session_scope(engine) as session:
        publish(session, workspace_id=workspace_id, kind=Live.PRESENCE, data={"at": utcnow()})
        assert session.info["tandem.live_events"], "pending until the commit"
        with engine.connect() as connection:
            assert newest_id(connection) == 0
    assert stored(engine) == [(workspace_id, "presence")]


def test_a_rolled_back_change_tells_nothing(engine: Engine, team: Team) -> None:
    workspace_id = team.workspace()
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.execute(update(Workspace).values(name="Renamed"))
        publish(session, workspace_id=workspace_id, kind=Live.CONVERSATION_UPDATED)
        raise RuntimeError("refused")
    with Session(engine) as session:
        session.execute(update(Workspace).values(name="Again"))
        publish(session, workspace_id=workspace_id, kind=Live.CONVERSATION_UPDATED)
        session.rollback()
        session.commit()
    assert stored(engine) == []


def test_an_undone_savepoint_takes_its_events_and_a_released_one_keeps_them(
    engine: Engine, team: Team
) -> None:
    workspace_id = team.workspace()
    with session_scope(engine) as session:
        publish(session, workspace_id=workspace_id, kind=Live.NOTE_CREATED)
        with session.begin_nested():
            publish(session, workspace_id=workspace_id, kind=Live.NOTE_EDITED)
        savepoint = session.begin_nested()
        publish(session, workspace_id=workspace_id, kind=Live.NOTE_DELETED)
        with session.begin_nested():
            publish(session, workspace_id=workspace_id, kind=Live.NOTE_RESTORED)
        savepoint.rollback()
    assert stored(engine) == [(workspace_id, "note.created"), (workspace_id, "note.edited")]


def test_an_audience_sees_its_workspace_and_its_own_notifications(
    engine: Engine, team: Team
) -> None:
    acme, other = team.workspace("Acme"), team.workspace("Other")
    with session_scope(engine) as session:
        publish(session, workspace_id=acme, kind=Live.PRESENCE)
        publish(session, workspace_id=other, kind=Live.PRESENCE)
        publish(session, workspace_id=acme, kind=Live.NOTIFICATION, user_id=7)
        publish(session, workspace_id=acme, kind=Live.NOTIFICATION, user_id=8)
    with engine.connect() as connection:
        rows = events_after(connection, 0, audience=Audience(acme, 7), limit=10)
    assert [(row.kind, row.user_id) for row in rows] == [("presence", None), ("notification", 7)]


def test_ids_follow_the_commit_order_of_concurrent_transactions(
    database_url: str, team: Team
) -> None:
    """A transaction that published first but commits last still gets the larger id, so a
    reader never skips an event committed behind one it has already read."""
    workspace_id = team.workspace()
    engine = get_engine(database_url)
    slow_has_published = threading.Event()

    def slow() -> None:
        with session_scope(engine) as session:
            publish(session, workspace_id=workspace_id, kind=Live.NOTE_CREATED)
            session.execute(select(func.count()).select_from(Workspace))
            slow_has_published.set()
            time.sleep(0.3)

    thread = threading.Thread(target=slow)
    thread.start()
    slow_has_published.wait(5)
    with session_scope(engine) as session:
        publish(session, workspace_id=workspace_id, kind=Live.NOTE_EDITED)
    thread.join()
    assert [kind for _, kind in stored(engine)] == ["note.edited", "note.created"]


def test_pruning_forgets_old_events_but_never_the_newest(engine: Engine, team: Team) -> None:
    workspace_id = team.workspace()
    for _ in range(3):
        with session_scope(engine) as session:
            publish(session, workspace_id=workspace_id, kind=Live.PRESENCE)
    with session_scope(engine) as session:
        assert prune_events(session, before=utcnow() + timedelta(seconds=1)) == 2
    with engine.connect() as connection:
        assert oldest_id(connection) == newest_id(connection) == 3
    with session_scope(engine) as session:
        assert prune_events(session, before=utcnow() - timedelta(days=1)) == 0
    with session_scope(engine) as session:
        publish(session, workspace_id=workspace_id, kind=Live.PRESENCE)
    with engine.connect() as connection:
        assert newest_id(connection) == 4, "an id is never handed out twice"
        assert connection.scalar(select(func.count()).select_from(LiveEvent)) == 2
