"""Push latency: from Gmail receiving a message to the message being in Tandem's database.

Runs the emulator and Tandem's server (as `tandem serve` runs it) as separate processes (the
real scheduler, the real push endpoint), connects a mailbox over OAuth, then delivers N
messages one at a time and polls the database for each; prints p50/p95/max. The target
(docs/architecture.md): p95 under 1 s.

Two moments are timed: the message stored (the sync's commit), and the after-sync work done
(urgency, routing rules, assignment, the SLA clock, then the acknowledgement, which is queued
last). It runs twice, each time on a new database: with the after-sync steps of app/main.py,
and without its triage (urgency, routing rules, repeat requests), and prints both and what the
triage adds at p95 (issue 21 allows 20 ms). `--rules N` first creates N routing rules (half of
them match every message and tag it).

    PYTHONPATH=. .venv/bin/python bench/push.py [--messages 50] [--rules 10]
"""

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from emulator import free_port, start_emulator  # bench/emulator.py

MAILBOX = "support@bench.test"
TOPIC = "projects/bench/topics/gmail"
#: `tandem serve` (migrate, then serve one process with the scheduler), with the after-sync
#: steps of app/main.py with or without the triage (argv: port, "triage" or "none").
SERVE = """
import sys
import uvicorn
from app.core.migrations import upgrade_to_head
from app.core.settings import get_settings
from app.http.observability import configure_logging
from app.main import after_sync_steps, create_app
settings = get_settings()
configure_logging(settings.log_level)
upgrade_to_head(settings.database_url)
steps = after_sync_steps(triage=sys.argv[2] == "triage")
uvicorn.run(create_app(settings, steps), host="127.0.0.1", port=int(sys.argv[1]), log_config=None)
"""


def subscribe_push(env: dict[str, str], emulator_url: str) -> None:
    """Points the emulator's Pub/Sub double at Tandem's push address, as Tandem's settings in
    `env` make it (asked of Tandem itself, so the benchmark never rebuilds the address)."""
    push_url = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app.core.settings import get_settings; "
            "from gmail_sync.push import push_url; print(push_url(get_settings()))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    httpx.post(
        f"{emulator_url}/_emulator/push_subscriptions", json={"topic": TOPIC, "url": push_url}
    ).raise_for_status()


def wait_until(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.005)


def stored(database: Path, gmail_id: str) -> bool:
    with closing(sqlite3.connect(database)) as connection:
        row = connection.execute("SELECT 1 FROM message WHERE gmail_id = ?", (gmail_id,))
        return row.fetchone() is not None


def processed(database: Path, gmail_id: str) -> bool:
    """The after-sync work ran: its last step queued the acknowledgement."""
    with closing(sqlite3.connect(database)) as connection:
        row = connection.execute(
            "SELECT 1 FROM message AS m JOIN message AS a ON a.conversation_id = m.conversation_id"
            " WHERE m.gmail_id = ? AND a.kind = 'auto_ack'",
            (gmail_id,),
        )
        return row.fetchone() is not None


