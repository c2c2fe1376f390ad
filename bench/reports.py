"""Report latency at scale: GET /api/v1/reports/summary over 90 days.

Seeds the inbox of bench/api.py (C conversations with M messages each, spread over about 70
days from 1 January 2026), then gives it the history a report reads: each conversation's first
message, the team's replies by five agents, and an audit trail (every closed conversation
closed a few hours in, one in ten of them reopened by the client and closed again, pending
stretches, promises made, kept and broken). Those bulk inserts mark every conversation stale in
the reports' rollup, so the bench recomputes it first, timed, as the first report would. Serves
it with `tandem serve` and times the summary for the 90 days from 1 January, in business and
calendar hours and filtered, sequentially, then prints p50/p95/p99. Last, it times measuring
every duration again as after a change of the SLA calendar (in a transaction it rolls back).
Target (issue 20): p95 under 500 ms at 100,000 conversations / 500,000 messages, on SQLite and
PostgreSQL.

    .venv/bin/python bench/reports.py [--conversations 100000] [--messages-per 5]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports]
        [--requests 40] [--seeded]
"""

import argparse
import os
import platform
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from api import fresh_database, percentiles, reuse, seed, serve  # bench/api.py
from emulator import free_port  # bench/emulator.py
from sqlalchemy import delete, insert, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select

from app.core.accounts import create_user
from app.core.db import get_engine, session_scope
from app.core.models import AuditEvent, Conversation, ReportCalendar, User, Workspace
from inbox.report_measures import measure_if_recalendared
from inbox.report_rollup import refresh

PERIOD = "from=2026-01-01&to=2026-03-31"
AGENTS = 5


def add_history(database_url: str) -> None:
    """What the report reads, written the way the product writes it (in bulk)."""
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        workspace = session.exec(select(Workspace)).one()
        agents = [
            create_user(
                session=session,
                workspace=workspace,
                email=f"agent{n}@bench.test",
                name=f"Агент {n}",
            ).id
            for n in range(AGENTS)
        ]
        workspace.timezone = "Europe/Moscow"
        session.add(workspace)
        workspace_id = int(workspace.id or 0)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE conversation SET first_message_at = "
                "(SELECT min(date) FROM message WHERE message.conversation_id = conversation.id)"
            )
        )
        for n, agent in enumerate(agents):
            connection.execute(
                text(
                    "UPDATE message SET kind = 'reply', state = 'sent', sent_by_user_id = :agent "
                    "WHERE direction = 'outbound' AND conversation_id % :agents = :n"
                ),
                {"agent": agent, "agents": AGENTS, "n": n},
            )
    _audit_trail(engine, [int(a or 0) for a in agents])
    _refresh_rollup(engine, workspace_id)
    if make_url(database_url).get_backend_name() == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def _audit_trail(engine: Engine, agents: list[int]) -> None:
    rng = random.Random(11)
    with session_scope(engine) as session:
        rows = session.exec(
            select(
                Conversation.id,
                Conversation.workspace_id,
                Conversation.status,
                Conversation.first_message_at,
            )
        ).all()
    events: list[dict[str, object]] = []
    for cid, workspace_id, status, first in rows:
        if first is None or cid is None:
            continue
        actor = agents[cid % len(agents)]
        at = _Stamp(workspace_id, cid, first)
        if status in ("pending", "closed") or rng.random() < 0.1:
            events.append(at.event("conversation.updated", 1, "open", "pending", actor))
            events.append(at.event("conversation.reopened", 20, "pending", "open", None))
        if status == "closed":
            events.append(at.event("conversation.updated", 26, "open", "closed", actor))
            if rng.random() < 0.1:
                events.append(at.event("conversation.reopened", 50, "closed", "open", None))
                events.append(at.event("conversation.updated", 52, "open", "closed", actor))
        if rng.random() < 0.05:
            outcome = "promise.kept" if rng.random() < 0.8 else "promise.broken"
            events.append(at.event("promise.made", 1.5, "open", "open", actor))
            events.append(at.event(outcome, 3, "open", "open", None))
    for chunk in range(0, len(events), 5000):
        with engine.begin() as connection:
            connection.execute(insert(AuditEvent), events[chunk : chunk + 5000])
    print(f"audit trail: {len(events)} events")


