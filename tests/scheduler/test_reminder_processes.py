"""The real scheduler in processes of its own: two at once fire each of 1,000 reminders exactly
once, and a kill -9 in the middle of a burst loses none and repeats none after a restart.
These are the only timer tests that wait on the wall clock."""

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from app.core.models import Notification, Reminder, ReminderState, Role, utcnow
from tests.conftest import Team
from tests.inbox.reminder_world import (
    add_reminders,
    build_world,
    notifications_per_reminder,
    reminder_states,
    start_scheduler_process,
)

Start = Callable[[], "subprocess.Popen[bytes]"]


@pytest.fixture
def start(database_url: str) -> Iterator[Start]:
    """Starts scheduler processes on the test database and kills what is left at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def run() -> "subprocess.Popen[bytes]":
        process = start_scheduler_process(database_url)
        started.append(process)
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def wait_until(condition: Callable[[], bool], timeout: float, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(poll)


def fired(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count()).where(col(Reminder.state) == ReminderState.FIRED)
        ).one()


def test_two_processes_fire_each_reminder_exactly_once(
    engine: Engine, team: Team, start: Start
) -> None:
    world = build_world(engine, team)
    now = utcnow()
    overdue = [now - timedelta(seconds=5) + timedelta(milliseconds=i) for i in range(500)]
    coming = [now + timedelta(seconds=3) + timedelta(milliseconds=4 * i) for i in range(500)]
    add_reminders(engine, world, overdue + coming)
    first, second = start(), start()
    wait_until(lambda: fired(engine) == 1000, timeout=60)
    time.sleep(1.5)  # a late duplicate would show up here
    assert first.poll() is None and second.poll() is None
    assert reminder_states(engine) == {"fired": 1000}
    counts = notifications_per_reminder(engine)
    assert len(counts) == 1000 and set(counts.values()) == {1}
    with Session(engine) as session:
        late = session.exec(select(Reminder.fired_at, Reminder.due_at)).all()
    assert all(fired_at and fired_at >= due for fired_at, due in late)


def test_a_kill_in_the_middle_loses_nothing_and_repeats_nothing(
    engine: Engine, team: Team, start: Start
) -> None:
    """Reminders for the whole team of 40 make a burst slow enough to kill mid-way: 3,000
    reminders due while no scheduler ran, 120,000 notifications."""
    world = build_world(engine, team)
    for index in range(38):
        team.member(world.workspace_id, f"agent{index}@acme.test", Role.AGENT)
    add_reminders(engine, world, [utcnow() - timedelta(minutes=5)] * 3000, user_id=None)
    first = start()
    wait_until(lambda: fired(engine) > 0, timeout=60, poll=0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    before_restart = fired(engine)
    assert before_restart < 3000, "the burst ended before the kill; make it larger"
    assert _consistent(engine)
    start()
    wait_until(lambda: fired(engine) == 3000, timeout=120)
    assert _consistent(engine)
    counts = notifications_per_reminder(engine)
    assert len(counts) == 3000 and set(counts.values()) == {40}


def _consistent(engine: Engine) -> bool:
    """Each fired reminder told the whole team once; a pending one told nobody."""
    with Session(engine) as session:
        states = dict(session.exec(select(Reminder.id, Reminder.state)).all())
        told = session.exec(
            select(Notification.reminder_id, func.count()).group_by(col(Notification.reminder_id))
        ).all()
    counts = {reminder_id: count for reminder_id, count in told}
    return all(
        counts.get(reminder_id, 0) == (40 if state == ReminderState.FIRED else 0)
        for reminder_id, state in states.items()
    )
