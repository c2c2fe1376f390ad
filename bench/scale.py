"""Scale-out on PostgreSQL: many emulator mailboxes, one `tandem serve --no-worker` and 1, 2 or 4
`tandem worker` processes, as docs/deploy.md runs them.

For each worker count, on a new database: connects the mailboxes over OAuth and waits for their
first sync, then
1. throughput: delivers `--per-mailbox` new mails to every mailbox at once (each pushed to the
   web process, which wakes the workers) and times the first delivery to the last message
   stored: messages per second. The emulator counts the quota: units per message for reading
   (history, fetch) apart from the automatic acknowledgement each new conversation is sent
   (messages.send is 100 units by itself);
2. push latency: once the burst's replies are out, `--singles` messages, one at a time to a
   random mailbox, each timed from delivery to its conversation in the database: p50, p95,
   max.
Then, with one worker, the idle cost: quota units spent in `--idle` seconds of no mail by 1/4,
1/2 and all of the mailboxes (polled every 30 s): it should grow linearly with the mailboxes.

The emulator is one process: on a small machine it, not Tandem, may set the ceiling; the
machine's CPUs and load are printed with the figures.

    PYTHONPATH=. .venv/bin/python bench/scale.py [--mailboxes 200] [--workers 1 2 4]
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
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from emulator import free_port, start_emulator  # bench/emulator.py

SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "bench_scale"
TOPIC = "projects/bench/topics/gmail"
TANDEM = str(Path(sys.executable).parent / "tandem")
#: When a message's conversation was stored (each bench message starts its own).
STORED_AT = (
    "SELECT extract(epoch FROM c.created_at) FROM message m"
    " JOIN conversation c ON c.id = m.conversation_id WHERE m.gmail_id = %s"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--per-mailbox", type=int, default=2)
    parser.add_argument("--singles", type=int, default=40)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds; 0 skips the idle cost")
    parser.add_argument("--server", default=SERVER, help="a PostgreSQL server (libpq URL)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL")
    print(f"{args.mailboxes} mailboxes, {args.per_mailbox} new mails each, {args.singles} singles")
    for workers in args.workers:
        with Deployment(args.server, workers) as deployment:
            deployment.connect(args.mailboxes)
            if args.per_mailbox:
                throughput(deployment, args.per_mailbox)
            push_latency(deployment, args.singles)
    if args.idle:
        with Deployment(args.server, 1) as deployment:
            idle_cost(deployment, args.mailboxes, args.idle)


class Deployment:
    """A new database, the emulator, one web process and `workers` worker processes."""

    def __init__(self, server: str, workers: int) -> None:
        self.server, self.workers = server, workers
        self.folder = Path(tempfile.mkdtemp(prefix="tandem-scale-"))
        self.emulator = f"http://127.0.0.1:{free_port()}"
        self.web = f"http://127.0.0.1:{free_port()}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.mailboxes: list[str] = []
        self.env = {
            **os.environ,
            "TANDEM_DATABASE_URL": f"{server.replace('postgresql:', 'postgresql+psycopg:')}/"
            f"{DATABASE}",
            "TANDEM_SECRET_KEY": "bench-secret-key-for-scale-out",
            "TANDEM_GMAIL_EMULATOR_URL": self.emulator,
            "TANDEM_PUBLIC_URL": self.web,
            "TANDEM_PUSH_TOPIC": TOPIC,
            "TANDEM_POLL_INTERVAL_SECONDS": "30",
            "TANDEM_LOG_LEVEL": "WARNING",
            "OAUTHLIB_INSECURE_TRANSPORT": "1",
        }

    def __enter__(self) -> "Deployment":
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        self.processes.append(start_emulator(int(urlsplit(self.emulator).port or 0)))
        boot = subprocess.run(  # noqa: S603 (our own command)
            [TANDEM, "admin", "bootstrap", "--workspace", "Bench", "--email", "a@bench.test"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        self.headers = {"Authorization": f"Bearer {json.loads(boot.stdout)['api_token']}"}
        push = subprocess.run(
            [
                sys.executable,
                "-c",
                "from app.core.settings import get_settings; "
                "from gmail_sync.push import push_url; print(push_url(get_settings()))",
            ],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        httpx.post(
            f"{self.emulator}/_emulator/push_subscriptions", json={"topic": TOPIC, "url": push}
        ).raise_for_status()
        self._start("web", "serve", "--no-worker", "--port", str(urlsplit(self.web).port))
        wait_until(lambda: answers(f"{self.web}/healthz"), 60)
        for number in range(self.workers):
            self._start(f"worker{number}", "worker")
        return self

    def __exit__(self, *_: object) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)

    def _start(self, name: str, *args: str) -> None:
        with (self.folder / f"{name}.log").open("wb") as log:
            self.processes.append(
                subprocess.Popen([TANDEM, *args], env=self.env, stdout=log, stderr=log)  # noqa: S603
            )

    def connect(self, count: int) -> None:
        """Connects mailboxes up to `count` and waits until each has synced once."""
        for number in range(len(self.mailboxes), count):
            email = f"support{number}@bench{number}.test"
            httpx.post(f"{self.emulator}/_emulator/mailboxes", json={"email": email})
            created = httpx.post(
                f"{self.web}/api/v1/mailboxes", json={"email": email}, headers=self.headers
            ).json()
            consent = httpx.get(created["authorize_url"], follow_redirects=False)
            landed = urlsplit(consent.headers["location"])
            httpx.get(f"{self.web}{landed.path}?{landed.query}").raise_for_status()
            self.mailboxes.append(email)
        wait_until(
            lambda: self.scalar("SELECT count(*) FROM mailbox WHERE last_synced_at IS NULL") == 0,
            600,
        )

    def scalar(self, query: str, *params: Any) -> Any:
        with psycopg.connect(f"{self.server}/{DATABASE}") as connection:
            row = connection.execute(query, params).fetchone()
            return row[0] if row else None

    def scalars(self, query: str, *params: Any) -> list[float]:
        with psycopg.connect(f"{self.server}/{DATABASE}") as connection:
            return [float(row[0]) for row in connection.execute(query, params)]

    def deliver(self, mailbox: str, number: int) -> tuple[str, float]:
        message = EmailMessage()
        message["From"] = f"Client {number} <client{number}@example.test>"
        message["To"] = mailbox
        message["Subject"] = f"Order {number} has not arrived"
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = f"<scale{number}-{time.time_ns()}@example.test>"
        message.set_content(f"Hello, my order {number} has not arrived yet. Where is it?")
        answer = httpx.post(
            f"{self.emulator}/_emulator/mailboxes/{mailbox}/messages",
            content=message.as_bytes(),
            headers={"Content-Type": "message/rfc822"},
            timeout=30,
        )
        answer.raise_for_status()
        return str(answer.json()["id"]), time.time()

    def quota(self) -> dict[str, int]:
        report = httpx.get(f"{self.emulator}/_emulator/quota").json()
        return {str(method): int(units) for method, units in report["by_method"].items()}

    def stored(self) -> int:
        return int(self.scalar("SELECT count(*) FROM message WHERE state = 'received'"))


def throughput(deployment: Deployment, per_mailbox: int) -> None:
    before_quota, before_stored = deployment.quota(), deployment.stored()
    jobs = [(mailbox, n) for n in range(per_mailbox) for mailbox in deployment.mailboxes]
    total = len(jobs)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda job: deployment.deliver(*job), jobs))
    delivered = time.monotonic() - started
    wait_until(lambda: deployment.stored() - before_stored >= total, 900)
    elapsed = time.monotonic() - started
    time.sleep(5)  # the acknowledgements go out
    spent = {m: u - before_quota.get(m, 0) for m, u in deployment.quota().items()}
    sends = spent.get("messages.send", 0)
    reads = sum(spent.values()) - sends
    print(f"\n== {deployment.workers} worker(s), load {os.getloadavg()[0]:.1f} ==")
    print(
        f"throughput: {total} messages in {elapsed:.1f} s = {total / elapsed:.1f} msg/s "
        f"(delivery alone {delivered:.1f} s)"
    )
    print(
        f"quota: {reads / total:.1f} units per message read, {sends / total:.1f} per message "
        f"for acknowledgements sent ({sends // 100} sends)"
    )


def push_latency(deployment: Deployment, singles: int) -> None:
    """Timed once the burst's acknowledgements are out, so the workers are idle again."""
    waiting = "SELECT count(*) FROM message WHERE state IN ('queued', 'sending')"
    wait_until(lambda: deployment.scalar(waiting) == 0, 900)
    latencies = []
    for number in range(singles):
        gmail_id, at = deployment.deliver(random.choice(deployment.mailboxes), 10_000 + number)
        stored_at: list[float] = []

        def stored(gmail_id: str = gmail_id, into: list[float] = stored_at) -> bool:
            into.extend(deployment.scalars(STORED_AT, gmail_id))
            return bool(into)

        wait_until(stored, 60, poll=0.01)
        latencies.append(stored_at[0] - at)
        time.sleep(0.1)
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(
        f"push to inbox: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )


def idle_cost(deployment: Deployment, mailboxes: int, seconds: float) -> None:
    print(f"\n== idle cost, 1 worker, polled every 30 s, {seconds:.0f} s each ==")
    for count in (mailboxes // 4, mailboxes // 2, mailboxes):
        deployment.connect(count)
        time.sleep(35)  # the first syncs' and watches' cost is not idle cost
        before = sum(deployment.quota().values())
        time.sleep(seconds)
        spent = sum(deployment.quota().values()) - before
        per_minute = spent / count / (seconds / 60)
        print(f"{count} mailboxes: {spent} units, {per_minute:.2f} units per mailbox per minute")


def wait_until(condition: Any, timeout: float, poll: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(poll)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


if __name__ == "__main__":
    main()
