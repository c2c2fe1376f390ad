"""Event fan-out: from a mail delivered to Gmail to its event at each of 50 open tabs.

Runs the emulator and `tandem serve` (with `--workers N` if asked) as separate processes with
push, connects a mailbox over OAuth, signs in and opens `--clients` event streams
(`GET /events`), measures the server idle with them open, then delivers a new client mail
every `--interval` seconds for `--seconds` through the emulator's control API. Each stream
notes when each `conversation.created` reaches it; afterwards the message ids are matched to
the mails through the database. Prints p50/p95/max from delivery to event over every (mail,
tab), what never arrived, and the server's CPU (idle, and during the deliveries) and peak RSS
over all its processes. The target (docs/architecture.md): p95 under 1 s.

    .venv/bin/python bench/events.py [--clients 50] [--seconds 60] [--interval 0.1]
        [--workers 2] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_events]
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from emulator import free_port, start_emulator  # bench/emulator.py
from push import TOPIC, subscribe_push, wait_until  # bench/push.py
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

MAILBOX = "support@bench.test"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """What the streams saw: (tab, message ids, when) for each conversation.created."""

    arrivals: list[tuple[int, list[int], float]] = field(default_factory=list)
    delivered: dict[str, float] = field(default_factory=dict)
    open_streams: int = 0
    all_open: asyncio.Event = field(default_factory=asyncio.Event)
    clients: int = 0


def mail(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"Client {number} <c{number}@client.test>"
    message["To"] = MAILBOX
    message["Subject"] = f"Question {number}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<ev{number}@client.test>"
    message.set_content("Is anyone there?")
    return message.as_bytes()


def fresh_database(url: str | None, folder: Path) -> str:
    if url is None:
        return f"sqlite:///{folder / 'events.db'}"
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def process_tree(root: int) -> list[int]:
    """The server and every process under it (the `--workers` children)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def cpu_seconds(root: int) -> float:
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def rss_mb(root: int) -> float:
    total = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    return total / 1024


@contextmanager
def peak_rss(root: int) -> Iterator[list[float]]:
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            peak[0] = max(peak[0], rss_mb(root))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


async def tab(index: int, client: httpx.AsyncClient, run: Run) -> None:
    async with client.stream("GET", "/events", timeout=None) as answer:
        run.open_streams += 1
        if run.open_streams == run.clients:
            run.all_open.set()
        kind = ""
        async for line in answer.aiter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "conversation.created":
                ids = json.loads(line[6:])["message_ids"]
                run.arrivals.append((index, ids, time.perf_counter()))
            elif not line:
                kind = ""


def deliver_all(emulator_url: str, count: int, interval: float, run: Run) -> None:
    with httpx.Client(base_url=emulator_url) as emulator:
        start = time.perf_counter()
        for number in range(count):
            time.sleep(max(0.0, start + number * interval - time.perf_counter()))
            run.delivered[f"ev{number}@client.test"] = time.perf_counter()
            emulator.post(
                f"/_emulator/mailboxes/{MAILBOX}/messages",
                content=mail(number),
                headers={"Content-Type": "message/rfc822"},
            ).raise_for_status()


async def measure(
    args: argparse.Namespace, tandem: str, emulator: str, cookies: httpx.Cookies, server: int
) -> tuple[Run, dict[str, float]]:
    run, figures = Run(clients=args.clients), {}
    limits = httpx.Limits(max_connections=args.clients + 5)
    async with httpx.AsyncClient(base_url=tandem, cookies=cookies, limits=limits) as client:
        tabs = [asyncio.create_task(tab(index, client, run)) for index in range(args.clients)]
        await asyncio.wait_for(run.all_open.wait(), 60)
        before = cpu_seconds(server)
        await asyncio.sleep(args.idle)
        figures["idle_cpu"] = (cpu_seconds(server) - before) / args.idle
        count = int(args.seconds / args.interval)
        with peak_rss(server) as peak:
            before, started = cpu_seconds(server), time.perf_counter()
            await asyncio.to_thread(deliver_all, emulator, count, args.interval, run)
            await asyncio.sleep(3)
            elapsed = time.perf_counter() - started
            figures["busy_cpu"] = (cpu_seconds(server) - before) / elapsed
        figures["rss"] = peak[0]
        for task in tabs:
            task.cancel()
        await asyncio.gather(*tabs, return_exceptions=True)
    return run, figures


