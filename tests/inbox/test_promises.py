"""SLA clocks and promises with a controllable clock: when a reply is due, what a reply settles,
and what a lapsed promise does."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.models import (
    AuditEvent,
    Conversation,
    Direction,
    Message,
    MessageKind,
    MessageState,
    Reminder,
    ReminderKind,
    ReminderState,
    User,
    id_of,
)
from gmail_sync.ingest import Ingested
from gmail_sync.sync import SyncReport
from inbox.promises import (
    break_lapsed_promises,
    make_promise,
    replies_sent,
    run_reply_clocks,
)
from tests.app.api.test_notes import seed_conversation
from tests.conftest import Member

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
FRIDAY_1630 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)


def write_in(
    engine: Engine, conversation_id: int, at: datetime, automated: str | None = None
) -> None:
    """A live inbound message, as the sync stores it, and the after-sync hook."""
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        message = Message(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation_id,
            mailbox_id=conversation.mailbox_id,
            gmail_id=f"m{at.timestamp()}",
            from_address="anna@client.test",
            date=at,
            direction=Direction.INBOUND,
            automated=automated,
        )
        session.add(message)
        session.flush()
        report = SyncReport(
            conversation.mailbox_id,
            ingested=[Ingested(id_of(message), conversation_id, True, True)],
        )
        run_reply_clocks(session, report)


def answer(engine: Engine, conversation_id: int, written: datetime, sent: datetime) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        reply = Message(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation_id,
            mailbox_id=conversation.mailbox_id,
            direction=Direction.OUTBOUND,
            kind=MessageKind.REPLY,
            state=MessageState.SENT,
            date=sent,
            created_at=written,
        )
        session.add(reply)
        session.flush()
        replies_sent(session, message_ids=[id_of(reply)], now=sent)


def another(engine: Engine, conversation_id: int, subject: str) -> int:
    """A second conversation in the same mailbox."""
    with session_scope(engine) as session:
        first = session.get(Conversation, conversation_id)
        assert first is not None
        other = Conversation(
            workspace_id=first.workspace_id,
            mailbox_id=first.mailbox_id,
            gmail_thread_id=f"t-{subject}",
            subject=subject,
        )
        session.add(other)
        session.flush()
        return id_of(other)


def conversation_of(engine: Engine, conversation_id: int) -> Conversation:
    with Session(engine) as session:
        found = session.get(Conversation, conversation_id)
        assert found is not None
        return found


def reminders(engine: Engine, kind: ReminderKind) -> list[tuple[datetime, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Reminder).where(Reminder.kind == kind).order_by(col(Reminder.due_at))
        )
        return [(row.due_at, row.state) for row in rows]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (MONDAY_10, datetime(2026, 11, 23, 12, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 16, 30, tzinfo=UTC), datetime(2026, 11, 24, 10, 30, tzinfo=UTC)),
        (FRIDAY_1630, datetime(2026, 11, 30, 10, 30, tzinfo=UTC)),
        (datetime(2026, 11, 28, 11, 0, tzinfo=UTC), datetime(2026, 11, 30, 11, 0, tzinfo=UTC)),
    ],
    ids=["weekday", "overnight", "friday-evening-due-monday", "saturday-due-monday"],
)
def test_a_client_writing_starts_the_first_response_clock_in_business_hours(
    received: datetime, due: datetime, engine: Engine, admin: Member
) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)

    write_in(engine, conversation_id, received)

    assert conversation_of(engine, conversation_id).sla_due_at == due
    assert reminders(engine, ReminderKind.SLA) == [
        (due - timedelta(minutes=30), ReminderState.PENDING),
        (due, ReminderState.PENDING),
    ]


def test_the_clock_runs_from_the_first_unanswered_message_and_stops_at_the_reply(
    engine: Engine, admin: Member
) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)
    write_in(engine, conversation_id, MONDAY_10)
    write_in(engine, conversation_id, MONDAY_10 + timedelta(hours=1))
    write_in(engine, conversation_id, MONDAY_10 + timedelta(hours=1, minutes=5), "mailing list")
    assert conversation_of(engine, conversation_id).sla_due_at == MONDAY_10 + timedelta(hours=2)

    answer(
        engine, conversation_id, MONDAY_10 + timedelta(minutes=50), MONDAY_10 + timedelta(hours=1)
    )

    assert conversation_of(engine, conversation_id).sla_due_at is None
    assert {state for _, state in reminders(engine, ReminderKind.SLA)} == {ReminderState.CANCELLED}


def test_automated_mail_starts_no_clock(engine: Engine, admin: Member) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)

    write_in(engine, conversation_id, MONDAY_10, automated="auto-submitted")

    assert conversation_of(engine, conversation_id).sla_due_at is None


def promise(
    engine: Engine, member: Member, conversation_id: int, due: datetime, now: datetime
) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        user = session.get(User, member.user_id)
        assert conversation is not None and user is not None
        make_promise(session, conversation=conversation, user=user, due_at=due, now=now)


def test_a_reply_before_the_promised_time_keeps_the_promise(engine: Engine, admin: Member) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)
    promised = MONDAY_10 + timedelta(hours=5)
    promise(engine, admin, conversation_id, promised, now=MONDAY_10)
    assert reminders(engine, ReminderKind.PROMISE) == [
        (promised - timedelta(minutes=30), ReminderState.PENDING),
        (promised, ReminderState.PENDING),
    ]

    answer(engine, conversation_id, MONDAY_10, MONDAY_10 + timedelta(seconds=10))
    assert conversation_of(engine, conversation_id).promise_state == "pending", (
        "the reply that made the promise does not keep it"
    )
    answer(engine, conversation_id, MONDAY_10 + timedelta(hours=4), MONDAY_10 + timedelta(hours=4))

    assert conversation_of(engine, conversation_id).promise_state == "kept"
    assert {state for _, state in reminders(engine, ReminderKind.PROMISE)} == {
        ReminderState.CANCELLED
    }
    assert break_lapsed_promises(engine, promised + timedelta(hours=1)) == 0


def test_a_lapsed_promise_is_broken_once_and_overdue_until_answered(
    engine: Engine, admin: Member, client: TestClient
) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)
    promised = datetime.now(UTC) - timedelta(minutes=5)
    promise(engine, admin, conversation_id, promised, now=promised - timedelta(hours=1))

    assert break_lapsed_promises(engine, promised - timedelta(seconds=1)) == 0
    assert break_lapsed_promises(engine, promised + timedelta(seconds=1)) == 1
    assert break_lapsed_promises(engine, promised + timedelta(seconds=2)) == 0

    broken = conversation_of(engine, conversation_id)
    assert (broken.promise_state, broken.sla_due_at) == ("broken", promised)
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert actions == ["promise.made", "promise.broken"]
    overdue = "/api/v1/conversations?view=overdue"
    assert [c["id"] for c in client.get(overdue, headers=admin.headers).json()["items"]] == [
        conversation_id
    ]

    answer(engine, conversation_id, datetime.now(UTC), datetime.now(UTC))

    answered = conversation_of(engine, conversation_id)
    assert (answered.promise_state, answered.sla_due_at) == ("broken", None)
    assert client.get(overdue, headers=admin.headers).json()["items"] == []


def test_overdue_view_and_count_list_open_conversations_past_their_due_time(
    engine: Engine, admin: Member, client: TestClient
) -> None:
    late = seed_conversation(engine, admin.workspace_id, "Late")
    another(engine, late, "On time")
    write_in(engine, late, datetime.now(UTC) - timedelta(days=3))

    overdue = client.get("/api/v1/conversations?view=overdue", headers=admin.headers).json()
    counts = client.get("/api/v1/conversations/counts", headers=admin.headers).json()

    assert [item["subject"] for item in overdue["items"]] == ["Late"]
    assert overdue["items"][0]["sla_due_at"] is not None
    assert counts["overdue"] == 1


def test_the_promise_report_counts_made_kept_and_broken(
    engine: Engine, admin: Member, client: TestClient
) -> None:
    kept = seed_conversation(engine, admin.workspace_id, "kept")
    broken, open_ = (another(engine, kept, subject) for subject in ("broken", "open"))
    start = datetime.now(UTC) - timedelta(hours=2)
    for conversation_id in (kept, broken):
        promise(engine, admin, conversation_id, start + timedelta(hours=1), now=start)
    promise(engine, admin, open_, datetime.now(UTC) + timedelta(hours=1), now=datetime.now(UTC))
    answer(engine, kept, start + timedelta(minutes=10), start + timedelta(minutes=10))
    break_lapsed_promises(engine, datetime.now(UTC))

    report = client.get("/api/v1/reports/promises", headers=admin.headers).json()
    later = client.get(
        "/api/v1/reports/promises",
        params={"since": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()},
        headers=admin.headers,
    ).json()
    backwards = client.get(
        "/api/v1/reports/promises",
        params={"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
        headers=admin.headers,
    )

    assert (report["made"], report["kept"], report["broken"], report["pending_now"]) == (3, 1, 1, 1)
    assert (later["made"], later["kept"], later["broken"]) == (0, 0, 0)
    assert backwards.status_code == 422


def test_a_promise_given_in_another_zone_is_kept_and_told_in_utc(
    engine: Engine, admin: Member
) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)
    moscow = timezone(timedelta(hours=3))
    promise(
        engine, admin, conversation_id, datetime(2026, 11, 23, 18, 0, tzinfo=moscow), now=MONDAY_10
    )
    assert conversation_of(engine, conversation_id).promised_at == datetime(
        2026, 11, 23, 15, 0, tzinfo=UTC
    )
    with Session(engine) as session:
        heads_up = session.exec(
            select(Reminder.text)
            .where(Reminder.kind == ReminderKind.PROMISE)
            .order_by(col(Reminder.due_at))
        ).first()
    assert heads_up is not None and "by Nov 23, 2026, 15:00:" in heads_up
