"""APScheduler set-up: a background scheduler running the fixed jobs of `scheduler.jobs`, the
timers of `scheduler.reminder_jobs` (reminders, snoozes, agent email), the live event
log's upkeep (`scheduler.live_jobs`) and the reports' rollup (`scheduler.report_jobs`).

The sync job ticks every second and only does work for mailboxes that are due (a push, an API
request, or the poll interval); `wake_sync` runs it at once so a push reaches the inbox without
waiting for the tick, whether the push came to this process or to another one
(`scheduler.wake_listener`).
"""

import os
import secrets
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from app.core.settings import Settings
from app.core.worker_beats import BEAT
from scheduler.jobs import (
    AfterSync,
    break_promises,
    deliver_webhooks,
    renew_watches,
    send_replies,
    sync_due_mailboxes,
)
from scheduler.live_jobs import beat_worker, expire_presence, prune_live_events, stop_worker
from scheduler.reminder_jobs import fire_reminders, send_agent_emails, wake_snoozes
from scheduler.report_jobs import refresh_reports
from scheduler.wake_listener import WakeListener

SYNC_JOB = "sync-due-mailboxes"
WATCH_JOB = "renew-watches"
WEBHOOK_JOB = "deliver-webhooks"
SEND_JOB = "send-replies"
FIRE_JOB = "fire-reminders"
SNOOZE_JOB = "wake-snoozed"
AGENT_EMAIL_JOB = "send-agent-email"
PROMISE_JOB = "break-lapsed-promises"
PRESENCE_JOB = "expire-presence"
PRUNE_JOB = "prune-live-events"
REPORT_JOB = "refresh-reports"
BEAT_JOB = "worker-beat"
#: A closed tab's presence is gone within its TTL and this.
PRESENCE_SECONDS = 3


@dataclass(frozen=True)
class JobInfo:
    id: str
    trigger: str
    next_run_at: datetime | None


def worker_id() -> str:
    """Names this process in the rows it claims: host, pid and a random part (pids repeat)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


class TandemScheduler:
    def __init__(
        self, engine: Engine, settings: Settings, after_sync: Sequence[AfterSync] = ()
    ) -> None:
        self.worker = worker_id()
        self._engine = engine
        self._stop = threading.Event()
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=8)},
            job_defaults={"coalesce": True, "misfire_grace_time": 30},
        )
        self._scheduler.add_job(
            sync_due_mailboxes,
            "interval",
            seconds=1,
            id=SYNC_JOB,
            args=[engine, settings, after_sync, self._stop],
            max_instances=3,
        )
        self._scheduler.add_job(
            renew_watches,
            "interval",
            hours=1,
            id=WATCH_JOB,
            args=[engine, settings],
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.add_job(
            send_replies, "interval", seconds=1, id=SEND_JOB, args=[engine, settings]
        )
        self._scheduler.add_job(
            deliver_webhooks, "interval", seconds=2, id=WEBHOOK_JOB, args=[engine, settings]
        )
        self._add_timer_jobs(engine, settings)
        self._add_live_jobs(engine)
        self._add_report_job(engine)
        self._wakes = WakeListener(engine, self.wake_sync)

    def _add_timer_jobs(self, engine: Engine, settings: Settings) -> None:
        """Reminders and snoozes run at once on start, so whatever fell due while no process
        ran (a restart, a kill -9) fires first; two overlapping firing runs are harmless."""
        now = datetime.now(UTC)
        self._scheduler.add_job(
            fire_reminders,
            "interval",
            seconds=1,
            id=FIRE_JOB,
            args=[engine, settings, self.worker, self._stop],
            next_run_time=now,
            max_instances=2,
        )
        self._scheduler.add_job(
            wake_snoozes, "interval", seconds=1, id=SNOOZE_JOB, args=[engine], next_run_time=now
        )
        self._scheduler.add_job(
            break_promises, "interval", seconds=1, id=PROMISE_JOB, args=[engine], next_run_time=now
        )
        self._scheduler.add_job(
            send_agent_emails,
            "interval",
            seconds=2,
            id=AGENT_EMAIL_JOB,
            args=[engine, settings, self.worker],
        )

    def _add_report_job(self, engine: Engine) -> None:
        self._scheduler.add_job(
            refresh_reports, "interval", seconds=30, id=REPORT_JOB, args=[engine, self._stop]
        )

    def _add_live_jobs(self, engine: Engine) -> None:
        now = datetime.now(UTC)
        self._scheduler.add_job(
            beat_worker,
            "interval",
            seconds=BEAT.total_seconds(),
            id=BEAT_JOB,
            args=[engine, self.worker, now],
            next_run_time=now,
        )
        self._scheduler.add_job(
            expire_presence, "interval", seconds=PRESENCE_SECONDS, id=PRESENCE_JOB, args=[engine]
        )
        self._scheduler.add_job(
            prune_live_events,
            "interval",
            minutes=10,
            id=PRUNE_JOB,
            args=[engine],
            next_run_time=datetime.now(UTC),
        )

    def start(self) -> None:
        self._scheduler.start()
        self._wakes.start()

    def shutdown(self) -> None:
        """Lets the jobs in hand finish; what they had not claimed waits in the database."""
        self._stop.set()
        self._wakes.stop()
        self._scheduler.shutdown(wait=True)
        stop_worker(self._engine, self.worker)

    def jobs(self) -> list[JobInfo]:
        """The fixed jobs and when each runs next, for `GET /api/v1/scheduler`."""
        return [
            JobInfo(job.id, str(job.trigger), job.next_run_time)
            for job in self._scheduler.get_jobs()
        ]

    def wake_sync(self) -> None:
        """Runs the sync job now instead of at its next tick."""
        self._scheduler.modify_job(SYNC_JOB, next_run_time=datetime.now(UTC))
