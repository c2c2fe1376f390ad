"""`/api/v1/mailboxes`: connect a Gmail mailbox, watch its sync and health, sync, disconnect."""

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Request, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict
from sqlmodel import Session, col, select

from app.core.accounts import normalize_email
from app.core.db import get_scoped
from app.core.errors import Invalid
from app.core.models import Mailbox, MailboxStatus, id_of, utcnow
from app.http.auth import AdminUser, CurrentUser
from app.http.dependencies import SessionDep, SettingsDep
from gmail_sync.connect import disconnect, start_connection
from gmail_sync.mailboxes import request_sync
from inbox.auto_ack import acknowledgement_text
from inbox.mailbox_settings import MailboxPatchIn, change_mailbox
from inbox.templates import client_language

router = APIRouter(tags=["mailboxes"])


class MailboxIn(BaseModel):
    email: str = Field(min_length=3, max_length=320, examples=["support@company.com"])

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        """Refused before any OAuth flow starts, naming the field."""
        try:
            normalize_email(value)
        except Invalid as exc:
            raise ValueError(str(exc)) from None
        return value


class SyncIn(BaseModel):
    full: bool = Field(default=False, description="Re-import everything (no duplicates).")


MAILBOX_EXAMPLE: JsonDict = {
    "id": 1,
    "email": "support@company.com",
    "display_name": "Acme Support",
    "aliases": ["help@company.com"],
    "status": "connected",
    "connected_at": "2026-11-02T09:25:00Z",
    "sync": {
        "state": "idle",
        "messages_synced": 10432,
        "messages_total": 10432,
        "last_synced_at": "2026-11-20T10:01:30Z",
        "error": None,
    },
    "health": {
        "token_state": "valid",
        "history_id": "918273",
        "watch_expires_at": "2026-11-27T09:25:00Z",
        "quota_units_today": 1840,
        "last_synced_at": "2026-11-20T10:01:30Z",
        "last_error": None,
    },
    "auto_ack": {
        "enabled": False,
        "text": "Thank you for writing to us; we will answer soon.",
        "is_default_text": True,
        "window_minutes": 1440,
    },
    "use_agent_name": False,
    "language": None,
    "client_language": "en",
}


class SyncOut(BaseModel):
    state: Literal["idle", "running", "error"]
    messages_synced: int
    messages_total: int
    last_synced_at: datetime | None
    error: str | None


TokenState = Literal["valid", "missing", "needs_reauth"]


class HealthOut(BaseModel):
    token_state: TokenState
    history_id: str | None
    watch_expires_at: datetime | None
    quota_units_today: int
    last_synced_at: datetime | None
    last_error: str | None


class AutoAckOut(BaseModel):
    enabled: bool
    text: str = Field(description="The acknowledgement's template (the default when unset).")
    is_default_text: bool
    window_minutes: int = Field(description="At most one acknowledgement per sender per window.")


class MailboxOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [MAILBOX_EXAMPLE]})

    id: int
    email: str
    display_name: str
    aliases: list[str]
    status: MailboxStatus
    connected_at: datetime | None
    sync: SyncOut
    health: HealthOut
    auto_ack: AutoAckOut
    use_agent_name: bool = Field(description="Replies show the agent's name as the sender name.")
    language: str | None = Field(
        description="The language set for its mail to clients; null follows the workspace."
    )
    client_language: str = Field(description="The language its mail to clients is written in.")


class MailboxConnectOut(MailboxOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **MAILBOX_EXAMPLE,
                    "status": "syncing",
                    "authorize_url": "https://accounts.google.com/o/oauth2/auth?client_id=...",
                }
            ]
        }
    )

    authorize_url: str = Field(description="Open in any browser signed in as the mailbox.")


def _grant_state(mailbox: Mailbox) -> TokenState:
    if mailbox.status == MailboxStatus.NEEDS_REAUTH:
        return "needs_reauth"
    return "valid" if mailbox.credentials_encrypted else "missing"


