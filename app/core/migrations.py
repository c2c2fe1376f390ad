"""Runs Alembic from code: `tandem migrate`, `tandem serve` on start, `/readyz` and the tests.

The migration scripts are the repository's `alembic/` folder, which the distribution installs as
the package `tandem_migrations` (setup.py); an editable install maps that name back to the
folder, so a clone and an installed wheel find them the same way. No alembic.ini is read: it
is the developers' way to run the `alembic` command in a clone.

Every process that starts (`tandem serve`, `tandem worker`, `tandem migrate`) migrates first,
so after an upgrade several may start at once: they migrate one at a time under a lock (a
PostgreSQL advisory lock; on SQLite an exclusive lock on a file beside the database), and the
ones that wait find the schema at head and do nothing. Both locks die with their process.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.core.advisory_locks import MIGRATING, holding


def script_location() -> str:
    """The folder of env.py and versions/ (a namespace package's path may also hold an import
    hook's placeholder)."""
    spec = find_spec("tandem_migrations")
    for folder in (spec and spec.submodule_search_locations) or ():
        if (Path(folder) / "env.py").is_file():
            return str(folder)
    raise RuntimeError("Tandem's migrations (the tandem_migrations package) are not installed")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location())
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str) -> None:
    with migration_lock(database_url):
        command.upgrade(alembic_config(database_url), "head")


@contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """Held while one process migrates; the others wait here."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, poolclass=NullPool)
        try:
            with holding(engine, MIGRATING, 0):
                yield
        finally:
            engine.dispose()
        return
    if not url.database or url.database == ":memory:":
        yield
        return
    lock_file = Path(url.database).expanduser().with_name(Path(url.database).name + ".migrating")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
