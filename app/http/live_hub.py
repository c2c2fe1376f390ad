"""Each process's one watcher of the live event log (`app.core.live`), which wakes the event
streams of the tabs this process serves (`app.web.events`).

One background thread per process does the database work for every tab: on PostgreSQL it
LISTENs on the channel the emitting transactions NOTIFY (and checks the newest id every few
seconds, for a notification lost while it reconnected); on SQLite it reads `max(id)` every
200 ms. When something is new it reads the new rows once into a bounded window in memory and
sets each waiting stream's asyncio event on that stream's loop. Streams never touch the
database while they wait, so an idle tab costs nothing but its share of that one cheap query;
a tab that comes back reads what it missed in a worker thread (`catch_up`). Events written by
any process (another `--workers` process, a separate worker) arrive the same way.

It never writes, and it never blocks the event loop: its lock guards only list operations.
"""

import asyncio
import logging
import signal
import threading
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import FrameType
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine

from app.core.live import CHANNEL, Audience, LiveRow, events_after, newest_id, oldest_id

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2
#: PostgreSQL: how often the listener checks the newest id without a notification.
CHECK_SECONDS = 5.0
#: Events kept in memory for the streams; a stream further behind reads the database.
WINDOW = 4096
BATCH = 500
#: A tab that missed more than this reloads rather than replaying it all.
CATCH_UP_LIMIT = 1000


@dataclass(eq=False)
class Waiter:
    """One stream's wake-up call, set from the watcher thread on the stream's own loop."""

    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> bool:
        """False when the stream's loop is gone."""
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:
            return False
        return True


class LiveHub:
    def __init__(self, engine: Engine, *, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine = engine
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._starting = threading.Lock()
        self._rows: list[LiveRow] = []
        self._start = 0  # every event after _start, up to _position, is in _rows
        self._position = 0
        self._waiters: set[Waiter] = set()
        self._stop = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None

    @property
    def position(self) -> int:
        """The newest event id this process has read."""
        with self._lock:
            return self._position

    def start(self) -> None:
        """Starts the watcher once, from the newest event on; blocks on the database (call it
        from a worker thread)."""
        with self._starting:
            if self._thread is not None:
                return
            with self.engine.connect() as connection:
                newest = newest_id(connection)
            with self._lock:
                self._start = self._position = newest
            self._thread = threading.Thread(target=self._run, name="live-events", daemon=True)
            self._thread.start()

    @property
    def closing(self) -> bool:
        """The server is stopping: streams end (and their tabs reconnect elsewhere or later)."""
        return self._closing

    def close_streams(self) -> None:
        """Ends every stream of this process at its next wake-up, which is now."""
        self._closing = True
        with self._lock:
            waiters = list(self._waiters)
        for waiter in waiters:
            waiter.wake()

    def stop(self) -> None:
        self.close_streams()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def waiter(self) -> Waiter:
        """A wake-up call for the stream running on the current loop; `release` it after."""
        waiter = Waiter(asyncio.get_running_loop())
        with self._lock:
            self._waiters.add(waiter)
        return waiter

    def release(self, waiter: Waiter) -> None:
        with self._lock:
            self._waiters.discard(waiter)

    def read(self, after: int, audience: Audience) -> tuple[list[LiveRow], int] | None:
        """The audience's events after id `after` from memory, and the id read up to; None when
        `after` is older than the window (then `catch_up` reads the database)."""
        with self._lock:
            if after < self._start:
                return None
            first = bisect_right(self._rows, after, key=lambda row: row.id)
            rows = [row for row in self._rows[first:] if row.visible_to(audience)]
            return rows, max(after, self._position)

    def catch_up(self, after: int, audience: Audience) -> tuple[list[LiveRow], int] | None:
        """What a returning tab missed up to the window, read from the database (blocking);
        None when it must reload: the events after `after` were pruned, there are too many, or
        the tab knows ids this database never had."""
        with self._lock:
            upto = self._start
        with self.engine.connect() as connection:
            oldest, newest = oldest_id(connection), newest_id(connection)
            if after > newest or after + 1 < oldest:
                return None
            rows = events_after(
                connection, after, upto=upto, audience=audience, limit=CATCH_UP_LIMIT + 1
            )
        if len(rows) > CATCH_UP_LIMIT:
            return None
        return rows, max(after, upto)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.engine.dialect.name == "postgresql":
                    self._listen()
                else:
                    self._poll()
            except Exception:  # a thread boundary: the database went away; try again soon
                logger.exception("live event watcher failed; retrying")
                self._stop.wait(1.0)

    def _poll(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            with self.engine.connect() as connection:
                if newest_id(connection) > self.position:
                    self._read_new(connection)

    def _listen(self) -> None:
        args, params = self.engine.dialect.create_connect_args(self.engine.url)
        with psycopg.connect(*args, **params, autocommit=True) as listener:
            listener.execute(f"LISTEN {CHANNEL}")
            while not self._stop.is_set():
                with self.engine.connect() as connection:
                    self._read_new(connection)
                self._await_notification(listener)

    def _await_notification(self, listener: psycopg.Connection[Any]) -> None:
        """Returns on a notification (draining the others it came with), after
        `CHECK_SECONDS` without one, or on stop."""
        deadline = time.monotonic() + CHECK_SECONDS
        while not self._stop.is_set() and time.monotonic() < deadline:
            if list(listener.notifies(timeout=1.0, stop_after=1)):
                list(listener.notifies(timeout=0.0))
                return

    def _read_new(self, connection: Connection) -> None:
        while True:
            rows = events_after(connection, self.position, limit=BATCH)
            if rows:
                self._add(rows)
            if len(rows) < BATCH:
                return

    def _add(self, rows: list[LiveRow]) -> None:
        with self._lock:
            self._rows.extend(rows)
            self._position = rows[-1].id
            if len(self._rows) > WINDOW:
                cut = len(self._rows) - WINDOW // 2
                self._start = self._rows[cut - 1].id
                del self._rows[:cut]
            waiters = list(self._waiters)
        gone = [waiter for waiter in waiters if not waiter.wake()]
        if gone:
            with self._lock:
                self._waiters.difference_update(gone)


def close_streams_on_exit_signals(hub: LiveHub) -> None:
    """A server stops only once its open responses end, and a stream does not end by itself:
    on the signals that stop the server, the streams end first, then the handler the server
    installed runs. Called as the server starts (its handlers are in place then); only the main
    thread can handle signals, so anywhere else (a test's server) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        return
    for number in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(number)
        if callable(previous):
            signal.signal(number, partial(_close_then, hub, previous))


def _close_then(
    hub: LiveHub,
    handler: Callable[[int, FrameType | None], Any],
    number: int,
    frame: FrameType | None,
) -> None:
    hub.close_streams()
    handler(number, frame)
