"""The live event log's upkeep jobs: expired presence leaves (announced once, whichever
process runs the job), events older than a day go, and the scheduler runs both."""

from datetime import timedelta

from sqlalchemy import Engine, func, select, update

from app.core.db import session_scope
from app.core.live import Live, events_after, publish
from app.core.models import Conversation, LiveEvent, Presence, User, utcnow
from app.core.settings import Settings
from inbox.presence import refresh
from scheduler.live_jobs import expire_presence, prune_live_events
from scheduler.runner import PRESENCE_JOB, PRUNE_JOB, TandemScheduler
from tests.conftest import Team
from tests.inbox.reminder_world import build_world


def test_expired_presence_leaves_and_old_events_go(engine: Engine, team: Team) -> None:
    world = build_world(engine, team)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        user = session.get(User, world.agent.user_id)
        assert conversation is not None and user is not None
        refresh(session, conversation=conversation, user=user, typing=True, now=utcnow())
    assert expire_presence(engine) == 0, "still fresh"
    with session_scope(engine) as session:
        session.execute(update(Presence).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert expire_presence(engine) == 1
    assert expire_presence(engine) == 0
    with engine.connect() as connection:
        left = events_after(connection, 0, limit=10)[-1]
    assert (left.kind, left.data) == ("presence", {"viewers": []})

    with session_scope(engine) as session:
        session.execute(update(LiveEvent).values(created_at=utcnow() - timedelta(days=2)))
        publish(session, workspace_id=world.workspace_id, kind=Live.PRESENCE)
    assert prune_live_events(engine) == 2
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(LiveEvent)) == 1


def test_the_scheduler_runs_the_upkeep(engine: Engine, settings: Settings) -> None:
    scheduler = TandemScheduler(engine, settings)
    scheduler.start()
    try:
        jobs = {job.id: job.trigger for job in scheduler.jobs()}
    finally:
        scheduler.shutdown()
    assert jobs[PRESENCE_JOB] == "interval[0:00:03]"
    assert jobs[PRUNE_JOB] == "interval[0:10:00]"
