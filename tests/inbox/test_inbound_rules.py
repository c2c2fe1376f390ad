"""Routing rules on a client's new mail, through a real sync against the emulator: each
condition and action, their order and stop_processing, history left alone, a broken rule
isolated, the auto-reply sent once, and the dry run."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Conversation, Message, MessageKind
from app.core.settings import Settings
from inbox.assignment import assign_new_mail
from inbox.inbound_rules import apply_rules
from inbox.urgent_mail import raise_urgent_mail
from scheduler.jobs import sync_due_mailboxes
from tests.conftest import Member, Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver

SUPPORT = "support@acme.test"
STEPS = [raise_urgent_mail, apply_rules, assign_new_mail]
NEWSLETTER = b"List-Unsubscribe: <mailto:out@news.test>\r\nPrecedence: bulk\r\n"


class Inbox:
    """The emulator's support mailbox and Tandem syncing it with the after-sync steps."""

    def __init__(
        self,
        admin: Member,
        tandem: TestClient,
        engine: Engine,
        settings: Settings,
        control: httpx.Client,
        make_mail: Callable[..., bytes],
    ) -> None:
        self.admin, self.tandem, self.engine, self.settings = admin, tandem, engine, settings
        self.control, self.make_mail = control, make_mail
        self.start = datetime.now(UTC)
        self.sent = 0
        control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()

    def connect(self) -> None:
        """Connected and its history imported, with the rules there are."""
        connect_via_api(self.tandem, self.admin.headers, SUPPORT)
        self.sync()

    def write(
        self, subject: str, body: str, sender: str, *, head: bytes = b"", **more: Any
    ) -> None:
        self.sent += 1
        when = self.start + timedelta(seconds=self.sent)
        raw = self.make_mail(subject, body, sender=sender, date=when, **more)
        deliver(self.control, SUPPORT, head + raw)

    def sync(self) -> None:
        self.tandem.post("/api/v1/mailboxes/1/sync", headers=self.admin.headers, json={})
        assert sync_due_mailboxes(self.engine, self.settings, after_sync=STEPS) == 1

    def rule(self, **body: Any) -> dict[str, Any]:
        created = self.tandem.post("/api/v1/rules", headers=self.admin.headers, json=body)
        assert created.status_code == 201, created.text
        return dict(created.json())

    def conversations(self) -> dict[str, Conversation]:
        with Session(self.engine) as session:
            return {c.subject: c for c in session.exec(select(Conversation))}

    def events(self, action: str) -> list[AuditEvent]:
        with Session(self.engine) as session:
            query = select(AuditEvent).where(col(AuditEvent.action) == action)
            return list(session.exec(query.order_by(col(AuditEvent.id))))


