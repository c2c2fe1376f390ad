"""Database set-up: SQLite's safety switches, aware UTC times, workspace-scoped lookups."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import StatementError
from sqlmodel import Session

from app.core.db import get_scoped
from app.core.errors import NotFound
from app.core.models import User, Workspace
from tests.conftest import Team


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        assert engine.dialect.name == "postgresql"
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_times_come_back_aware_and_in_utc(engine: Engine) -> None:
    moscow = timezone(timedelta(hours=3))
    with Session(engine) as session:
        workspace = Workspace(name="Zone", created_at=datetime(2026, 3, 1, 15, 0, tzinfo=moscow))
        session.add(workspace)
        session.commit()
        workspace_id = workspace.id
    with Session(engine) as session:
        stored = session.get(Workspace, workspace_id)
        assert stored is not None
        assert stored.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
        assert stored.created_at.tzinfo is not None


def test_naive_times_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Workspace(name="Naive", created_at=datetime(2026, 3, 1, 15, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()


def test_scoped_lookup_hides_other_workspaces(engine: Engine, team: Team) -> None:
    mine = team.admin_of_new_workspace("Mine", "me@mine.test")
    theirs = team.admin_of_new_workspace("Theirs", "them@theirs.test")
    with Session(engine) as session:
        assert get_scoped(session, User, mine.user_id, mine.workspace_id).email == "me@mine.test"
        with pytest.raises(NotFound, match=f"user {theirs.user_id} not found"):
            get_scoped(session, User, theirs.user_id, mine.workspace_id)