def _refresh_rollup(engine: Engine, workspace_id: int) -> None:
    """The bulk inserts above marked every conversation stale (the triggers of migration
    0022); the first report would recompute them all, so the bench does it first, timed."""
    started = time.perf_counter()
    with session_scope(engine) as session:
        count = refresh(session, workspace_id)
    print(
        f"report rollup: {count} conversations recomputed in {time.perf_counter() - started:.0f} s"
    )


@dataclass(frozen=True)
class _Stamp:
    """A conversation's audit rows, `hours` after its first message."""

    workspace_id: int
    conversation_id: int
    first: datetime

    def event(
        self, action: str, hours: float, before: str, after: str, who: int | None
    ) -> dict[str, object]:
        return {
            "workspace_id": self.workspace_id,
            "conversation_id": self.conversation_id,
            "actor_id": who,
            "action": action,
            "before": {"status": before},
            "after": {"status": after},
            "details": {},
            "created_at": self.first + timedelta(hours=hours),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages-per", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seeded", action="store_true", help="reuse --database-url as it is")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.seeded:
        url = args.database_url
        token, _ = reuse(url)
    else:
        url = fresh_database(args.database_url, Path(tempfile.mkdtemp()))
        token, _ = seed(url, args.conversations, args.messages_per)
        add_history(url)
    seeded = time.perf_counter() - started
    assignee = _admin(url)
    endpoints = {
        "summary, business hours": f"/api/v1/reports/summary?{PERIOD}",
        "summary, calendar hours": f"/api/v1/reports/summary?{PERIOD}&hours=calendar",
        "summary, one assignee": f"/api/v1/reports/summary?{PERIOD}&assignee_id={assignee}",
        "summary, one tag": f"/api/v1/reports/summary?{PERIOD}&tag=refund",
        "summary as CSV": f"/api/v1/reports/summary?{PERIOD}&format=csv",
    }
    port = free_port()
    server = serve(url, port, 1)
    try:
        results = {
            name: percentiles(_timed(f"http://127.0.0.1:{port}", token, path, args.requests))
            for name, path in endpoints.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    )
    print(
        f"database: {make_url(url).get_backend_name()}; {args.conversations} conversations, "
        f"{args.conversations * args.messages_per} messages, seeded in {seeded:.0f} s; "
        f"{args.requests} sequential requests each; period {PERIOD}"
    )
    for name, (p50, p95, p99) in results.items():
        print(f"{name:28} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms")
    _time_measuring_again(url)


def _time_measuring_again(url: str) -> None:
    """What a report (or the rollup job) pays once after the calendar changes."""
    engine = get_engine(url)
    with Session(engine) as session:
        workspace_id = int(session.exec(select(Workspace.id)).one() or 0)
        session.execute(delete(ReportCalendar))
        started = time.perf_counter()
        count = measure_if_recalendared(session, workspace_id)
        elapsed = time.perf_counter() - started
        session.rollback()
    engine.dispose()
    print(f"calendar changed: {count} conversations measured again in {elapsed:.1f} s")


def _timed(base: str, token: str, path: str, count: int) -> list[float]:
    """Sequential requests on one kept-alive connection (its first, which opens it, untimed);
    a report may take seconds, past httpx's default timeout of five."""
    latencies = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        client.get(path)
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(path)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, (response.status_code, response.text[:200])
    return latencies


def _admin(url: str) -> int:
    """The bench's admin, to whom bench/api.py assigns one conversation in four."""
    engine = get_engine(url)
    with session_scope(engine) as session:
        admin = session.exec(select(User.id).where(User.email == "admin@bench.test")).one()
    engine.dispose()
    return int(admin or 0)


if __name__ == "__main__":
    main()
