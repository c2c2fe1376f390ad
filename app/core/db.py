"""Database engines and sessions: SQLite by default (WAL, foreign keys on), PostgreSQL by URL.

It owns connection set-up only; it never commits on a caller's behalf except in
`session_scope`, the boundary of jobs, commands and requests.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

from app.core.errors import NotFound, Unavailable
from app.core.i18n import gettext as _
from app.core.stemming import stems

ModelT = TypeVar("ModelT", bound=SQLModel)

#: Ids are 32-bit on PostgreSQL (SERIAL); a larger number can name no row.
MAX_ID = 2**31 - 1


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys, a lower() that folds every script (SQLite's own folds only ASCII,
    so "Ольга" would not match "ольга" as it does on PostgreSQL), and the search_stems() the
    search triggers call (`app.core.stemming`): a connection without it cannot write mail."""
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    dbapi_connection.create_function("search_stems", 1, stems, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(database_url: str) -> Engine:
    """One engine per URL for the process; SQLite files get their parent folder created."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    event.listen(engine, "connect", _plan_each_query)
    return engine


def _plan_each_query(dbapi_connection: Any, _record: Any) -> None:
    """Two planner settings for every session, set on the session rather than in the
    connection's startup options, which poolers such as PgBouncer refuse:

    - No JIT. PostgreSQL compiles a query whose estimated cost passes `jit_above_cost` to
      machine code first, 10-30 ms each time, and Tandem's queries finish in less than
      that: a report's dozen queries over 100,000 conversations spent a fifth of their time
      compiling.
    - A plan for each execution's own values. psycopg prepares a statement on its fifth
      run, and after five more PostgreSQL may keep one generic plan for any values: for a
      report that reads a period's closes from their own index, the generic plan scanned
      every status change instead, and the same report went from 290 ms to 430 ms after its
      tenth run. Planning costs a fraction of a millisecond."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()


def check_connection(engine: Engine) -> None:
    """Raise Unavailable with the server's reason when the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = engine.url.render_as_string(hide_password=True)
        raise Unavailable(f"cannot connect to database {where}: {reason}") from None


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """The transaction boundary of jobs, commands and requests (`app.http.dependencies`):
    commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_scoped(session: Session, model: type[ModelT], object_id: int, workspace_id: int) -> ModelT:
    """Fetch one row of the caller's workspace; another workspace's row is simply not found,
    and so is an id beyond what an id column holds."""
    row = session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if row is None or getattr(row, "workspace_id", None) != workspace_id:
        thing = _thing(str(model.__tablename__))
        raise NotFound(_("%(thing)s %(id)s not found") % {"thing": thing, "id": object_id})
    return row


def _thing(table: str) -> str:
    """What a reader calls a row of the table; in English, the table's name, which the API's
    callers have always read."""
    names = {
        "api_token": _("api_token"),
        "attachment": _("attachment"),
        "contact": _("contact"),
        "conversation": _("conversation"),
        "mailbox": _("mailbox"),
        "message": _("message"),
        "note": _("note"),
        "notification": _("notification"),
        "reminder": _("reminder"),
        "rule": _("rule"),
        "template": _("template"),
        "user": _("user"),
        "webhook_subscription": _("webhook_subscription"),
    }
    return names.get(table, table)
