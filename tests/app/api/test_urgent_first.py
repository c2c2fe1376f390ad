"""Urgent conversations come first in every list of GET /api/v1/conversations, and its pages
still walk every conversation exactly once: when the urgent part ends mid-page, when a
conversation is raised to urgent or lowered between pages, and from a cursor of the earlier
form."""

import base64
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from app.core.db import session_scope
from app.core.models import Conversation, Mailbox, id_of
from inbox.list_pages import MAX_SHOWN
from tests.conftest import Member

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class Inbox:
    """Conversations of one workspace, each `minutes` after START; two may share a time."""

    def __init__(self, engine: Engine, member: Member) -> None:
        self.engine, self.member = engine, member
        with session_scope(engine) as session:
            mailbox = Mailbox(workspace_id=member.workspace_id, email="urgent@a.test")
            session.add(mailbox)
            session.flush()
            self.mailbox_id = id_of(mailbox)

    def add(
        self, minutes: int, priority: str = "normal", status: str = "open", ident: int | None = None
    ) -> int:
        with session_scope(self.engine) as session:
            conversation = Conversation(
                id=ident,
                workspace_id=self.member.workspace_id,
                mailbox_id=self.mailbox_id,
                gmail_thread_id=f"t{minutes}.{priority}.{id(self)}.{datetime.now(UTC)}",
                subject=f"At {minutes}",
                status=status,
                priority=priority,
                last_message_at=START + timedelta(minutes=minutes),
            )
            session.add(conversation)
            session.flush()
            return id_of(conversation)

    def set_priority(self, conversation_id: int, priority: str) -> None:
        with session_scope(self.engine) as session:
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.priority = priority


def page(client: TestClient, member: Member, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/conversations", params=params, headers=member.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def walk(client: TestClient, member: Member, limit: int, **params: Any) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        found = page(
            client, member, limit=limit, **params, **({"cursor": cursor} if cursor else {})
        )
        seen += [item["id"] for item in found["items"]]
        if (cursor := found["next_cursor"]) is None:
            return seen


