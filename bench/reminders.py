"""Reminder firing benchmark: 10,000 pending reminders due over the next ~45 s, fired by the
real scheduler (`TandemScheduler`, every fixed job) in one and then two processes; prints the
lateness (fired_at - due_at: p50/p95/p99/max) and checks each reminder fired exactly once
(one notification each).

    .venv/bin/python bench/reminders.py                      # SQLite, in a temporary folder
    .venv/bin/python bench/reminders.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_reminders

A PostgreSQL database is created when missing and emptied before each run (never point it at a
database that holds anything else). Lateness includes the whole delivery transaction of the
chunk a reminder was fired in; figures from a shared machine vary between runs.
"""

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from app.core.accounts import create_user, create_workspace
from app.core.db import get_engine, session_scope
from app.core.migrations import upgrade_to_head
from app.core.models import (
    Conversation,
    Mailbox,
    Notification,
    Reminder,
    ReminderState,
    Role,
    SQLModel,
    id_of,
)

SECRET = "bench-reminders-secret-key-0123456789"  # noqa: S105 (signs nothing real)
#: Time for the scheduler processes to start before the first reminder falls due.
LEAD = timedelta(seconds=8)
PROCESS_SCRIPT = """
import sys, time
from app.core.db import get_engine
from app.core.settings import load_settings
from scheduler.runner import TandemScheduler

settings = load_settings(database_url=sys.argv[1], secret_key=sys.argv[2])
TandemScheduler(get_engine(settings.database_url), settings).start()
time.sleep(3600)
"""


@dataclass(frozen=True)
class Result:
    processes: int
    fired: int
    duplicates: int
    workers: int
    lateness_ms: list[float]


def prepare(url: str) -> None:
    """A migrated, empty database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    upgrade_to_head(url)
    names = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with get_engine(url).begin() as connection:
        if parsed.get_backend_name() == "postgresql":
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())


def seed(url: str, count: int, spread: float) -> datetime:
    """`count` reminders for one agent, due at random times over `spread` seconds after LEAD."""
    engine = get_engine(url)
    start = datetime.now(UTC) + LEAD
    with session_scope(engine) as session:
        workspace = create_workspace(session=session, name="Bench")
        agent = create_user(session=session, workspace=workspace, email="a@bench.test")
        create_user(session=session, workspace=workspace, email="b@bench.test", role=Role.ADMIN)
        mailbox = Mailbox(workspace_id=id_of(workspace), email="support@bench.test")
        session.add(mailbox)
        session.flush()
        conversation = Conversation(
            workspace_id=id_of(workspace), mailbox_id=id_of(mailbox), gmail_thread_id="t"
        )
        session.add(conversation)
        session.flush()
        rows = [
            {
                "workspace_id": id_of(workspace),
                "conversation_id": id_of(conversation),
                "user_id": id_of(agent),
                "kind": "custom",
                "state": ReminderState.PENDING,
                "due_at": start + timedelta(seconds=random.uniform(0, spread)),
                "text": f"reminder {index}",
                "created_at": datetime.now(UTC),
            }
            for index in range(count)
        ]
        session.execute(insert(Reminder), rows)
    return start


def fired_count(url: str) -> int:
    with Session(get_engine(url)) as session:
        return session.exec(
            select(func.count()).where(col(Reminder.state) == ReminderState.FIRED)
        ).one()


def run(url: str, processes: int, count: int, spread: float) -> Result:
    prepare(url)
    seed(url, count, spread)
    workers = [
        subprocess.Popen([sys.executable, "-c", PROCESS_SCRIPT, url, SECRET])  # noqa: S603 (our own command)
        for _ in range(processes)
    ]
    deadline = time.monotonic() + LEAD.total_seconds() + spread + 120
    try:
        while fired_count(url) < count and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # a late duplicate would show up here
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    return measure(url, processes)


def measure(url: str, processes: int) -> Result:
    with Session(get_engine(url)) as session:
        times = session.exec(
            select(Reminder.due_at, Reminder.fired_at).where(col(Reminder.fired_at).is_not(None))
        ).all()
        per_reminder = session.exec(
            select(func.count()).select_from(Notification).group_by(col(Notification.reminder_id))
        ).all()
        workers = session.exec(select(func.count(func.distinct(Reminder.claimed_by)))).one()
    lateness = [(fired - due).total_seconds() * 1000 for due, fired in times if fired]
    duplicates = sum(n - 1 for n in per_reminder if n > 1)
    return Result(processes, len(times), duplicates, workers, lateness)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(result: Result, count: int, backend: str) -> None:
    lateness = result.lateness_ms
    print(
        f"{backend:10} processes={result.processes} fired={result.fired}/{count} "
        f"duplicates={result.duplicates} workers_that_fired={result.workers} "
        f"lateness ms: p50={statistics.median(lateness):.0f} "
        f"p95={percentile(lateness, 0.95):.0f} p99={percentile(lateness, 0.99):.0f} "
        f"max={max(lateness):.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--spread", type=float, default=45.0, help="seconds")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        backend = make_url(url).get_backend_name()
        for processes in args.processes:
            report(run(url, processes, args.count, args.spread), args.count, backend)


if __name__ == "__main__":
    main()
