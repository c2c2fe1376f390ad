"""Full and incremental Gmail sync against the emulator: wall time, peak RSS, quota units.

Loads a mailbox of N messages in T threads into an emulator running in its own process,
then, in a fresh child process per run (so peak RSS is the sync's own):
- a bare client loop that only fetches the same data (threads.list pages and batched
  threads.get, no parsing, no database): the ceiling the sync is compared with;
- Tandem's full sync into a new SQLite (or --database-url) database;
- an incremental sync after K new messages (a fifth of them urgent), with R routing rules;
each Tandem sync followed by the after-sync work as the scheduler runs it (app/main.py's
AFTER_SYNC), once with the triage steps (urgency, rules, repeat requests) and once without,
each on its own new database, to print both figures and what the triage adds (issue 21
allows 10 %). History stored by the full sync is never triaged (it is not live mail), so
there the two differ only by the steps' query for live mail; the incremental sync is where
the triage works.
Quota units are read from the emulator under Google's current (2026) and older tables and
compared with the minimum the Gmail API allows for that mailbox:
  getProfile (for the starting historyId) + ceil(T / 500) threads.list pages
  + min(T x threads.get, N x messages.get),
since every message must be fetched once and threads.list returns at most 500 threads a page.

    PYTHONPATH=. .venv/bin/python bench/sync.py [--messages 10000] [--threads 3000] [--new 100]
        [--runs 3] [--rules 10]
"""

import argparse
import math
import multiprocessing
import os
import platform
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from emulator import free_port, start_emulator  # bench/emulator.py

MAILBOX = "support@bench.test"
COSTS = {
    "current": {"getProfile": 1, "threads.list": 10, "threads.get": 40, "messages.get": 20},
    "legacy": {"getProfile": 1, "threads.list": 10, "threads.get": 10, "messages.get": 5},
}


def thread_sizes(messages: int, threads: int) -> list[int]:
    base, extra = divmod(messages, threads)
    return [base + (1 if index < extra else 0) for index in range(threads)]


def mailbox_mbox(messages: int, threads: int) -> bytes:
    """T threads of alternating client and support messages, dated over the last 60 days."""
    start = datetime.now(UTC) - timedelta(days=60)
    chunks: list[bytes] = []
    for thread, size in enumerate(thread_sizes(messages, threads)):
        first_id = f"<t{thread}.0@client.test>"
        for turn in range(size):
            message = EmailMessage()
            client = f"Client {thread % 211} <client{thread % 211}@client.test>"
            message["From"] = client if turn % 2 == 0 else f"Acme Support <{MAILBOX}>"
            message["To"] = MAILBOX if turn % 2 == 0 else client
            if thread % 5 == 0:
                message["Cc"] = f"Colleague <colleague{thread % 211}@client.test>"
            message["Subject"] = ("Re: " if turn else "") + f"Order {thread} does not arrive"
            message["Date"] = format_datetime(start + timedelta(minutes=14 * thread + turn))
            message["Message-ID"] = f"<t{thread}.{turn}@client.test>"
            if turn:
                message["In-Reply-To"] = first_id
                message["References"] = first_id
            message.set_content(
                f"Hello,\n\nabout order {thread}, turn {turn}.\n" + "Details. " * 60
            )
            if (thread + turn) % 25 == 0:
                message.add_attachment(
                    b"%PDF" + b"x" * 8192,
                    maintype="application",
                    subtype="pdf",
                    filename=f"invoice-{thread}.pdf",
                )
            chunks.append(b"From client@client.test Mon Jan  5 00:00:00 2026\n")
            chunks.append(message.as_bytes().replace(b"\nFrom ", b"\n>From ") + b"\n")
    return b"".join(chunks)


def new_mail(count: int, threads: int) -> list[bytes]:
    """Replies into existing threads (and a few new threads) arriving now."""
    raws = []
    for number in range(count):
        thread = (number * 37) % threads
        message = EmailMessage()
        message["From"] = f"Client {thread % 211} <client{thread % 211}@client.test>"
        message["To"] = MAILBOX
        message["Subject"] = f"Re: Order {thread} does not arrive"
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = f"<late{number}@client.test>"
        if number % 4:
            message["In-Reply-To"] = f"<t{thread}.0@client.test>"
            message["References"] = f"<t{thread}.0@client.test>"
        urgent = "Checkout is down, we are losing orders! " if number % 5 == 0 else ""
        message.set_content(f"{urgent}Any news on order {thread}?")
        raws.append(message.as_bytes())
    return raws


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_fetch(url: str, batch_size: int) -> dict[str, float]:
    """The ceiling: list every thread and batch-fetch it, nothing else."""
    from bench_oauth import bench_credentials

    from gmail_sync.client import GmailClient

    client = GmailClient(bench_credentials(url, MAILBOX), url)
    started = time.perf_counter()
    fetched = 0
    for label in ("INBOX", "SENT"):
        token = None
        while True:
            page = client.list_threads(label=label, query="", page_token=token)
            ids = [thread["id"] for thread in page.get("threads", [])]
            for offset in range(0, len(ids), batch_size):
                fetched += len(client.get_threads(ids[offset : offset + batch_size]))
            token = page.get("nextPageToken")
            if token is None:
                break
    wall = time.perf_counter() - started
    client.close()
    return {"wall": wall, "threads": fetched, "rss": peak_rss_mb()}


