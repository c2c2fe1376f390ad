"""What lets several `tandem worker` processes share one database, short of running them:
a sync requested in another process wakes a worker as soon as it commits (PostgreSQL's
NOTIFY; on SQLite the worker looks a few times a second), and workers renewing watches at the
same moment renew each mailbox once; a requested sync (a push) is taken before the polls
that are due."""

import threading
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import Mailbox, utcnow
from app.core.settings import Settings
from gmail_sync.mailboxes import due_mailbox_ids, mailboxes_needing_watch, request_sync
from scheduler.jobs import renew_watches
from scheduler.wake_listener import WakeListener
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api

TOPIC = "projects/tandem-test/topics/gmail"


def _connected(
    tandem: TestClient, admin: Member, control: httpx.Client, engine: Engine, count: int
) -> list[int]:
    """Connected mailboxes with no sync requested and no watch yet."""
    ids = []
    for number in range(count):
        email = f"support{number}@acme.test"
        control.post("/_emulator/mailboxes", json={"email": email}).raise_for_status()
        ids.append(connect_via_api(tandem, admin.headers, email))
    with session_scope(engine) as session:
        session.execute(update(Mailbox).values(sync_requested_at=None, watch_expires_at=None))
    return ids


def test_a_sync_requested_elsewhere_wakes_the_worker_once_it_commits(
    tandem: TestClient, admin: Member, control: httpx.Client, engine: Engine
) -> None:
    [mailbox_id] = _connected(tandem, admin, control, engine, 1)
    woken = threading.Event()
    listener = WakeListener(engine, woken.set)
    listener.start()
    try:
        time.sleep(1.0)  # listening (PostgreSQL wakes once on connecting)
        woken.clear()
        with Session(engine) as session:
            mailbox = session.get(Mailbox, mailbox_id)
            assert mailbox is not None
            request_sync(session=session, mailbox=mailbox, now=utcnow())
            assert not woken.wait(1.0), "woken before the request committed"
            session.commit()
        assert woken.wait(5.0), "not woken after the request committed"
    finally:
        listener.stop()


def test_workers_renewing_watches_together_renew_each_mailbox_once(
    tandem: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
    sync_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _connected(tandem, admin, control, engine, 4)
    control.delete("/_emulator/quota")
    both_read = threading.Barrier(2, timeout=10)
    read = mailboxes_needing_watch

    def read_then_wait(**kwargs: Any) -> list[Mailbox]:
        """Both workers have the same four mailboxes due before either renews one."""
        found = read(**kwargs)
        both_read.wait()
        return found

    monkeypatch.setattr("scheduler.jobs.mailboxes_needing_watch", read_then_wait)
    settings = sync_settings.model_copy(update={"push_topic": TOPIC})
    renewed: list[int] = []

    def worker() -> None:
        renewed.append(renew_watches(engine, settings))

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=30)

    assert sorted(renewed) != [4, 4] and sum(renewed) == 4
    assert control.get("/_emulator/quota").json()["calls"]["watch"] == 4
    with Session(engine) as session:
        expiries = session.exec(select(Mailbox.watch_expires_at)).all()
    assert len(expiries) == 4 and None not in expiries


def test_a_requested_sync_goes_before_the_polls_that_are_due(
    tandem: TestClient, admin: Member, control: httpx.Client, engine: Engine
) -> None:
    polled = _connected(tandem, admin, control, engine, 5)
    now = utcnow()
    with session_scope(engine) as session:
        session.execute(update(Mailbox).values(next_sync_at=now - timedelta(minutes=5)))
        pushed = session.get(Mailbox, polled[3])
        assert pushed is not None
        request_sync(session=session, mailbox=pushed, now=now)

    with Session(engine) as session:
        order = due_mailbox_ids(session=session, now=now)
        assert order[0] == polled[3] and sorted(order) == sorted(polled)
        assert due_mailbox_ids(session=session, now=now, limit=1) == [polled[3]]
        assert polled[3] not in due_mailbox_ids(session=session, now=now, passing=[polled[3]])
