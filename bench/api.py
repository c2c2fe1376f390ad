"""Inbox API latency at scale: list views, counts, conversation view and search.

Seeds C conversations (one in ten automated) with M messages each (bulk inserts, the way sync
writes) into a new database, serves it with `tandem serve` (`--workers N` processes, scheduler
off), then times each endpoint sequentially and with K concurrent clients, and prints
p50/p95/p99 and the ratio of p95 to a trivial endpoint (/healthz) on the same server. The
targets (docs/architecture.md): list and conversation view p95 < 50 ms, search < 100 ms, at
100,000 conversations / 500,000 messages.

    .venv/bin/python bench/api.py [--conversations 100000] [--messages-per 5]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench] [--requests 200]
        [--workers 2] [--seeded]

The server is `tandem serve --workers N`, as a team would run it (uvicorn's own --workers left
Nagle's algorithm on and added ~40 ms to every kept-alive request; see app/workers.py).
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from emulator import free_port  # bench/emulator.py
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from app.core.accounts import bootstrap, create_api_token
from app.core.db import get_engine, session_scope
from app.core.migrations import upgrade_to_head
from app.core.models import Contact, Conversation, Mailbox, Message, User

WORDS = [
    "order",
    "invoice",
    "refund",
    "delivery",
    "login",
    "password",
    "account",
    "payment",
    "shipping",
]
RUSSIAN = ["счёт", "заказ", "доставка", "оплата", "возврат", "пароль"]
STATUSES = ["open"] * 5 + ["pending"] * 2 + ["snoozed", "closed", "closed"]


def fresh_database(url: str | None, folder: Path) -> str:
    """An empty database: a new SQLite file, or the PostgreSQL database dropped and created."""
    if url is None:
        return f"sqlite:///{folder}/api.db"
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return url
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def seed(database_url: str, conversations: int, per: int) -> tuple[str, list[int]]:
    """Returns an admin API token and the conversation ids."""
    upgrade_to_head(database_url)
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        created = bootstrap(session=session, workspace_name="Bench", email="admin@bench.test")
        workspace = int(created["workspace_id"])
        mailbox = Mailbox(workspace_id=workspace, email="support@bench.test")
        session.add(mailbox)
        session.flush()
        mailbox_id = int(mailbox.id or 0)
    rng, start = random.Random(7), datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(Contact),
            [
                {
                    "workspace_id": workspace,
                    "email": f"c{i}@client.test",
                    "name": f"Client {i}",
                    "created_at": start,
                }
                for i in range(5000)
            ],
        )
    ids: list[int] = []
    for offset in range(0, conversations, 5000):
        rows = [
            _conversation(workspace, mailbox_id, n, rng, start)
            for n in range(offset, min(offset + 5000, conversations))
        ]
        with engine.begin() as connection:
            ids += [
                row[0]
                for row in connection.execute(
                    insert(Conversation).returning(Conversation.id, sort_by_parameter_order=True),
                    rows,
                )
            ]
        messages = [
            _message(workspace, mailbox_id, cid, turn, rng, start)
            for cid in ids[offset:]
            for turn in range(per)
        ]
        with engine.begin() as connection:
            connection.execute(insert(Message), messages)
    if make_url(database_url).get_backend_name() == "postgresql":
        # What autovacuum would have done by now on a live server: the planner needs
        # statistics to choose between the GIN indexes and the primary keys.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return str(created["api_token"]), ids


def _conversation(
    workspace: int, mailbox: int, n: int, rng: random.Random, start: datetime
) -> dict:
    return {
        "workspace_id": workspace,
        "mailbox_id": mailbox,
        "gmail_thread_id": f"t{n}",
        "subject": f"{rng.choice(WORDS)} {rng.choice(RUSSIAN)} #{n}",
        "status": rng.choice(STATUSES),
        # One in a thousand urgent, as a busy team's inbox holds: the list shows them first.
        "priority": "urgent" if n % 1000 == 500 else rng.choice(["low", "normal", "high"]),
        "tags": [rng.choice(WORDS)] if n % 3 == 0 else [],
        "assignee_id": 1 if n % 4 == 0 else None,
        "automated": n % 10 == 7,
        "contact_id": n % 5000 + 1,
        "message_count": 5,
        "is_unread": n % 2 == 0,
        "last_message_at": start + timedelta(minutes=n),
        "created_at": start,
        "updated_at": start,
    }


def _message(
    workspace: int, mailbox: int, cid: int, turn: int, rng: random.Random, start: datetime
) -> dict:
    words = " ".join(rng.choice(WORDS + RUSSIAN) for _ in range(40))
    return {
        "workspace_id": workspace,
        "conversation_id": cid,
        "mailbox_id": mailbox,
        "gmail_id": f"{cid}.{turn}",
        "from_address": f"c{cid % 5000}@client.test",
        "from_name": "Client",
        "reply_to": [],
        "to": ["support@bench.test"],
        "cc": [],
        "bcc": [],
        "subject": "Re: question",
        "date": start + timedelta(minutes=cid, seconds=turn),
        "text_body": words,
        "visible_text": words,
        "quoted_text": "",
        "snippet": words[:100],
        "direction": "inbound" if turn % 2 == 0 else "outbound",
        "state": "received",
        "label_ids": ["INBOX"],
        "is_unread": False,
        "new_participant": False,
        "size_estimate": 500,
        "created_at": start,
    }


def reuse(database_url: str) -> tuple[str, list[int]]:
    """A new token for the bench admin of an already seeded database, and its conversations."""
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        admin = session.exec(select(User).where(User.email == "admin@bench.test")).one()
        _, token = create_api_token(session=session, user=admin, name="bench")
        ids = [int(i) for i in session.exec(select(Conversation.id)) if i is not None]
    engine.dispose()
    return token, ids


def serve(database_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`tandem serve` with `workers` processes (the database is already migrated)."""
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_RUN_SCHEDULER": "false",
        "TANDEM_SECRET_KEY": "bench-secret-key-for-api",
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    tandem = str(Path(sys.executable).with_name("tandem"))
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [tandem, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("tandem did not start")


def measure(
    base: str, token: str, paths: Callable[[], str], count: int, clients: int
) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(requests: int) -> None:
        """Its first request, which opens the connection (and the server's database
        connection for it), is not timed: a team's browsers and integrations keep theirs."""
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
            client.get(paths())
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(paths())
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, (response.status_code, response.text[:200])
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(count // clients,)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def later_page(base: str, token: str, path: str, pages: int) -> str:
    """The path of the page after `pages` pages of `path`, following their next_cursor."""
    later = path
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for _ in range(pages):
            cursor = client.get(later).json()["next_cursor"]
            later = f"{path}&{httpx.QueryParams(cursor=cursor)}"
    return later


def percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values) * 1000, cuts[94] * 1000, cuts[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages-per", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="tandem serve worker processes")
    parser.add_argument("--seeded", action="store_true", help="reuse --database-url as it is")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.seeded:
        url = args.database_url
        token, ids = reuse(url)
    else:
        url = fresh_database(args.database_url, Path(tempfile.mkdtemp()))
        token, ids = seed(url, args.conversations, args.messages_per)
    seeded = time.perf_counter() - started
    rng = random.Random(1)
    endpoints: dict[str, Callable[[], str]] = {"healthz (trivial)": lambda: "/healthz"}
    views = ("all", "mine", "unassigned", "open", "pending", "snoozed", "overdue", "closed")
    for view in (*views, "automated"):
        endpoints[f"list view={view}"] = lambda view=view: f"/api/v1/conversations?view={view}"
    endpoints["list tag=refund&status=open"] = lambda: (
        "/api/v1/conversations?tag=refund&status=open"
    )
    endpoints["counts"] = lambda: "/api/v1/conversations/counts"
    endpoints["conversation view"] = lambda: f"/api/v1/conversations/{rng.choice(ids)}"
    endpoints["search rare (#number)"] = lambda: f"/api/v1/conversations?q={rng.choice(ids)}"
    endpoints["search common (счёт)"] = lambda: "/api/v1/conversations?q=счёт"
    # Every form of заказ (most messages) by its stem; the bench's text never holds this form.
    endpoints["search inflected (заказов)"] = lambda: "/api/v1/conversations?q=заказов"
    port = free_port()
    server = serve(url, port, args.workers)
    try:
        # Past the urgent part: the third page of open, by the cursor a client would hold.
        third = later_page(f"http://127.0.0.1:{port}", token, "/api/v1/conversations?view=open", 2)
        endpoints = {**endpoints, "list view=open, 3rd page": lambda: third}
        results = {
            name: [
                percentiles(
                    measure(f"http://127.0.0.1:{port}", token, path, args.requests, clients)
                )
                for clients in (1, args.concurrency)
            ]
            for name, path in endpoints.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
    _report(args, url, seeded, results)


def _report(args: argparse.Namespace, url: str, seeded: float, results: dict) -> None:
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    )
    print(
        f"database: {make_url(url).get_backend_name()}; {args.conversations} conversations, "
        f"{args.conversations * args.messages_per} messages, seeded in {seeded:.0f} s; "
        f"{args.requests} requests per endpoint, sequential and {args.concurrency} clients; "
        f"{args.workers} worker process(es)"
    )
    base = [row[1] for row in results["healthz (trivial)"]]
    print(
        f"{'endpoint':32} {'seq p50/p95/p99 ms':>22} {'x':>6} {'16c p50/p95/p99 ms':>22} {'x':>6}"
    )
    for name, rows in results.items():
        cells = []
        for i, (p50, p95, p99) in enumerate(rows):
            cells.append(f"{p50:6.1f}/{p95:6.1f}/{p99:6.1f} x{p95 / base[i]:5.1f}")
        print(f"{name:32} {cells[0]:>29} {cells[1]:>29}")
    print(json.dumps({"note": "x = p95 / p95 of /healthz on the same server and concurrency"}))


if __name__ == "__main__":
    main()
