"""Urgent conversations lead the web inbox with an "Urgent" badge that says why, on the list
and on the conversation page, and `e` works through them first; raising one by hand or
lowering it moves the reply's due time to the other target."""

import re
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.models import Conversation, Reminder, ReminderKind, ReminderState, id_of
from gmail_sync.ingest import Ingested
from gmail_sync.sync import SyncReport
from inbox.promises import HEADS_UP, run_reply_clocks
from inbox.sla import first_response_due, policy_of, urgent_response_due
from tests.app.web.conftest import START, Inbox
from tests.conftest import Member

ROW = re.compile(r'<li class="conversation[^"]*" data-id="(\d+)"')
REASON = 'The client wrote "site is down" & <asap>'


def _add(engine: Engine, inbox: Inbox, subject: str, minutes: int, **fields: object) -> int:
    """An open conversation of Olga's mailbox, `minutes` after the seeded open one."""
    with Session(engine) as session:
        first = session.get(Conversation, inbox.conversation_id)
        assert first is not None and first.last_message_at is not None
        conversation = Conversation(
            workspace_id=first.workspace_id,
            mailbox_id=first.mailbox_id,
            contact_id=first.contact_id,
            gmail_thread_id=f"urgent-test-{subject}",
            subject=subject,
            message_count=1,
            last_message_at=first.last_message_at + timedelta(minutes=minutes),
            **fields,
        )
        session.add(conversation)
        session.commit()
        return id_of(conversation)


def _badge(page: str, conversation_id: int) -> str:
    """The row's priority badge."""
    row = page.split(f'data-id="{conversation_id}"', 1)[1].split("</li>", 1)[0]
    found = re.search(r'<span class="badge prio-[^"]*"[^>]*>[^<]*</span>', row)
    return found.group(0) if found else ""


def test_urgent_conversations_lead_the_inbox_with_a_badge_that_says_why(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    newest = _add(engine, inbox, "Newest question", 30)
    raised = _add(engine, inbox, "Checkout broken", -60, priority="urgent", urgency_reason=REASON)
    by_hand = _add(engine, inbox, "Call me back", -90, priority="urgent")
    page = client.get("/inbox", params={"view": "open"}).text
    assert [int(found) for found in ROW.findall(page)] == [
        raised,
        by_hand,
        newest,
        inbox.conversation_id,
    ]
    assert _badge(page, raised) == (
        '<span class="badge prio-urgent" title="The client wrote &#34;site is down&#34; &amp; '
        '&lt;asap&gt;">urgent</span>'
    )
    assert _badge(page, by_hand) == '<span class="badge prio-urgent">urgent</span>'
    assert _badge(page, newest) == ""
    conversation = client.get(f"/c/{raised}").text
    assert 'class="badge prio-urgent" title="The client wrote &#34;site is down' in conversation
    russian = client.get("/inbox", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text
    assert _badge(russian, by_hand) == '<span class="badge prio-urgent">срочный</span>'


def test_e_works_through_the_urgent_conversations_first(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    newest = _add(engine, inbox, "Newest question", 30)
    first = _add(engine, inbox, "Checkout broken", -60, priority="urgent")
    second = _add(engine, inbox, "Call me back", -90, priority="urgent")
    went = []
    for current in (first, second, newest):
        closed = client.post(
            f"/c/{current}/close",
            data={"csrf_token": csrf, "from": "view=open"},  # the default list
            follow_redirects=False,
        )
        went.append(closed.headers["location"])
    assert went == [f"/c/{second}", f"/c/{newest}", f"/c/{inbox.conversation_id}"]


def _clock(engine: Engine, inbox: Inbox) -> tuple[datetime | None, list[datetime]]:
    """The conversation's reply due time, and its pending SLA reminders' times."""
    with Session(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        reminders = session.exec(
            select(Reminder.due_at).where(
                col(Reminder.conversation_id) == inbox.conversation_id,
                col(Reminder.kind) == ReminderKind.SLA,
                col(Reminder.state) == ReminderState.PENDING,
            )
        ).all()
        return conversation.sla_due_at, sorted(reminders)


def test_raising_to_urgent_by_hand_or_lowering_it_moves_the_reply_due_time(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine, admin: Member
) -> None:
    """Olga's mail at START owes a first reply; an agent raising the conversation to urgent
    through the API owes it by the urgent target instead, and lowering it on the page gives the
    first-reply target back, the reminders moving each time."""
    with session_scope(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        mail = Ingested(inbox.message_id, inbox.conversation_id, True, True)
        run_reply_clocks(session, SyncReport(conversation.mailbox_id, ingested=[mail]))
        policy = policy_of(session, admin.workspace_id)
    first, urgent = first_response_due(policy, START), urgent_response_due(policy, START)
    assert urgent < first
    assert _clock(engine, inbox) == (first, [first - HEADS_UP, first])

    raised = client.patch(
        f"/api/v1/conversations/{inbox.conversation_id}",
        headers=admin.headers,
        json={"priority": "urgent"},
    )
    assert raised.status_code == 200
    assert raised.json()["sla_due_at"] == urgent.isoformat().replace("+00:00", "Z")
    assert _clock(engine, inbox) == (urgent, [urgent - HEADS_UP, urgent])

    form = {"csrf_token": csrf, "status": "open", "priority": "normal", "assignee": ""}
    lowered = client.post(f"/c/{inbox.conversation_id}/update", data=form, follow_redirects=False)
    assert lowered.status_code == 303
    assert _clock(engine, inbox) == (first, [first - HEADS_UP, first])
