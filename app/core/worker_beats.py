"""Which processes run the background work, as their beats say. Each process's scheduler
writes its row every `BEAT` (`scheduler.runner`) and removes it when it stops, so an admin can
see, from any process, whether mail is being synced and timers fired: a web process started
with `--no-worker` runs no scheduler and knows nothing of the workers otherwise.
"""

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.core.models import WorkerBeat

BEAT = timedelta(seconds=10)
#: A worker not heard from for this long (three beats missed) is taken to be gone.
SILENT = 3 * BEAT
#: A row not refreshed for a day goes: a killed process never removes its own.
FORGOTTEN = timedelta(days=1)


@dataclass(frozen=True)
class Worker:
    worker: str
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime
    alive: bool


def beat(session: Session, *, worker: str, started_at: datetime, now: datetime) -> None:
    row = session.get(WorkerBeat, worker)
    if row is None:
        host, pid = socket.gethostname()[:255], os.getpid()
        row = WorkerBeat(worker=worker, host=host, pid=pid, started_at=started_at, seen_at=now)
    else:
        row.seen_at = now
    session.add(row)
    session.execute(delete(WorkerBeat).where(col(WorkerBeat.seen_at) < now - FORGOTTEN))


def stopped(session: Session, *, worker: str) -> None:
    session.execute(delete(WorkerBeat).where(col(WorkerBeat.worker) == worker))


def workers(session: Session, *, now: datetime) -> list[Worker]:
    """Every process heard from in the last day, the longest-running first."""
    rows = session.exec(
        select(WorkerBeat).order_by(col(WorkerBeat.started_at), col(WorkerBeat.worker))
    )
    return [
        Worker(
            worker=row.worker,
            host=row.host,
            pid=row.pid,
            started_at=row.started_at,
            seen_at=row.seen_at,
            alive=row.seen_at >= now - SILENT,
        )
        for row in rows
    ]