def test_urgent_first_then_the_rest_each_latest_first_at_every_page_size(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    inbox = Inbox(engine, admin)
    rest = [inbox.add(minutes) for minutes in (50, 40, 40, 30, 20, 10)]
    urgent = [inbox.add(minutes, "urgent") for minutes in (45, 5, 5)]
    closed_urgent = inbox.add(60, "urgent", status="closed")
    # Latest activity first, the higher id first on a tie.
    order = [urgent[0], urgent[2], urgent[1], rest[0], rest[2], rest[1], *rest[3:]]
    for limit in range(1, 11):  # the urgent part ends mid-page, at a page's end, or alone
        assert walk(client, admin, limit, view="open") == order, limit
    assert walk(client, admin, 4) == [closed_urgent, *order]
    assert walk(client, admin, 2, priority="urgent") == [closed_urgent, *order[:3]]
    assert walk(client, admin, 2, priority="normal") == order[3:]


def test_raised_or_lowered_between_pages_each_still_comes_once(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    inbox = Inbox(engine, admin)
    u1, u2, u3 = (inbox.add(minutes, "urgent") for minutes in (90, 80, 70))
    r1, r2, r3, r4, r5, r6 = (inbox.add(minutes) for minutes in (60, 50, 40, 30, 20, 10))
    first = page(client, admin, limit=2)
    assert [item["id"] for item in first["items"]] == [u1, u2]
    inbox.set_priority(u1, "high")  # shown, then lowered: not again among the rest
    inbox.set_priority(u3, "normal")  # lowered before it was shown: in its place among the rest
    inbox.set_priority(r5, "urgent")  # raised while the urgent part is read: in that part
    second = page(client, admin, limit=3, cursor=first["next_cursor"])
    assert [item["id"] for item in second["items"]] == [r5, u3, r1]
    inbox.set_priority(r5, "normal")  # shown as urgent, then lowered: not again
    inbox.set_priority(r1, "urgent")  # raised after it was shown: not again
    inbox.set_priority(r6, "urgent")  # raised past the urgent part, not yet shown: in its place
    third = page(client, admin, limit=10, cursor=second["next_cursor"])
    assert [item["id"] for item in third["items"]] == [r2, r3, r4, r6]
    assert third["next_cursor"] is None
    fresh = walk(client, admin, 3)
    assert fresh == [u2, r1, r6, u1, u3, r2, r3, r4, r5], "a new walk sorts them as they are now"


def test_raised_behind_the_cursor_of_the_urgent_part_it_comes_among_the_rest(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    inbox = Inbox(engine, admin)
    r0, u1, r1, u2 = inbox.add(95), inbox.add(90, "urgent"), inbox.add(80), inbox.add(70, "urgent")
    r2, r3 = inbox.add(60), inbox.add(50)
    first = page(client, admin, limit=1)
    assert [item["id"] for item in first["items"]] == [u1]
    inbox.set_priority(r0, "urgent")  # newer than the cursor: the urgent part has passed it
    inbox.set_priority(r1, "urgent")  # older: the urgent part still shows it
    rest = page(client, admin, limit=10, cursor=first["next_cursor"])
    assert [item["id"] for item in rest["items"]] == [r1, u2, r0, r2, r3]


def test_past_the_urgent_conversations_a_cursor_carries_the_walk_is_still_whole(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    inbox = Inbox(engine, admin)
    # Ids as long as a database integer's, so the cursor is as long as it can be.
    urgent = [
        inbox.add(1000 - minutes, "urgent", ident=2_000_000_000 + minutes)
        for minutes in range(MAX_SHOWN + 5)
    ]
    rest = [inbox.add(500 - minutes) for minutes in range(7)]
    assert walk(client, admin, 50) == urgent + rest
    first = page(client, admin, limit=MAX_SHOWN + 2)
    assert base64.urlsafe_b64decode(first["next_cursor"]).endswith(b"|*"), "too many to carry"
    following = page(client, admin, limit=50, cursor=first["next_cursor"])
    assert [item["id"] for item in following["items"]] == urgent[MAX_SHOWN + 2 :] + rest


def test_a_cursor_of_the_earlier_form_goes_on_by_activity_alone(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    """What a client paging when Tandem was upgraded holds: the rest of the walk it began,
    urgent conversations in their place by activity."""
    inbox = Inbox(engine, admin)
    newer, older = inbox.add(30), inbox.add(20)
    older_urgent, oldest = inbox.add(15, "urgent"), inbox.add(10)
    earlier = f"{(START + timedelta(minutes=30)).isoformat()}|{newer}"
    cursor = base64.urlsafe_b64encode(earlier.encode()).decode()
    found = page(client, admin, limit=2, cursor=cursor)
    assert [item["id"] for item in found["items"]] == [older, older_urgent]
    following = page(client, admin, limit=2, cursor=found["next_cursor"])
    assert [item["id"] for item in following["items"]] == [oldest]


def test_a_cursor_not_of_ours_is_refused_with_a_message(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    Inbox(engine, admin).add(1)
    stamp = START.isoformat()
    for text in (
        f"urgent|{stamp}|1",
        f"later|{stamp}|1|",
        f"rest|{stamp}|99999999999999999999999|",
        f"rest|{stamp}|1|1,,2",
        f"rest|{stamp}|1|" + ",".join(str(n) for n in range(MAX_SHOWN + 1)),
        "search|2",
    ):
        cursor = base64.urlsafe_b64encode(text.encode()).decode()
        response = client.get(
            "/api/v1/conversations", params={"cursor": cursor}, headers=admin.headers
        )
        assert response.status_code == 422, text
        assert "cursor" in response.json()["detail"]


def test_the_urgent_part_is_read_from_its_index(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    inbox = Inbox(engine, admin)
    for minutes in range(40):
        inbox.add(minutes, "urgent" if minutes % 20 == 0 else "normal")
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert len(page(client, admin, view="open")["items"]) == 40
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = next(
        (s, p) for s, p in captured if re.search(r"conversation\.priority = ", s)
    )
    with Session(engine) as session:
        connection = session.connection()
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE conversation")
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        else:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        lines = [str(row[-1]) for row in plan]
    assert any("ix_conversation_urgent" in line for line in lines), lines
