"""One application and one seeded workspace per test module of the hostile-input tests, and the
checks every refused request must pass: a 4xx, no row more or less in any table, no error in
the log.

The requests are refused, so they change nothing, and sharing one database between them is
what keeps several hundred requests fast (they run on SQLite and on PostgreSQL)."""

import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from app.core.db import get_engine
from app.core.settings import load_settings
from app.main import create_app
from tests.app.test_workspace_isolation import populate
from tests.app.web.conftest import sign_in
from tests.conftest import POSTGRES_URL, TEST_SECRET, Member, Team, _empty_all

#: The application's routes and OpenAPI schema, read when the tests are collected.
APP = create_app(
    load_settings(database_url="sqlite://", secret_key=TEST_SECRET, run_scheduler=False)
)

#: Hostile values for a text field. "surrogate" is sent as JSON's escape or, in a URL or a
#: form, as the bytes a lone surrogate would take (which are no UTF-8).
SURROGATE, NUL, BREAK, HUGE = "surrogate", "nul", "break", "huge"
BREAK_TEXT = "a\r\nBcc: x@evil.test"
HUGE_TEXT = "x" * 1_048_576  # 1 MiB, above every text limit

#: Fields that hold text of several lines by nature; line breaks are no attack there.
MULTI_LINE = frozenset({"body", "body_text", "body_html", "auto_ack_text", "signature", "comment"})


@dataclass
class World:
    app: FastAPI
    client: TestClient
    engine: Engine
    admin: Member
    ids: dict[type[SQLModel], int]
    csrf: str


@pytest.fixture(scope="module")
def world(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if POSTGRES_URL:
        _empty_all(get_engine(migrated_template))
        url = migrated_template
    else:
        path = tmp_path_factory.mktemp("hostile") / "tandem.db"
        shutil.copyfile(Path(make_url(migrated_template).database or ""), path)
        url = f"sqlite:///{path}"
    engine = get_engine(url)
    app = create_app(load_settings(database_url=url, secret_key=TEST_SECRET, run_scheduler=False))
    admin = Team(engine).admin_of_new_workspace("Acme", "admin@acme.test")
    ids = populate(engine, admin)
    with TestClient(app) as client:
        yield World(app, client, engine, admin, ids, sign_in(client, admin))
    if not POSTGRES_URL:
        engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    """Every table's row count, in one query."""
    tables = SQLModel.metadata.sorted_tables
    counts = [select(func.count()).select_from(table).scalar_subquery() for table in tables]
    with engine.connect() as connection:
        row = connection.execute(select(*counts)).one()
    return {table.name: count for table, count in zip(tables, row, strict=True)}


def assert_refused(
    response: httpx.Response,
    what: str,
    before: dict[str, int],
    world: World,
    caplog: pytest.LogCaptureFixture,
    *,
    counted: str | None = None,
) -> None:
    """A 4xx, nothing stored half-way, nothing logged as an error. `counted` is a table where
    the refusal itself is recorded (a wrong password counts towards the sign-in delays)."""
    assert 400 <= response.status_code < 500, (
        f"{what}: {response.status_code} {response.text[:300]}"
    )
    after = row_counts(world.engine)
    if counted is not None:
        assert after[counted] >= before[counted], what
        before = {**before, counted: after[counted]}
    assert after == before, f"{what}: the database changed"
    errors = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert not errors, f"{what}: logged {[record.getMessage() for record in errors]}"
    caplog.clear()
