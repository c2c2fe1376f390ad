"""PostgreSQL advisory locks that say "a process is at work on this": held on a connection of
their own for as long as the work lasts and gone when the process dies, so another process can
tell a slow worker from a dead one, or wait its turn. SQLite has none: there `holding` holds
nothing and `try_taking` always succeeds, and callers rely on a timeout or a lock file.

Keys are (namespace, key) pairs of 32-bit integers; PostgreSQL keeps them apart from locks
taken with one 64-bit key.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlmodel import Session

#: A worker delivering a reply to Gmail (key: the reply's message id).
SENDING_REPLY = 0x7A4D
#: One process running the migrations (key: 0).
MIGRATING = 0x7A4E


def _postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def holding(engine: Engine, namespace: int, key: int) -> Iterator[None]:
    """Waits for the lock, holds it for the block on a connection of its own, then lets go.
    The connection sits idle, outside any transaction, while the block runs."""
    if not _postgres(engine):
        yield
        return
    keys = {"namespace": namespace, "key": key}
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:namespace, :key)"), keys)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:namespace, :key)"), keys)
            connection.commit()


def try_taking(session: Session, namespace: int, key: int) -> bool:
    """Takes the lock for the rest of the session's transaction if nobody holds it."""
    if not _postgres(session.get_bind().engine):
        return True
    taken = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:namespace, :key)"),
        {"namespace": namespace, "key": key},
    ).scalar()
    return bool(taken)
