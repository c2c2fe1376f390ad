"""APScheduler set-up: a background scheduler running the fixed jobs of `scheduler.jobs`.

The sync job ticks every second and only does work for mailboxes that are due (a push, an API
request, or the poll interval); `wake_sync` runs it at once so a push reaches the inbox without
waiting for the tick.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from app.settings import Settings
from scheduler.jobs import (
    AfterSync,
    deliver_webhooks,
    renew_watches,
    send_replies,
    sync_due_mailboxes,
)

SYNC_JOB = "sync-due-mailboxes"
WATCH_JOB = "renew-watches"
WEBHOOK_JOB = "deliver-webhooks"
SEND_JOB = "send-replies"


class TandemScheduler:
    def __init__(
        self, engine: Engine, settings: Settings, after_sync: Sequence[AfterSync] = ()
    ) -> None:
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=4)},
            job_defaults={"coalesce": True, "misfire_grace_time": 30},
        )
        self._scheduler.add_job(
            sync_due_mailboxes,
            "interval",
            seconds=1,
            id=SYNC_JOB,
            args=[engine, settings, after_sync],
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

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        self._scheduler.shutdown(wait=True)

    def wake_sync(self) -> None:
        """Runs the sync job now instead of at its next tick."""
        self._scheduler.modify_job(SYNC_JOB, next_run_time=datetime.now(UTC))