def add_rules(session: Any, admin: Any, count: int) -> None:
    """As bench/push.py's: every rule reads the sender; the even ones match the text too."""
    from app.core.models import utcnow
    from inbox.rules import RuleIn, add_rule

    for number in range(count):
        word = "order" if number % 2 == 0 else f"nomatch{number}"
        body = {
            "name": f"Bench rule {number}",
            "conditions": {"senders": ["@client.test"], "words": [word, "invoice"]},
            "actions": {"tags": [f"rule-{number}"]},
        }
        add_rule(session=session, admin=admin, body=RuleIn.model_validate(body), now=utcnow())


def tandem_sync(
    url: str, database_url: str, new: int, threads: int, rules: int, triage: bool
) -> dict[str, Any]:
    """Connects the mailbox to a new Tandem database, full-syncs, then syncs `new` messages;
    after each sync, the after-sync work with or without the triage."""
    from pydantic import AnyHttpUrl, SecretStr
    from sqlmodel import Session, func, select

    from app.core.accounts import bootstrap
    from app.core.db import get_engine, session_scope
    from app.core.migrations import upgrade_to_head
    from app.core.models import Conversation, Message, User, utcnow
    from app.core.settings import load_settings
    from app.main import after_sync_steps
    from gmail_sync.connect import claim_connection, finish_connection, start_connection
    from gmail_sync.sync import sync_mailbox
    from scheduler.jobs import run_after_sync

    steps = after_sync_steps(triage=triage)

    settings = load_settings(
        database_url=database_url,
        secret_key=SecretStr("bench-secret-key-123"),
        gmail_emulator_url=AnyHttpUrl(url),
        run_scheduler=False,
    )
    upgrade_to_head(database_url)
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        created = bootstrap(session=session, workspace_name="Bench", email="admin@bench.test")
        admin = session.get(User, created["user_id"])
        assert admin is not None
        mailbox, authorize = start_connection(
            session=session,
            settings=settings,
            workspace_id=admin.workspace_id,
            user_id=admin.id or 0,
            email=MAILBOX,
            now=utcnow(),
        )
        mailbox_id = mailbox.id
        add_rules(session, admin, rules)
    query = parse_qs(urlsplit(httpx.get(authorize).headers["location"]).query)
    with session_scope(engine) as session:
        claimed = claim_connection(session=session, state=query["state"][0], now=utcnow())
        finish_connection(
            session=session, settings=settings, claimed=claimed, code=query["code"][0], now=utcnow()
        )
    httpx.delete(f"{url}/_emulator/quota").raise_for_status()
    started = time.perf_counter()
    full = sync_mailbox(engine=engine, settings=settings, mailbox_id=mailbox_id)
    run_after_sync(engine, full, steps)
    full_wall = time.perf_counter() - started
    assert full.error is None, full.error
    full_rss = peak_rss_mb()
    full_quota = {
        table: httpx.get(f"{url}/_emulator/quota", params={"table": table}).json()
        for table in COSTS
    }
    for raw in new_mail(new, threads):
        httpx.post(
            f"{url}/_emulator/mailboxes/{MAILBOX}/messages",
            content=raw,
            headers={"Content-Type": "message/rfc822"},
        ).raise_for_status()
    httpx.delete(f"{url}/_emulator/quota").raise_for_status()
    started = time.perf_counter()
    incremental = sync_mailbox(engine=engine, settings=settings, mailbox_id=mailbox_id)
    run_after_sync(engine, incremental, steps)
    incremental_wall = time.perf_counter() - started
    assert incremental.error is None and incremental.mode == "incremental"
    incremental_quota = {
        table: httpx.get(f"{url}/_emulator/quota", params={"table": table}).json()
        for table in COSTS
    }
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Message)).one()
        urgent = session.exec(
            select(func.count()).select_from(Conversation).where(Conversation.priority == "urgent")
        ).one()
    return {
        "urgent": urgent,
        "full_wall": full_wall,
        "full_rss": full_rss,
        "full_quota": full_quota,
        "incremental_wall": incremental_wall,
        "incremental_quota": incremental_quota,
        "stored": stored,
    }


