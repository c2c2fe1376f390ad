"""Waking the background workers when a mailbox asks for a sync (a push, the API, a connect).

A request is a row (`Mailbox.sync_requested_at`), so a worker's next tick finds it anyway; the
wake only makes it prompt when the request arrived in another process (`tandem serve
--no-worker` in front of `tandem worker`). On PostgreSQL the transaction that writes the request
also sends `NOTIFY tandem_sync`, which reaches every listening worker when (and only if) it
commits. SQLite has no such channel: its workers look for requested syncs a few times a second
instead (`scheduler.wake_listener`).
"""

from sqlalchemy import text
from sqlmodel import Session

CHANNEL = "tandem_sync"


def announce_sync_request(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))