def latencies(database_url: str, run: Run) -> tuple[list[float], int]:
    """Delivery-to-event seconds for every (mail, tab), and how many never arrived."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rfc = dict(connection.execute(text("SELECT id, rfc_message_id FROM message")).all())
    engine.dispose()
    seen: dict[tuple[int, str], float] = {}
    for index, message_ids, arrived in run.arrivals:
        for message_id in message_ids:
            name = rfc.get(message_id)
            if name in run.delivered:
                seen.setdefault((index, name), arrived - run.delivered[name])
    tabs = {index for index, _, _ in run.arrivals} or {0}
    return sorted(seen.values()), len(run.delivered) * len(tabs) - len(seen)


def start_tandem(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    tandem_bin = str(Path(sys.executable).parent / "tandem")
    command = [tandem_bin, "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(  # noqa: S603 (our own command)
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), seconds=60)
    return server


def connect_mailbox(tandem: str, headers: dict[str, str]) -> None:
    created = httpx.post(
        f"{tandem}/api/v1/mailboxes", json={"email": MAILBOX}, headers=headers
    ).json()
    consent = httpx.get(created["authorize_url"], follow_redirects=False)
    parts = urlsplit(consent.headers["location"])
    httpx.get(f"{tandem}{parts.path}?{parts.query}").raise_for_status()
    mailbox = f"{tandem}/api/v1/mailboxes/{created['id']}"
    wait_until(lambda: httpx.get(mailbox, headers=headers).json()["status"] == "connected")


def sign_in(tandem: str, email: str, password: str) -> httpx.Cookies:
    with httpx.Client(base_url=tandem) as browser:
        page = browser.get("/login").text
        csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {"email": email, "password": password, "csrf_token": csrf}
        if browser.post("/login", data=form).status_code != 303:
            raise RuntimeError("could not sign in")
        return browser.cookies


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--idle", type=float, default=10, help="seconds measured with no mail")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; SQLite by default")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    database_url = fresh_database(args.database_url, folder)
    emulator_port = free_port()
    emulator_url, tandem_url = (
        f"http://127.0.0.1:{emulator_port}",
        f"http://127.0.0.1:{free_port()}",
    )
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_SECRET_KEY": "bench-secret-key-for-events",
        "TANDEM_GMAIL_EMULATOR_URL": emulator_url,
        "TANDEM_PUBLIC_URL": tandem_url,
        "TANDEM_PUSH_TOPIC": TOPIC,
        "TANDEM_POLL_INTERVAL_SECONDS": "3600",
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    processes = [start_emulator(emulator_port)]
    try:
        run, figures = _run(args, env, emulator_url, tandem_url, processes)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
    report(args, database_url, run, figures)


def _run(
    args: argparse.Namespace,
    env: dict[str, str],
    emulator_url: str,
    tandem_url: str,
    processes: list[subprocess.Popen[bytes]],
) -> tuple[Run, dict[str, float]]:
    httpx.post(f"{emulator_url}/_emulator/mailboxes", json={"email": MAILBOX}).raise_for_status()
    tandem_bin = str(Path(sys.executable).parent / "tandem")
    boot = subprocess.run(  # noqa: S603 (our own command)
        [tandem_bin, "admin", "bootstrap", "--workspace", "Bench", "--email", "a@bench.test"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    admin = json.loads(boot.stdout)
    subscribe_push(env, emulator_url)
    server = start_tandem(env, int(urlsplit(tandem_url).port or 0), args.workers)
    processes.append(server)
    connect_mailbox(tandem_url, {"Authorization": f"Bearer {admin['api_token']}"})
    cookies = sign_in(tandem_url, "a@bench.test", admin["password"])
    return asyncio.run(measure(args, tandem_url, emulator_url, cookies, server.pid))


def report(
    args: argparse.Namespace, database_url: str, run: Run, figures: dict[str, float]
) -> None:
    times, missed = latencies(database_url, run)
    p95 = times[max(0, int(len(times) * 0.95) - 1)] if times else float("nan")
    backend = make_url(database_url).get_backend_name()
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    )
    print(
        f"{backend}, tandem serve --workers {args.workers}, {args.clients} tabs, "
        f"{len(run.delivered)} mails, one every {args.interval * 1000:.0f} ms"
    )
    if times:
        print(
            f"delivered -> event at each tab, {len(times)} arrivals: p50 "
            f"{statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms; missed {missed}"
        )
    print(
        f"server CPU: idle with {args.clients} tabs open {figures['idle_cpu'] * 100:.1f} %, "
        f"during the deliveries {figures['busy_cpu'] * 100:.0f} % of one CPU; "
        f"peak RSS {figures['rss']:.0f} MB (all processes)"
    )


if __name__ == "__main__":
    main()
