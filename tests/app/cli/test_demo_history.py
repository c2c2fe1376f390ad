"""The demo's sixty days of history, as the reports read them: every agent credited, the
work of each day answered and closed, and seeded once however often the demo starts."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.cli.demo import ensure_demo_workspace
from app.cli.demo_history import seed_history
from app.core.db import session_scope
from app.core.models import AuditEvent, Conversation, Mailbox, Message, id_of
from inbox.report_metrics import ReportRequest, summarize

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _demo(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        admin = ensure_demo_workspace(session=session)
        mailbox = Mailbox(workspace_id=admin.workspace_id, email="support@acme.test")
        session.add(mailbox)
        session.flush()
        return admin.workspace_id, id_of(mailbox)


def _seed(engine: Engine, workspace_id: int, mailbox_id: int) -> None:
    with session_scope(engine) as session:
        seed_history(session, workspace_id=workspace_id, mailbox_id=mailbox_id, now=NOW)


def test_the_last_month_reads_as_a_team_at_work(engine: Engine) -> None:
    workspace_id, mailbox_id = _demo(engine)
    _seed(engine, workspace_id, mailbox_id)

    with Session(engine) as session:
        month = summarize(
            session,
            workspace_id=workspace_id,
            request=ReportRequest("2026-11-04", "2026-12-03"),
            now=NOW,
        )
        statuses = set(session.exec(select(Conversation.status)))
        latest = session.exec(select(func.max(Message.date))).one()
        earliest = session.exec(select(func.min(AuditEvent.created_at))).one()

    assert month.created > 100 and month.closed > 100 and month.reopened > 0
    assert 0 < month.first_response.median < 4 * 3600 and month.resolution.count > 100
    assert month.promises_kept > month.promises_broken > 0
    assert sum(1 for day in month.by_day if day.created) > 20
    worked = {row.name for row in month.by_agent if row.closed and row.replies_sent}
    assert worked == {"Anna Petrova", "Ben Carter", "Ольга Соколова"}
    assert statuses == {"closed"}, "the open work stays the staged demo's"
    assert latest is not None and latest < NOW
    assert earliest is not None and earliest > NOW - timedelta(days=61)


def test_a_second_start_leaves_the_history_alone(engine: Engine) -> None:
    workspace_id, mailbox_id = _demo(engine)
    _seed(engine, workspace_id, mailbox_id)
    with Session(engine) as session:
        before = session.exec(select(func.count(col(Message.id)))).one()

    _seed(engine, workspace_id, mailbox_id)

    with Session(engine) as session:
        assert session.exec(select(func.count(col(Message.id)))).one() == before
