"""The reply outbox as a route sees it: how long a new reply waits (the undo window), and handing
the outbox job the replies that are due now (no undo window, a retry) to send right after the
response.

A route never sends inside the request: its reply is queued in the request's transaction, which
`SessionDep` commits before the response; the send then runs as a background task, in the
thread pool, through the scheduler's own job (`scheduler.jobs.send_replies`). Its claim (queued
-> sending) makes a scheduler run at the same moment harmless: each reply is sent once, and no
request waits for Gmail or its retries.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy import Engine

from app.core.settings import Settings
from app.http.dependencies import SettingsDep
from scheduler.jobs import send_replies


@dataclass(frozen=True)
class Outbox:
    background: BackgroundTasks
    engine: Engine
    settings: Settings

    @property
    def undo_window(self) -> timedelta:
        return timedelta(seconds=self.settings.undo_send_seconds)

    def send_due_after_response(self) -> None:
        self.background.add_task(send_replies, self.engine, self.settings)

    def send_new_after_response(self) -> None:
        """A reply queued in this request is due at once when there is no undo window."""
        if not self.undo_window:
            self.send_due_after_response()


def request_outbox(request: Request, background: BackgroundTasks, settings: SettingsDep) -> Outbox:
    engine: Engine = request.app.state.engine
    return Outbox(background, engine, settings)


OutboxDep = Annotated[Outbox, Depends(request_outbox)]
