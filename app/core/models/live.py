"""What the team's open tabs learn as it happens: the live event log and who is looking at
(or typing in) which conversation; and which processes run the background work.

All are short-lived: events are pruned after a day, presence rows expire within seconds when
their tab stops refreshing them, a worker's row goes when it stops or a day after it was last
seen.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models.columns import UTCDateTime, foreign_key, json_field

#: 64-bit on PostgreSQL (a busy installation could outrun 2**31 events); SQLite's rowid is
#: 64-bit already and must be declared INTEGER to be one.
EVENT_ID = BigInteger().with_variant(Integer(), "sqlite")


class LiveEvent(SQLModel, table=True):
    """One thing a tab should learn, in commit order: ids only ever grow (AUTOINCREMENT on
    SQLite, so pruning every row never lets an id be handed out again).

    No foreign keys: a row is written in the last instant of its transaction (see
    `app.core.live`) and must take no lock on another table's rows there; the ids it carries
    are only hints for the tab, and rows go after a day anyway. `user_id` set means only that
    user's tabs see it (their notifications).
    """

    __tablename__ = "live_event"
    __table_args__ = (
        Index("ix_live_event_stream", "workspace_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(
        default=None, sa_column=Column(EVENT_ID, primary_key=True, autoincrement=True)
    )
    workspace_id: int = Field(nullable=False)
    user_id: int | None = Field(default=None)
    conversation_id: int | None = Field(default=None)
    kind: str = Field(sa_type=String(32), nullable=False)
    data: dict[str, Any] = json_field(dict)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Presence(SQLModel, table=True):
    """One browser tab showing a conversation until `expires_at`, which each refresh pushes
    on; `typing` while its reply box holds text. Rows, not memory, so every process sees every
    tab."""

    __table_args__ = (
        UniqueConstraint("conversation_id", "user_id", "tab"),
        Index("ix_presence_expiry", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    conversation_id: int = foreign_key("conversation.id", index=False)
    user_id: int = foreign_key("user.id")
    tab: str = Field(default="", sa_type=String(32), nullable=False)
    typing: bool = Field(default=False, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class WorkerBeat(SQLModel, table=True):
    """A process running the background work (`tandem worker`, or `tandem serve` with its
    worker), as it last said it was alive: every process reads these rows, so a web process
    that runs no scheduler can still tell its admins whether any process does."""

    __tablename__ = "worker_beat"

    worker: str = Field(primary_key=True, sa_type=String(80))
    host: str = Field(sa_type=String(255), nullable=False)
    pid: int = Field(nullable=False)
    started_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    seen_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
