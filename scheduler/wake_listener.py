"""A worker's ear for sync requests made in other processes (`app.core.wakes`): it runs the
sync job at once when one arrives, instead of at the job's next tick.

On PostgreSQL it holds a connection of its own that LISTENs on the channel, and after every
(re)connection it wakes once, for whatever was requested while it was not listening. On SQLite
it asks the database every `WATCH_SECONDS` whether a requested sync waits. A dropped connection
is retried with a pause; the listener never stops the worker, whose tick still finds the work.
"""

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import utcnow
from app.core.wakes import CHANNEL
from gmail_sync.mailboxes import sync_requested

logger = logging.getLogger(__name__)

#: How often a worker on SQLite looks for a requested sync.
WATCH_SECONDS = 0.2
#: How long a wait for a notification lasts before the stop flag is looked at again.
LISTEN_SECONDS = 0.5
RECONNECT_SECONDS = 5.0


class WakeListener:
    def __init__(self, engine: Engine, wake: Callable[[], None]) -> None:
        self._engine, self._wake = engine, wake
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wake-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=RECONNECT_SECONDS + LISTEN_SECONDS)

    def _run(self) -> None:
        postgres = self._engine.dialect.name == "postgresql"
        while not self._stop.is_set():
            try:
                self._listen() if postgres else self._watch()
            except Exception:  # a thread boundary: the tick still syncs; try again later
                logger.warning("sync wake listener failed; retrying", exc_info=True)
                self._stop.wait(RECONNECT_SECONDS)

    def _listen(self) -> None:
        conninfo = self._engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._wake()
            while not self._stop.is_set():
                if any(True for _ in connection.notifies(timeout=LISTEN_SECONDS, stop_after=1)):
                    self._wake()

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_SECONDS):
            with session_scope(self._engine) as session:
                requested = sync_requested(session=session, now=utcnow())
            if requested:
                self._wake()
