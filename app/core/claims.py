"""Claiming rows for work: one conditional UPDATE that re-checks, on every row it changes, that
the row is still free, and returns the ids it changed.

Whoever's UPDATE changed a row owns it; a second worker, thread or process finds it taken and
moves on, so a job that runs twice, or in two processes, does each piece of work once. Every
queue and lease in Tandem claims through `claim`: the reply outbox, webhook deliveries, agent
e-mail, reminders, promises, snoozes and the mailbox sync lease.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, inspect, or_, update
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel


def claim(
    session: Session,
    model: type[SQLModel],
    *conditions: ColumnElement[bool],
    values: Mapping[str, Any],
) -> list[int]:
    """Sets `values` on the rows of `model` that meet `conditions` now; the ids of the rows
    this call changed. Loaded copies of those rows are left as they were: read them again
    (`populate_existing`) after a win."""
    result = session.execute(
        update(model)
        .where(*conditions)
        .values(**values)
        .returning(inspect(model).primary_key[0])
        .execution_options(synchronize_session=False)
    )
    return [int(row_id) for row_id in result.scalars()]


def lease_free(claimed_until: Mapped[datetime | None], now: datetime) -> ColumnElement[bool]:
    """Nobody holds the row's lease, or its holder let it lapse."""
    return or_(claimed_until.is_(None), claimed_until <= now)