def add_rules(tandem_url: str, headers: dict[str, str], count: int) -> None:
    """Every rule reads the sender; the even ones match the text too and tag the mail."""
    for number in range(count):
        word = "site" if number % 2 == 0 else f"nomatch{number}"
        body = {
            "name": f"Bench rule {number}",
            "conditions": {"senders": ["@client.test"], "words": [word, "invoice"]},
            "actions": {"tags": [f"rule-{number}"]},
        }
        httpx.post(f"{tandem_url}/api/v1/rules", json=body, headers=headers).raise_for_status()


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def percentiles(label: str, latencies: list[float]) -> str:
    return (
        f"{label}: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )


def mail(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"Client {number} <c{number}@client.test>"
    message["To"] = MAILBOX
    message["Subject"] = f"Urgent {number}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<push{number}@client.test>"
    message.set_content("The site is down.")
    return message.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--rules", type=int, default=10, help="routing rules to create first")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    )
    print(f"{args.messages} messages one at a time, SQLite, {args.rules} routing rules")
    done: dict[bool, list[float]] = {}
    for triage in (True, False):
        stored_at, done[triage], load = measure(args.messages, args.rules, triage)
        print(f"\n== with{'' if triage else 'out'} the triage steps ==")
        print(f"load average {load[0]:.2f} before, {load[1]:.2f} after")
        print(percentiles("delivered -> stored", stored_at))
        print(percentiles("delivered -> after-sync work done", done[triage]))
    with_, without = (p95(done[side]) for side in (True, False))
    print("\n== what the triage adds ==")
    print(
        f"after-sync work done, p95: {with_ * 1000:.0f} ms with, {without * 1000:.0f} ms without,"
        f" {(with_ - without) * 1000:+.0f} ms"
    )


def measure(
    messages: int, rules: int, triage: bool
) -> tuple[list[float], list[float], tuple[float, float]]:
    """One server on a new database, with or without the triage after sync: each message's
    time to stored and to the after-sync work done, and the load average around it."""
    emulator_port, tandem_port = free_port(), free_port()
    emulator_url, tandem_url = (
        f"http://127.0.0.1:{emulator_port}",
        f"http://127.0.0.1:{tandem_port}",
    )
    folder = Path(tempfile.mkdtemp())
    database = folder / "push.db"
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": f"sqlite:///{database}",
        "TANDEM_SECRET_KEY": "bench-secret-key-for-push",
        "TANDEM_GMAIL_EMULATOR_URL": emulator_url,
        "TANDEM_PUBLIC_URL": tandem_url,
        "TANDEM_PUSH_TOPIC": TOPIC,
        "TANDEM_POLL_INTERVAL_SECONDS": "3600",
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    tandem_bin = str(Path(sys.executable).parent / "tandem")
    emulator = start_emulator(emulator_port)
    server = None
    try:
        httpx.post(
            f"{emulator_url}/_emulator/mailboxes", json={"email": MAILBOX}
        ).raise_for_status()
        boot = subprocess.run(  # noqa: S603 (our own command)
            [tandem_bin, "admin", "bootstrap", "--workspace", "Bench", "--email", "a@bench.test"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        headers = {"Authorization": f"Bearer {json.loads(boot.stdout)['api_token']}"}
        subscribe_push(env, emulator_url)
        server = subprocess.Popen(  # noqa: S603 (our own code)
            [sys.executable, "-c", SERVE, str(tandem_port), "triage" if triage else "none"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "serve.log").open("wb"),
        )
        wait_until(lambda: _answers(f"{tandem_url}/healthz"))
        created = httpx.post(
            f"{tandem_url}/api/v1/mailboxes", json={"email": MAILBOX}, headers=headers
        ).json()
        consent = httpx.get(created["authorize_url"], follow_redirects=False)
        parts = urlsplit(consent.headers["location"])
        httpx.get(f"{tandem_url}{parts.path}?{parts.query}").raise_for_status()
        mailbox_url = f"{tandem_url}/api/v1/mailboxes/{created['id']}"
        wait_until(lambda: httpx.get(mailbox_url, headers=headers).json()["status"] == "connected")
        add_rules(tandem_url, headers, rules)
        load_before = os.getloadavg()
        latencies, routed = [], []
        for number in range(messages):
            started = time.perf_counter()
            delivered = httpx.post(
                f"{emulator_url}/_emulator/mailboxes/{MAILBOX}/messages",
                content=mail(number),
                headers={"Content-Type": "message/rfc822"},
            ).json()
            wait_until(lambda gmail_id=delivered["id"]: stored(database, gmail_id))
            latencies.append(time.perf_counter() - started)
            wait_until(lambda gmail_id=delivered["id"]: processed(database, gmail_id))
            routed.append(time.perf_counter() - started)
            time.sleep(0.05)
        load_after = os.getloadavg()
    except RuntimeError:
        print(f"timed out; the server's log: {folder / 'serve.log'}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        emulator.terminate()
        emulator.wait(timeout=10)
    return latencies, routed, (load_before[0], load_after[0])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


if __name__ == "__main__":
    main()
