"""The routing rules' own cost on a client's new mail: the after-sync step (`apply_rules`) timed
in-process for one live message, with N rules against none, on a database with earlier
conversations, so the figure is the rules' alone and not the machine's noise around a push
(`bench/push.py --rules N` measures the whole path). Issue 21 allows rules at most 20 ms of
push-to-inbox at p95.

Half the rules match every message (its sender and a word of its text) and tag it, so the run
pays for savepoints, audit events and live events; each message's work is rolled back, so
every run sees the same database.

    .venv/bin/python bench/rules.py [--rules 10] [--runs 300]
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from app.core.accounts import create_user, create_workspace
from app.core.db import get_engine, session_scope
from app.core.migrations import upgrade_to_head
from app.core.models import Contact, Conversation, Mailbox, Message, Role, Rule, id_of, utcnow
from gmail_sync.ingest import Ingested
from gmail_sync.sync import SyncReport
from inbox.inbound_rules import apply_rules

TEXT = "Hello, the site is down since the morning and the invoice did not come. Please help."


def seed(database_url: str, rules: int) -> SyncReport:
    """A workspace with 500 earlier conversations, `rules` rules and one new live message."""
    with session_scope(get_engine(database_url)) as session:
        workspace = create_workspace(session=session, name="Bench")
        create_user(session=session, workspace=workspace, email="a@bench.test", role=Role.AGENT)
        ws = id_of(workspace)
        mailbox = Mailbox(workspace_id=ws, email="support@bench.test")
        contact = Contact(workspace_id=ws, email="olga@client.test")
        session.add_all([mailbox, contact])
        session.flush()
        for number in range(500):
            message = _mail(session, ws, id_of(mailbox), id_of(contact), number)
        for number in range(rules):
            word = "site" if number % 2 == 0 else f"nomatch{number}"
            session.add(
                Rule(
                    workspace_id=ws,
                    name=f"Rule {number}",
                    position=number + 1,
                    conditions={"senders": ["@client.test"], "words": [word, "invoice"]},
                    actions={"tags": [f"rule-{number}"]},
                )
            )
        session.flush()
        item = Ingested(id_of(message), message.conversation_id, created=True, live=True)
        return SyncReport(id_of(mailbox), mode="incremental", ingested=[item])


def _mail(session: Session, ws: int, mailbox_id: int, contact_id: int, number: int) -> Message:
    now = utcnow()
    conversation = Conversation(
        workspace_id=ws,
        mailbox_id=mailbox_id,
        contact_id=contact_id,
        gmail_thread_id=f"t{number}",
        subject=f"Question {number}",
        first_message_at=now,
        last_message_at=now,
    )
    session.add(conversation)
    session.flush()
    message = Message(
        workspace_id=ws,
        conversation_id=id_of(conversation),
        mailbox_id=mailbox_id,
        gmail_id=f"g{number}",
        from_address="olga@client.test",
        subject=f"Question {number}",
        visible_text=TEXT,
        text_body=TEXT,
        date=now,
    )
    session.add(message)
    session.flush()
    return message


def timed(database_url: str, report: SyncReport, runs: int) -> list[float]:
    engine = get_engine(database_url)
    times = []
    for _ in range(runs):
        with Session(engine) as session:
            started = time.perf_counter()
            apply_rules(session, report)
            session.flush()
            times.append(time.perf_counter() - started)
            session.rollback()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=10)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; load {load[0]:.2f}")
    for rules in (0, args.rules):
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'rules.db'}"
        upgrade_to_head(url)
        times = sorted(timed(url, seed(url, rules), args.runs))
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"apply_rules, one live message, {rules} rules, SQLite: "
            f"p50 {statistics.median(times) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