def mailbox_out(session: Session, mailbox: Mailbox, now: datetime) -> MailboxOut:
    today = now.date().isoformat()
    language = client_language(session, mailbox)
    return MailboxOut(
        id=id_of(mailbox),
        email=mailbox.email,
        display_name=mailbox.display_name,
        aliases=mailbox.aliases,
        status=MailboxStatus(mailbox.status),
        connected_at=mailbox.connected_at,
        sync=SyncOut(
            state=mailbox.sync_state,
            messages_synced=mailbox.messages_synced,
            messages_total=mailbox.messages_total,
            last_synced_at=mailbox.last_synced_at,
            error=mailbox.last_error,
        ),
        health=HealthOut(
            token_state=_grant_state(mailbox),
            history_id=str(mailbox.history_id) if mailbox.history_id else None,
            watch_expires_at=mailbox.watch_expires_at,
            quota_units_today=mailbox.quota_units_today if mailbox.quota_day == today else 0,
            last_synced_at=mailbox.last_synced_at,
            last_error=mailbox.last_error,
        ),
        auto_ack=AutoAckOut(
            enabled=mailbox.auto_ack_enabled,
            text=acknowledgement_text(mailbox, language),
            is_default_text=mailbox.auto_ack_text is None,
            window_minutes=mailbox.auto_ack_window_minutes,
        ),
        use_agent_name=mailbox.use_agent_name,
        language=mailbox.language,
        client_language=language,
    )


@router.post("/mailboxes", status_code=status.HTTP_201_CREATED)
def connect_mailbox(
    body: MailboxIn, admin: AdminUser, session: SessionDep, settings: SettingsDep
) -> MailboxConnectOut:
    """Starts connecting (or reconnecting) a mailbox: open `authorize_url` to consent."""
    now = utcnow()
    mailbox, url = start_connection(
        session=session,
        settings=settings,
        workspace_id=admin.workspace_id,
        user_id=id_of(admin),
        email=body.email,
        now=now,
    )
    return MailboxConnectOut(**mailbox_out(session, mailbox, now).model_dump(), authorize_url=url)


@router.get("/mailboxes")
def list_mailboxes(user: CurrentUser, session: SessionDep) -> list[MailboxOut]:
    rows = session.exec(
        select(Mailbox).where(Mailbox.workspace_id == user.workspace_id).order_by(col(Mailbox.id))
    )
    now = utcnow()
    return [mailbox_out(session, row, now) for row in rows]


@router.get("/mailboxes/{id}")
def read_mailbox(id: int, user: CurrentUser, session: SessionDep) -> MailboxOut:
    return mailbox_out(session, get_scoped(session, Mailbox, id, user.workspace_id), utcnow())


@router.patch("/mailboxes/{id}")
def update_mailbox(
    id: int, body: MailboxPatchIn, admin: AdminUser, session: SessionDep
) -> MailboxOut:
    """The mailbox's sender name and automatic acknowledgement (admins)."""
    now = utcnow()
    mailbox = change_mailbox(session=session, mailbox_id=id, actor=admin, body=body, now=now)
    return mailbox_out(session, mailbox, now)


@router.post(
    "/mailboxes/{id}/sync", status_code=status.HTTP_202_ACCEPTED, operation_id="syncMailbox"
)
def sync_now(
    id: int,
    request: Request,
    background: BackgroundTasks,
    user: CurrentUser,
    session: SessionDep,
    body: SyncIn | None = None,
) -> MailboxOut:
    """Queues a sync (a full one with `{"full": true}`); progress shows in `sync`."""
    mailbox = get_scoped(session, Mailbox, id, user.workspace_id)
    now = utcnow()
    request_sync(session=session, mailbox=mailbox, now=now, full=bool(body and body.full))
    # After the response, so the request's commit is there for the woken sync to see.
    background.add_task(request.app.state.wake_sync)
    return mailbox_out(session, mailbox, now)


@router.delete("/mailboxes/{id}")
def disconnect_mailbox(
    id: int, admin: AdminUser, session: SessionDep, settings: SettingsDep
) -> MailboxOut:
    """Revokes Tandem's access and forgets the tokens; conversations stay."""
    mailbox = get_scoped(session, Mailbox, id, admin.workspace_id)
    disconnect(session=session, settings=settings, mailbox=mailbox)
    return mailbox_out(session, mailbox, utcnow())
