"""Settings > Queues: each queue's waiting and failed rows, and the latest failures with their
reasons and times in the workspace's zone; another workspace's rows are not counted. Below them,
the processes running the background work, with a warning when none is alive."""

import os
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Direction, Message, MessageState, Workspace, utcnow
from app.core.worker_beats import beat
from tests.app.web.conftest import seed
from tests.conftest import Member, Team


def _reply(engine: Engine, member: Member, state: MessageState, error: str | None) -> None:
    inbox = seed(engine, member)
    with session_scope(engine) as session:
        workspace = session.get(Workspace, member.workspace_id)
        assert workspace is not None
        workspace.timezone = "Europe/Berlin"
        mailbox_id = session.get(Message, inbox.message_id).mailbox_id  # type: ignore[union-attr]
        session.add(
            Message(
                workspace_id=member.workspace_id,
                conversation_id=inbox.conversation_id,
                mailbox_id=mailbox_id,
                direction=Direction.OUTBOUND,
                state=state,
                send_error=error,
                send_after=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            )
        )


def test_failed_replies_are_listed_with_their_reasons(
    client: TestClient, csrf: str, admin: Member, team: Team, engine: Engine
) -> None:
    _reply(engine, admin, MessageState.FAILED, "Gmail refused the reply: invalid To header")
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    _reply(engine, other, MessageState.FAILED, "their own failure")
    page = client.get("/settings/queues").text
    row = page.split('id="queue-replies"')[1].split("</tr>")[0]
    assert "Replies to clients" in row
    assert '<td data-label="Failed">1</td>' in row
    assert "Nov 20, 2026, 10:00" in row  # 09:00 UTC in Berlin
    assert "Gmail refused the reply: invalid To header" in row
    assert "their own failure" not in page
    assert "Times are in Europe/Berlin" in page


def test_without_a_live_worker_the_admin_is_warned_and_sees_the_silent_one(
    client: TestClient, csrf: str, admin: Member, engine: Engine
) -> None:
    assert 'id="no-worker"' in client.get("/settings/queues").text

    long_ago = utcnow() - timedelta(minutes=5)
    with session_scope(engine) as session:
        beat(session, worker="app-2:4711:9f3c2a1b", started_at=long_ago, now=long_ago)
    page = client.get("/settings/queues").text
    assert 'id="no-worker"' in page
    row = page.split('id="workers"')[1].split("</tr>")[1]
    assert "silent" in row and f"pid {os.getpid()}" in row

    with session_scope(engine) as session:
        beat(session, worker="app-2:4711:9f3c2a1b", started_at=long_ago, now=utcnow())
    page = client.get("/settings/queues").text
    assert 'id="no-worker"' not in page
    assert "alive" in page.split('id="workers"')[1]
