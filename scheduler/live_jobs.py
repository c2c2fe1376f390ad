"""The live event log's upkeep: tabs that stopped refreshing their presence leave (and the
others are told), and events older than `KEEP` go. Both decide from the rows, so a second
process running them at once is harmless. And this process's own beat, which tells admins
that the background work runs (`app.core.worker_beats`)."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from app.core.db import session_scope
from app.core.live import prune_events
from app.core.models import Presence, utcnow
from app.core.worker_beats import beat, stopped
from inbox.presence import expire

logger = logging.getLogger(__name__)

#: A tab away longer than this reloads its page rather than catching up.
KEEP = timedelta(days=1)


def expire_presence(engine: Engine) -> int:
    """Only a tab that stopped refreshing costs a write; otherwise one indexed read."""
    now = utcnow()
    with session_scope(engine) as session:
        stale = session.exec(
            select(Presence.id).where(col(Presence.expires_at) <= now).limit(1)
        ).first()
        return expire(session, now=now) if stale is not None else 0


def prune_live_events(engine: Engine) -> int:
    with session_scope(engine) as session:
        return prune_events(session, before=utcnow() - KEEP)


def beat_worker(engine: Engine, worker: str, started_at: datetime) -> None:
    with session_scope(engine) as session:
        beat(session, worker=worker, started_at=started_at, now=utcnow())


def stop_worker(engine: Engine, worker: str) -> None:
    """A process that stops cleanly is gone from the list at once, not after `SILENT`. One
    whose database cannot be reached (or is not migrated yet) still stops: its row, if it
    has one, turns silent by itself."""
    try:
        with session_scope(engine) as session:
            stopped(session, worker=worker)
    except SQLAlchemyError:
        logger.warning("could not remove this worker's beat on stopping", exc_info=True)