@pytest.fixture
def inbox(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> Inbox:
    return Inbox(admin, tandem, engine, sync_settings, control, make_mail)


def test_rules_route_live_mail_in_order_and_leave_history_alone(
    inbox: Inbox, admin: Member, team: Team, tandem: TestClient
) -> None:
    inbox.write("Invoice for March", "Please send the invoice.", "old@client.com")
    anna = team.member(admin.workspace_id, "anna@acme.test")
    ben = team.member(admin.workspace_id, "ben@acme.test")
    tandem.patch("/api/v1/workspace", json={"auto_assign": True}, headers=admin.headers)
    connect_via_api(tandem, admin.headers, SUPPORT)
    billing = inbox.rule(
        name="Billing",
        conditions={"senders": ["@client.com"], "words": ["счёт", "invoice"]},
        actions={"assign_to": ben.user_id, "tags": ["billing"], "priority": "high"},
        stop_processing=True,
    )
    inbox.rule(name="Client", conditions={"senders": ["@CLIENT.com"]}, actions={"tags": ["client"]})
    inbox.rule(name="Russian", conditions={"language": "ru"}, actions={"tags": ["ru"]})
    inbox.rule(
        name="Urgent",
        conditions={"urgent": True},
        actions={"tags": ["hot"], "assign_in_turn": True},
    )
    inbox.rule(
        name="Newsletters",
        conditions={"automated": True},
        actions={"file_as_automated": True, "close": True},
    )
    inbox.rule(
        name="Known", conditions={"client": "known", "mailbox_id": 1}, actions={"priority": "low"}
    )
    inbox.rule(name="Off", enabled=False, conditions={"words": ["hello"]}, actions={"close": True})
    inbox.sync()

    inbox.write("Где счёта за март?", "Пришлите, пожалуйста, счета.", "olga@client.com")
    inbox.write("Hello", "Hello, a question about the limits of the API tokens.", "bob@client.com")
    inbox.write("Сайт", "Срочно! Сайт не работает, клиенты не могут оплатить.", "ivan@other.test")
    inbox.write("Weekly digest", "Our news this week", "news@shop.test", head=NEWSLETTER)
    inbox.write("Delivery", "When does my parcel arrive, please tell me.", "old@client.com")
    inbox.sync()

    found = inbox.conversations()
    # One turn for all: Ben got the first mail by rule, so the urgent one went to Anna in
    # turn, then round-robin gave Ben and Anna the rest.
    seen = {s: (c.tags, c.priority, c.assignee_id, c.status, c.automated) for s, c in found.items()}
    assert seen == {
        "Invoice for March": ([], "normal", None, "open", False),
        "Где счёта за март?": (["billing"], "high", ben.user_id, "open", False),
        "Hello": (["client"], "normal", ben.user_id, "open", False),
        "Сайт": (["ru", "hot"], "urgent", anna.user_id, "open", False),
        "Weekly digest": ([], "normal", None, "closed", True),
        "Delivery": (["client"], "low", anna.user_id, "open", False),
    }
    applied = inbox.events("rule.applied")
    by_conversation = [(e.conversation_id, e.details["rule"]) for e in applied]
    assert (found["Где счёта за март?"].id, "Client") not in by_conversation, "stop_processing"
    first = next(e for e in applied if e.details["rule_id"] == billing["id"])
    assert first.details["did"] == [
        {"action": "priority", "priority": "high"},
        {"action": "tags", "added": ["billing"]},
        {"action": "assign", "agent_id": ben.user_id, "agent": "ben"},
    ]
    assert inbox.events("rule.failed") == []


def test_the_order_decides_who_gets_the_mail(inbox: Inbox, admin: Member, team: Team) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    ben = team.member(admin.workspace_id, "ben@acme.test")
    to_anna = inbox.rule(
        name="Anna", conditions={"words": ["export"]}, actions={"assign_to": anna.user_id}
    )
    to_ben = inbox.rule(
        name="Ben", conditions={"words": ["export"]}, actions={"assign_to": ben.user_id}
    )
    reordered = inbox.tandem.post(
        "/api/v1/rules/order", headers=admin.headers, json={"ids": [to_ben["id"], to_anna["id"]]}
    )
    assert [r["name"] for r in reordered.json()] == ["Ben", "Anna"]
    inbox.connect()
    inbox.write("Exports fail", "The exported file is empty", "c@client.test")
    inbox.sync()
    assert inbox.conversations()["Exports fail"].assignee_id == ben.user_id
    skipped = [e.details["did"] for e in inbox.events("rule.applied")]
    assert skipped == [[{"action": "assign", "agent_id": ben.user_id, "agent": "ben"}]], (
        "Anna's rule found an owner already and did nothing, so it left no event"
    )


def test_a_broken_rule_is_isolated_and_visible(
    inbox: Inbox, admin: Member, team: Team, tandem: TestClient
) -> None:
    leaving = team.member(admin.workspace_id, "leaving@acme.test")
    template = tandem.post(
        "/api/v1/templates",
        headers=admin.headers,
        json={"name": "Got it", "body_text": "Hello {{ contact.first_name }}"},
    ).json()
    gone = inbox.rule(
        name="Gone agent",
        conditions={"words": ["order"]},
        actions={"assign_to": leaving.user_id, "tags": ["half"]},
    )
    broken = inbox.rule(
        name="Gone template",
        conditions={"words": ["order"]},
        actions={"auto_reply_template_id": template["id"], "close": True},
    )
    inbox.rule(name="Works", conditions={"words": ["order"]}, actions={"tags": ["orders"]})
    tandem.patch(
        f"/api/v1/users/{leaving.user_id}", headers=admin.headers, json={"is_active": False}
    )
    assert (
        tandem.delete(f"/api/v1/templates/{template['id']}", headers=admin.headers).status_code
        == 204
    )
    inbox.connect()
    inbox.write("My order", "Where is my order?", "c@client.test")
    inbox.sync()

    conversation = inbox.conversations()["My order"]
    assert (conversation.tags, conversation.status) == (["orders"], "open"), (
        "the broken rules' partial changes are undone, the next rule ran"
    )
    failed = {e.details["rule"]: e.details["error"] for e in inbox.events("rule.failed")}
    assert failed == {
        "Gone agent": f"member {leaving.user_id} is no longer an active member of the team",
        "Gone template": f"template {template['id']} no longer exists",
    }
    listed = {
        r["id"]: r["last_error"] for r in tandem.get("/api/v1/rules", headers=admin.headers).json()
    }
    assert listed[gone["id"]] == failed["Gone agent"]
    assert listed[broken["id"]] == failed["Gone template"]
    fixed = tandem.patch(
        f"/api/v1/rules/{broken['id']}", headers=admin.headers, json={"actions": {"close": True}}
    )
    assert fixed.json()["last_error"] is None, "saving the rule clears its error"


def test_the_auto_reply_goes_once_per_conversation_and_never_to_robots(
    inbox: Inbox, admin: Member, tandem: TestClient
) -> None:
    template = tandem.post(
        "/api/v1/templates",
        headers=admin.headers,
        json={
            "name": "Refunds",
            "body_text": "Hello {{ contact.first_name }}, refunds take 5 days.",
        },
    ).json()
    inbox.rule(
        name="Refunds",
        conditions={"words": ["refund"]},
        actions={"auto_reply_template_id": template["id"]},
    )
    inbox.connect()
    inbox.write(
        "Refund please", "I want a refund", "Olga <olga@client.test>", message_id="<r1@client.test>"
    )
    inbox.write("Refund news", "Refunds explained", "news@shop.test", head=NEWSLETTER)
    inbox.sync()
    inbox.write(
        "Re: Refund please",
        "The refund is still not here",
        "Olga <olga@client.test>",
        in_reply_to="<r1@client.test>",
    )
    inbox.sync()

    found = inbox.conversations()
    assert set(found) == {"Refund please", "Refund news"}, "the client's reply joined its thread"
    with Session(inbox.engine) as session:
        replies = session.exec(
            select(Message).where(col(Message.kind) == MessageKind.AUTO_ACK)
        ).all()
    assert [(m.conversation_id, m.to, m.text_body) for m in replies] == [
        (found["Refund please"].id, ["Olga <olga@client.test>"], "Hello Olga, refunds take 5 days.")
    ]


def test_a_dry_run_shows_what_a_rule_would_do_and_changes_nothing(
    inbox: Inbox, admin: Member, team: Team, tandem: TestClient
) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    inbox.write("Заказ не пришёл", "Где мой заказ?", "olga@client.test")
    inbox.write("Password reset", "I cannot sign in", "bob@client.test")
    inbox.connect()
    body = {
        "conditions": {"words": ["заказа"], "words_in": "subject"},
        "actions": {"assign_to": anna.user_id, "tags": ["orders"]},
    }
    tried = tandem.post("/api/v1/rules/dry-run", headers=admin.headers, json=body)
    assert tried.status_code == 200, tried.text
    assert [(m["subject"], m["sender"]) for m in tried.json()] == [
        ("Заказ не пришёл", "olga@client.test")
    ]
    assert [e["text"] for e in tried.json()[0]["effects"]] == [
        "add tags orders",
        "assign to anna",
    ]
    assert all(c.tags == [] for c in inbox.conversations().values()), "nothing changed"
    assert tandem.get("/api/v1/rules", headers=admin.headers).json() == []
