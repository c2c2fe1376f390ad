"""Processes that start at once after an upgrade migrate one at a time: four `tandem migrate`
started together on an empty database all succeed and leave it at the newest revision, once.
On PostgreSQL the lock is an advisory lock; on SQLite a lock file beside the database."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.db import get_engine
from app.core.migrations import head_revision
from tests.app.cli.test_cli import TANDEM
from tests.conftest import POSTGRES_URL, _create_postgres_database, _drop_postgres_database


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    if POSTGRES_URL:
        url = _create_postgres_database(POSTGRES_URL)
        yield url
        get_engine(url).dispose()
        _drop_postgres_database(POSTGRES_URL, url)
        return
    yield f"sqlite:///{tmp_path}/fresh.db"


def test_four_processes_migrating_at_once_take_turns(empty_database: str) -> None:
    env = {**os.environ, "TANDEM_DATABASE_URL": empty_database}
    started = [
        subprocess.Popen(
            [TANDEM, "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [(process.wait(timeout=120), *process.communicate()) for process in started]

    for code, out, err in results:
        assert code == 0, err[-2000:]
        assert f"database at revision {head_revision()}" in out
    with get_engine(empty_database).connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert versions == [(head_revision(),)]
