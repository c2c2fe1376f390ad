# ruff: noqa: RUF001 - Russian subjects are half the point
"""Repeat requests: a client's new conversation about a matter closed the week before is linked
to it and goes to the agent who had it, when they are available."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Conversation
from app.core.settings import Settings
from inbox.assignment import assign_new_mail
from inbox.repeat_requests import link_repeat_requests, same_matter
from scheduler.jobs import sync_due_mailboxes
from tests.conftest import Member, Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver

SUPPORT = "support@acme.test"
STEPS = [link_repeat_requests, assign_new_mail]


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Invoice is wrong", "Re: invoice wrong again", True),
        ("Не приходят заказы", "Заказы опять не приходят", True),
        ("Fwd: Export to Excel fails", "Export to excel failing", True),
        ("Invoice is wrong", "Password reset", False),
        ("Question", "Question", False),
        ("Вопрос", "Вопрос по оплате", False),
    ],
)
def test_subjects_about_the_same_matter(one: str, other: str, same: bool) -> None:
    assert same_matter(one, other) is same


def test_a_repeat_request_is_linked_and_goes_to_the_agent_who_had_it(
    admin: Member,
    team: Team,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    ben = team.member(admin.workspace_id, "ben@acme.test")
    anna = team.member(admin.workspace_id, "anna@acme.test")
    tandem.patch("/api/v1/workspace", json={"auto_assign": True}, headers=admin.headers)
    connect_via_api(tandem, admin.headers, SUPPORT)
    sync_due_mailboxes(engine, sync_settings, after_sync=STEPS)
    start = datetime.now(UTC)

    def write(subject: str, sender: str, seconds: int) -> None:
        when = start + timedelta(seconds=seconds)
        deliver(control, SUPPORT, make_mail(subject, "Hello", sender=sender, date=when))
        tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
        sync_due_mailboxes(engine, sync_settings, after_sync=STEPS)

    write("Заказы не приходят", "olga@client.test", 1)
    write("Счёт за ноябрь", "olga@client.test", 2)
    with Session(engine) as session:
        first = {c.subject: c.id for c in session.exec(select(Conversation))}
    for subject in first:
        closed = tandem.patch(
            f"/api/v1/conversations/{first[subject]}",
            headers=admin.headers,
            json={"status": "closed", "assignee_id": ben.user_id},
        )
        assert closed.status_code == 200
    write("Re: заказы опять не приходят", "olga@client.test", 3)
    write("Заказы не приходят", "someone@else.test", 4)
    with Session(engine) as session:
        found = {(c.subject, c.contact_id): c for c in session.exec(select(Conversation))}
        repeat = next(c for (s, _), c in found.items() if s.startswith("Re: заказы"))
        other = next(
            c for (s, _), c in found.items() if s == "Заказы не приходят" and c.id != first[s]
        )
        linked = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "conversation.repeat")
        ).all()
    assert repeat.repeat_of_id == first["Заказы не приходят"]
    assert repeat.assignee_id == ben.user_id, "the agent who had it"
    assert other.repeat_of_id is None and other.assignee_id == anna.user_id, "in turn"
    assert [(e.conversation_id, e.after) for e in linked] == [
        (repeat.id, {"repeat_of_id": first["Заказы не приходят"]})
    ]
    shown = tandem.get(f"/api/v1/conversations/{repeat.id}", headers=admin.headers).json()
    assert shown["repeat_of_id"] == first["Заказы не приходят"]
