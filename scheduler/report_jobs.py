"""Keeping the reports' rollup fresh between reports.

A report recomputes the conversations marked stale before it reads (`inbox.report_rollup`), so
it is always right; but after a bulk import or a long sync a hundred thousand marks wait, and
the first report would spend minutes on them. This job works them off in the background, a
batch per transaction, so no transaction (and no report waiting on the workspace's refresh
lock) is held for long, and the next report finds little or nothing to recompute. A workspace
whose calendar changed has its durations measured again here too, so the lead's next report
does not wait on that either.
"""

import threading

from sqlalchemy import Engine
from sqlmodel import col, select

from app.core.db import session_scope
from app.core.models import Workspace
from inbox.report_rollup import refresh

#: Conversations recomputed per transaction: a few seconds of work at most.
BATCH = 2000


def refresh_reports(engine: Engine, stop: threading.Event) -> int:
    """Recomputes every workspace's stale conversations; returns how many. Stops between
    batches when the process stops; what is left stays marked for the next run or report."""
    with session_scope(engine) as session:
        workspaces = [int(w or 0) for w in session.exec(select(col(Workspace.id)))]
    done = 0
    for workspace_id in workspaces:
        while not stop.is_set():
            with session_scope(engine) as session:
                batch = refresh(session, workspace_id, limit=BATCH)
            done += batch
            if batch < BATCH:
                break
    return done