def in_child(function: Any, *args: Any) -> Any:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def minimum_units(table: str, messages: int, threads: int) -> int:
    cost = COSTS[table]
    listing = math.ceil(threads / 500) * cost["threads.list"]
    fetching = min(threads * cost["threads.get"], messages * cost["messages.get"])
    return cost["getProfile"] + listing + fetching


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=3_000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rules", type=int, default=10, help="routing rules in the workspace")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file per run")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    emulator = start_emulator(port)
    results: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    bares = []
    load_before = os.getloadavg()
    try:
        httpx.post(f"{url}/_emulator/mailboxes", json={"email": MAILBOX}).raise_for_status()
        mbox = mailbox_mbox(args.messages, args.threads)
        httpx.post(f"{url}/_emulator/mailboxes/{MAILBOX}/mbox", content=mbox, timeout=600)
        with tempfile.TemporaryDirectory() as folder:
            for run in range(args.runs):
                bares.append(in_child(bare_fetch, url, args.batch_size))
                # Alternating which goes first, so a busier moment of a shared machine does
                # not always fall on the same side.
                for triage in (True, False) if run % 2 == 0 else (False, True):
                    database = args.database_url or f"sqlite:///{folder}/run{run}{triage}.db"
                    done = in_child(
                        tandem_sync, url, database, args.new, args.threads, args.rules, triage
                    )
                    results[triage].append(done)
                    last = run == args.runs - 1 and len(results[not triage]) == args.runs
                    _reset_mailbox(url, mbox, 0 if last else 1)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    load_after = os.getloadavg()
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    for triage in (True, False):
        print(f"\n== with{'' if triage else 'out'} the triage steps ==")
        _report(args, bares, results[triage])
    _compare(results, args.new)


def _compare(results: dict[bool, list[dict[str, Any]]], new: int) -> None:
    median = statistics.median
    print("\n== what the triage adds ==")
    for key, label in (("full_wall", "full sync"), ("incremental_wall", f"{new} new messages")):
        with_, without = (median(r[key] for r in results[side]) for side in (True, False))
        print(
            f"{label}: {with_:.2f} s with, {without:.2f} s without, "
            f"{with_ - without:+.2f} s ({(with_ - without) / without * 100:+.1f} %)"
        )
    urgent = [r["urgent"] for r in results[True]], [r["urgent"] for r in results[False]]
    print(f"urgent conversations after the runs: with {urgent[0]}, without {urgent[1]}")


def _reset_mailbox(url: str, mbox: bytes, runs_left: int) -> None:
    """Each run starts from the same mailbox (without the previous run's new mail)."""
    if runs_left:
        httpx.post(f"{url}/_emulator/reset").raise_for_status()
        httpx.post(f"{url}/_emulator/mailboxes", json={"email": MAILBOX}).raise_for_status()
        httpx.post(f"{url}/_emulator/mailboxes/{MAILBOX}/mbox", content=mbox, timeout=600)


def _report(
    args: argparse.Namespace, bares: list[dict[str, Any]], results: list[dict[str, Any]]
) -> None:
    median = statistics.median
    bare, full = median(b["wall"] for b in bares), median(r["full_wall"] for r in results)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    )
    print(
        f"mailbox: {args.messages} messages in {args.threads} threads, "
        f"batch size {args.batch_size}, {args.runs} runs, "
        f"database {args.database_url or 'SQLite file'}"
    )
    print(
        f"stored after sync: {[r['stored'] for r in results]} (expected {args.messages + args.new}"
        " and the acknowledgements of new conversations)"
    )
    print(f"bare fetch loop (list + batched threads.get, no parse, no db): median {bare:.2f} s")
    print(
        f"full sync: median {full:.2f} s = {full / bare:.2f}x the bare loop; "
        f"peak RSS median {median(r['full_rss'] for r in results):.0f} MB"
    )
    for table in COSTS:
        spent = median(r["full_quota"][table]["total"] for r in results)
        floor = minimum_units(table, args.messages, args.threads)
        print(
            f"full sync quota ({table} table): {spent:.0f} units, minimum {floor}, "
            f"+{(spent - floor) / floor * 100:.2f}%; "
            f"by method {results[0]['full_quota'][table]['by_method']}"
        )
    print(
        f"incremental sync of {args.new} new messages: median "
        f"{median(r['incremental_wall'] for r in results):.2f} s, "
        f"quota {results[0]['incremental_quota']['current']['by_method']}"
    )


if __name__ == "__main__":
    main()
