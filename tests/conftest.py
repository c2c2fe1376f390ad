"""Shared fixtures: a fresh database built by the migrations for every test, on SQLite by
default or on the PostgreSQL server named by TANDEM_TEST_POSTGRES_URL (see the Makefile)."""

import os
import random
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.core import accounts
from app.core.accounts import create_api_token, create_user, create_workspace
from app.core.db import get_engine, session_scope
from app.core.migrations import upgrade_to_head
from app.core.models import Role, SQLModel, User, Workspace
from app.core.settings import Settings, load_settings
from app.main import create_app
from inbox.rating_links import RatingLinks

#: The Gmail emulator and Tandem connected to it, for every package's tests.
pytest_plugins = ["tests.gmail_fixtures"]

POSTGRES_URL = os.environ.get("TANDEM_TEST_POSTGRES_URL")
TEST_SECRET = "test-secret-key-for-tandem-tests"
#: Rating links as the test app writes them (its secret key, its public address).
TEST_LINKS = RatingLinks(TEST_SECRET, "http://testserver")


def demo_port() -> int:
    """A port for `tandem serve --demo` whose Gmail emulator port (25 above it) is free too.

    Both lie below the range the kernel hands out to outgoing connections (32768 and up on
    Linux), where a database or HTTP client's socket could take the emulator's port between
    this check and the demo's start."""
    for _ in range(500):
        port = random.randint(20000, 32000)
        if all(_bindable(candidate) for candidate in (port, port + 25)):
            return port
    raise RuntimeError("no free port pair for the demo between 20000 and 32025")


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _create_postgres_database(server_url: str) -> str:
    """A database of our own on the server, so the suite never touches anyone else's data."""
    name = f"tandem_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 at its smallest cost in this process: the product's parameters (about 0.25 s a
    hash, by design) would spend minutes of the suite on creating users and signing in.
    Hashes keep their parameters, so verification is unchanged."""
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database URL of a schema built once by the migrations for the whole run."""
    if POSTGRES_URL:
        url = _create_postgres_database(POSTGRES_URL)
        upgrade_to_head(url)
        get_engine(url).dispose()
        yield url
        get_engine(url).dispose()
        _drop_postgres_database(POSTGRES_URL, url)
        return
    path = tmp_path_factory.mktemp("template") / "tandem.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    get_engine(url).dispose()
    yield url


def _empty_all(engine: Engine) -> None:
    """Every table emptied and every id sequence back at 1, as TRUNCATE ... RESTART IDENTITY
    leaves them. TRUNCATE gives each of the 34 tables new files, half a second a test, most
    of the PostgreSQL run; deleting the few rows a test leaves takes milliseconds. Foreign keys
    and triggers are off while it deletes (the replication role), so the order is free and
    no trigger marks anything. The VACUUM after it (a millisecond or two) frees the deleted
    rows' places, so a test's rows are stored, and read back unordered, in the order it wrote
    them, as in new tables."""
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            connection.execute(table.delete())
        connection.execute(
            text(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM " + ", ".join(f'"{table.name}"' for table in tables)))


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database for this test."""
    if POSTGRES_URL:
        _empty_all(get_engine(migrated_template))
        yield migrated_template
        return
    path = tmp_path / "tandem.db"
    shutil.copyfile(make_url(migrated_template).database or "", path)
    url = f"sqlite:///{path}"
    yield url
    get_engine(url).dispose()


@pytest.fixture
def engine(database_url: str) -> Engine:
    return get_engine(database_url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, secret_key=TEST_SECRET, run_scheduler=False)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class Member:
    """A user of a test workspace with everything needed to act as them."""

    workspace_id: int
    user_id: int
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Team:
    """Builds workspaces and users through the same functions the product uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def workspace(self, name: str = "Acme") -> int:
        with session_scope(self.engine) as session:
            workspace = create_workspace(session=session, name=name)
            assert workspace.id is not None
            return workspace.id

    def member(self, workspace_id: int, email: str, role: Role = Role.AGENT) -> Member:
        password = "correct horse battery"
        with session_scope(self.engine) as session:
            workspace = session.get(Workspace, workspace_id)
            assert workspace is not None
            user = create_user(
                session=session, workspace=workspace, email=email, role=role, password=password
            )
            _, token = create_api_token(session=session, user=user, name="test")
            assert user.id is not None
            return Member(workspace_id, user.id, user.email, password, token)

    def admin_of_new_workspace(self, name: str, email: str) -> Member:
        return self.member(self.workspace(name), email, Role.ADMIN)

    def user(self, user_id: int) -> User:
        with Session(self.engine) as session:
            user = session.get(User, user_id)
            assert user is not None
            return user


@pytest.fixture
def team(engine: Engine) -> Team:
    return Team(engine)


@pytest.fixture
def admin(team: Team) -> Member:
    return team.admin_of_new_workspace("Acme", "admin@acme.test")
