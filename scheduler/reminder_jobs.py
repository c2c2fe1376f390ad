"""The timer jobs: fire due reminders, wake snoozed conversations, send agent email.

APScheduler starts each every second (and at once on start, so whatever fell due while no
process ran fires first); the rows decide what is due, so a restart, a second process or an
overlapping run is harmless.
"""

import threading
import time

from sqlalchemy import Engine

from app.core.models import utcnow
from app.core.settings import Settings
from inbox.agent_mail import send_due_emails
from inbox.rating_links import RatingLinks
from inbox.reminder_firing import fire_due, next_due_at
from inbox.snoozes import wake_due_snoozes

TICK_SECONDS = 1.0
#: The firing run ends this long before the next tick, so runs never pile up.
TICK_MARGIN_SECONDS = 0.05
#: A pause when the due reminders were all claimed by another process still delivering them.
BUSY_PAUSE_SECONDS = 0.02


def _seconds_until_next_due(engine: Engine) -> float | None:
    due = next_due_at(engine)
    return None if due is None else max((due - utcnow()).total_seconds(), 0.0)


def fire_reminders(engine: Engine, settings: Settings, worker: str, stop: threading.Event) -> int:
    """Fires what is due, then waits for each reminder that falls due before the next tick
    and fires it on time: a plain 1 s tick alone would make reminders up to a second late."""
    deadline = time.monotonic() + TICK_SECONDS - TICK_MARGIN_SECONDS
    links = RatingLinks.of(settings)
    fired = fire_due(engine, clock=utcnow, worker=worker, links=links)
    while not stop.is_set():
        wait = _seconds_until_next_due(engine)
        if wait is None or time.monotonic() + wait > deadline or stop.wait(wait):
            break
        claimed = fire_due(engine, clock=utcnow, worker=worker, links=links)
        if not claimed:
            stop.wait(BUSY_PAUSE_SECONDS)
        fired += claimed
    return fired


def wake_snoozes(engine: Engine) -> int:
    return wake_due_snoozes(engine, now=utcnow())


def send_agent_emails(engine: Engine, settings: Settings, worker: str) -> int:
    return send_due_emails(engine, settings, now=utcnow(), worker=worker)
