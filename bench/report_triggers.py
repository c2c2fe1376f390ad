"""What the reports' rollup costs writers: the triggers of migration 0022 mark a conversation
stale in the transaction of every write a report reads (a message stored, an audit event, a
conversation changed). This times the sync's write shape (bulk inserts of conversations and
their messages, bench/api.py's seed) and an audit trail (bench/reports.py's), into a fresh
database with the triggers and into one without them, alternating, and prints the medians
and their ratio.

    PYTHONPATH=. .venv/bin/python bench/report_triggers.py [--conversations 20000]
        [--messages-per 5] [--runs 3]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_triggers]
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from api import fresh_database, seed  # bench/api.py
from reports import _audit_trail  # bench/reports.py
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import select

from app.core.db import get_engine, session_scope
from app.core.migrations import upgrade_to_head
from app.core.models import User

#: What the audit trail is dated from (bench/reports.py sets it the same way).
FIRST_MESSAGES = (
    "UPDATE conversation SET first_message_at = "
    "(SELECT min(date) FROM message WHERE message.conversation_id = conversation.id)"
)


def drop_report_triggers(database_url: str) -> int:
    """Every `report_stale_*` trigger, found in the catalog as the migration named them."""
    engine = get_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            names = connection.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :p"),
                {"p": "report_stale%"},
            ).all()
            statements = [f"DROP TRIGGER {name}" for name in names]
        else:
            rows = connection.execute(
                text(
                    "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                    "WHERE tgname LIKE :p AND NOT tgisinternal"
                ),
                {"p": "report_stale%"},
            ).all()
            statements = [f"DROP TRIGGER {name} ON {table}" for name, table in rows]
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()
    return len(statements)


def one_run(url: str, conversations: int, per: int, triggers: bool) -> tuple[float, float]:
    upgrade_to_head(url)
    if not triggers:
        assert drop_report_triggers(url) > 0
    started = time.perf_counter()
    seed(url, conversations, per)
    seeded = time.perf_counter() - started
    engine = get_engine(url)
    with session_scope(engine) as session:
        actor = int(session.exec(select(User.id)).first() or 0)
    with engine.begin() as connection:
        connection.execute(text(FIRST_MESSAGES))
    started = time.perf_counter()
    _audit_trail(engine, [actor])
    audited = time.perf_counter() - started
    engine.dispose()
    return seeded, audited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--messages-per", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp())}/triggers.db"
    for _ in range(args.runs):
        for triggers in (True, False):
            fresh_database(url, Path())
            times[triggers].append(one_run(url, args.conversations, args.messages_per, triggers))
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    backend = make_url(url).get_backend_name()
    print(
        f"database: {backend}; {args.conversations} conversations, "
        f"{args.conversations * args.messages_per} messages; {args.runs} runs each, alternating"
    )
    for index, what in enumerate(("conversations and messages", "audit trail")):
        with_, without = (statistics.median(run[index] for run in times[t]) for t in (True, False))
        print(
            f"{what:28} with triggers {with_:6.2f} s  without {without:6.2f} s  "
            f"ratio {with_ / without:5.2f}"
        )


if __name__ == "__main__":
    main()
