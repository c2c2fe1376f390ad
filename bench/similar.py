"""Latency of "answers that worked before" at scale: GET /api/v1/conversations/{id}/similar.

Seeds the inbox of bench/api.py (C conversations with M messages each; its words come from a
vocabulary of fifteen, so every word is in most messages: the hardest case for a search by the
most distinctive words, which has none), closes one in five with the closing time set and its
replies sent, as a team's history would have them, then serves it with `tandem serve` and
times the similar answers of random conversations, sequentially, then prints p50/p95/p99 and the
machine's load. Target (issue 21): p95 under 200 ms at 100,000 conversations / 500,000
messages, on SQLite and PostgreSQL.

    .venv/bin/python bench/similar.py [--conversations 100000] [--messages-per 5]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_similar]
        [--requests 200] [--seeded]
"""

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

import httpx
from api import fresh_database, percentiles, reuse, seed, serve  # bench/api.py
from emulator import free_port  # bench/emulator.py
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.core.db import get_engine


def close_history(database_url: str) -> None:
    """The closed conversations' closing times (a day after their last message) and their
    replies sent, as the product records them."""
    engine = get_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE message SET state = 'sent' WHERE direction = 'outbound'"))
        closing = (
            "last_message_at + interval '1 day'"
            if engine.dialect.name == "postgresql"
            else "datetime(last_message_at, '+1 day')"
        )
        connection.execute(
            text(f"UPDATE conversation SET closed_at = {closing} WHERE status = 'closed'")  # noqa: S608
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages-per", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seeded", action="store_true", help="reuse --database-url as it is")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.seeded:
        url = args.database_url
        token, ids = reuse(url)
    else:
        url = fresh_database(args.database_url, Path(tempfile.mkdtemp()))
        token, ids = seed(url, args.conversations, args.messages_per)
        close_history(url)
    seeded = time.perf_counter() - started
    rng = random.Random(21)
    port = free_port()
    server = serve(url, port, 1)
    try:
        latencies = _timed(f"http://127.0.0.1:{port}", token, ids, rng, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
    p50, p95, p99 = percentiles(latencies)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
        f"; load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}"
    )
    print(
        f"database: {make_url(url).get_backend_name()}; {args.conversations} conversations, "
        f"{args.conversations * args.messages_per} messages, seeded in {seeded:.0f} s; "
        f"{args.requests} sequential requests, each for a random conversation"
    )
    print(f"{'similar answers':28} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms")


def _timed(base: str, token: str, ids: list[int], rng: random.Random, count: int) -> list[float]:
    """Sequential requests on one kept-alive connection (its first, which opens it, untimed)."""
    latencies = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        client.get(f"/api/v1/conversations/{ids[0]}/similar")
        for _ in range(count):
            path = f"/api/v1/conversations/{rng.choice(ids)}/similar"
            started = time.perf_counter()
            response = client.get(path)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, (response.status_code, response.text[:200])
    return latencies


if __name__ == "__main__":
    main()
