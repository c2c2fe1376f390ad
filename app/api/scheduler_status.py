"""`/api/v1/scheduler` (admins): what the timers are doing — this process's jobs and their next
runs, the workspace's next due reminders and how many are pending or overdue — and
`/scheduler/smtp`, the SMTP server reminder email goes through (the password is write-only).

The jobs come from `app.state.scheduler_jobs`, which the lifespan sets while this process runs
a scheduler; without one the list is empty and `running` is false (another process may run it).
`workers` lists every process running the background work, this one or others, as their beats
say (`app.core.worker_beats`).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.api.reminders import REMINDER_EXAMPLE, ReminderOut, reminder_out
from app.core.errors import NotFound
from app.core.models import Reminder, ReminderState, SmtpServer, utcnow
from app.core.worker_beats import workers
from app.http.auth import AdminUser
from app.http.dependencies import SessionDep, SettingsDep
from gmail_sync.oauth import TokenCipher
from inbox import smtp_settings
from inbox.queue_health import queue_health
from inbox.smtp_settings import SmtpIn, not_configured, smtp_server_of
from scheduler.runner import JobInfo

router = APIRouter(prefix="/scheduler", tags=["scheduler"])

NEXT_DUE_SHOWN = 10


class JobOut(BaseModel):
    id: str
    trigger: str
    next_run_at: datetime | None


class FailureOut(BaseModel):
    id: int = Field(
        description="The failed row: an outgoing message, a webhook delivery, an "
        "agent e-mail or a reminder, by queue."
    )
    error: str
    at: datetime | None


class QueueOut(BaseModel):
    name: str = Field(description="`replies`, `webhooks`, `agent_email` or `reminders`.")
    waiting: int = Field(description="Rows still to go out.")
    failed: int = Field(description="Rows that failed for good; none holds back the others.")
    latest_failures: list[FailureOut] = Field(description="The newest failures, with why.")


class WorkerOut(BaseModel):
    worker: str = Field(description="The process's name in the rows it claims.")
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime = Field(description="Its last beat (every 10 s).")
    alive: bool = Field(description="Heard from in the last 30 s.")


class SchedulerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "running": True,
                    "jobs": [
                        {
                            "id": "fire-reminders",
                            "trigger": "interval[0:00:01]",
                            "next_run_at": "2026-11-24T09:00:01Z",
                        }
                    ],
                    "pending": 12,
                    "overdue": 0,
                    "next_due": [REMINDER_EXAMPLE],
                    "queues": [
                        {
                            "name": "webhooks",
                            "waiting": 2,
                            "failed": 1,
                            "latest_failures": [
                                {"id": 88, "error": "HTTP 500", "at": "2026-11-24T08:10:00Z"}
                            ],
                        }
                    ],
                    "workers": [
                        {
                            "worker": "app-2:4711:9f3c2a1b",
                            "host": "app-2",
                            "pid": 4711,
                            "started_at": "2026-11-24T07:00:00Z",
                            "seen_at": "2026-11-24T08:59:58Z",
                            "alive": True,
                        }
                    ],
                }
            ]
        }
    )

    running: bool = Field(description="Whether this process runs a scheduler.")
    jobs: list[JobOut]
    pending: int = Field(description="The workspace's reminders waiting to fire.")
    overdue: int = Field(description="Pending reminders whose time has passed (should be 0).")
    next_due: list[ReminderOut]
    queues: list[QueueOut] = Field(description="Each queue's waiting and failed rows.")
    workers: list[WorkerOut] = Field(
        description="Every process running the background work (sync, timers, outboxes) "
        "heard from in the last day; none alive means mail is not being synced."
    )


class SmtpOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "host": "smtp.acme.example",
                    "port": 587,
                    "security": "starttls",
                    "username": "tandem@acme.example",
                    "has_password": True,
                    "sender": "tandem@acme.example",
                    "updated_at": "2026-11-24T09:00:00Z",
                }
            ]
        }
    )

    host: str
    port: int
    security: str
    username: str
    has_password: bool
    sender: str
    updated_at: datetime


def _jobs(request: Request) -> list[JobInfo] | None:
    jobs_of: Callable[[], list[JobInfo]] | None = getattr(request.app.state, "scheduler_jobs", None)
    return None if jobs_of is None else jobs_of()


def _counts(session: Session, workspace_id: int) -> dict[str, Any]:
    pending = select(func.count()).where(
        Reminder.workspace_id == workspace_id, Reminder.state == ReminderState.PENDING
    )
    next_due = session.exec(
        select(Reminder)
        .where(Reminder.workspace_id == workspace_id, Reminder.state == ReminderState.PENDING)
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(NEXT_DUE_SHOWN)
    )
    return {
        "pending": session.exec(pending).one(),
        "overdue": session.exec(pending.where(col(Reminder.due_at) <= utcnow())).one(),
        "next_due": [reminder_out(reminder) for reminder in next_due],
        "queues": [
            QueueOut.model_validate(health, from_attributes=True)
            for health in queue_health(session, workspace_id=workspace_id)
        ],
        "workers": [
            WorkerOut.model_validate(worker, from_attributes=True)
            for worker in workers(session, now=utcnow())
        ],
    }


@router.get("", operation_id="getSchedulerStatus")
def scheduler_status(request: Request, admin: AdminUser, session: SessionDep) -> SchedulerOut:
    jobs = _jobs(request)
    return SchedulerOut(
        running=jobs is not None,
        jobs=[JobOut(id=j.id, trigger=j.trigger, next_run_at=j.next_run_at) for j in jobs or []],
        **_counts(session, admin.workspace_id),
    )


def _smtp_out(server: SmtpServer) -> SmtpOut:
    return SmtpOut.model_validate(
        {**server.model_dump(), "has_password": bool(server.password_encrypted)}
    )


def _server(session: Session, workspace_id: int) -> SmtpServer:
    server = smtp_server_of(session, workspace_id)
    if server is None:
        raise NotFound(not_configured())
    return server


@router.get("/smtp")
def read_smtp(admin: AdminUser, session: SessionDep) -> SmtpOut:
    return _smtp_out(_server(session, admin.workspace_id))


@router.put("/smtp")
def save_smtp(
    body: SmtpIn, admin: AdminUser, session: SessionDep, settings: SettingsDep
) -> SmtpOut:
    """Reminders are then also emailed to each agent's login address through this server."""
    server = smtp_settings.save_smtp(
        session,
        workspace_id=admin.workspace_id,
        body=body,
        cipher=TokenCipher(settings),
        now=utcnow(),
    )
    return _smtp_out(server)


@router.delete("/smtp", status_code=status.HTTP_204_NO_CONTENT)
def remove_smtp(admin: AdminUser, session: SessionDep) -> Response:
    smtp_settings.remove_smtp(session, workspace_id=admin.workspace_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
