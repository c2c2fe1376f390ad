"""The guarantee of internal notes, as a property: whatever agents and the system do, no byte
of a note reaches the client, through Gmail or a client-facing webhook.

Each example is a fresh workspace and mailbox whose conversation carries notes with unique
marker strings; hypothesis picks a sequence of replies (to all, to the sender with a reason
that names a marker, canned replies from a template named with a marker), attempts to paste a
note, automatic acknowledgements, resolution messages, reassignments with handoff notes, new
client mail and webhook deliveries. Afterwards every message the emulator was asked to send,
every message in the mailbox and every client-facing webhook body is searched for the markers
(raw and decoded), while the internal webhook must have seen them (so they were really there).
"""

import base64
import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import Conversation, utcnow
from app.core.settings import Settings
from app.main import create_app
from gmail_sync.sync import sync_mailbox
from inbox.auto_ack import acknowledge_new_mail
from scheduler.jobs import send_replies
from tests.conftest import Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver
from tests.webhooks.receiver import Receiver, running_receiver
from webhooks.delivery import deliver_due
from webhooks.sync_events import emit_sync_events

ACTIONS = (
    "reply_all",
    "reply_sender",
    "reply_template",
    "paste_note",
    "reassign",
    "client_writes",
    "new_client_conversation",
    "close_with_resolution",
    "deliver_webhooks",
)
#: What Tandem may ask Gmail to do: read, send replies, watch. Never drafts, labels or inserts.
ALLOWED_GMAIL_METHODS = {
    "getProfile",
    "labels.list",
    "settings.sendAs.list",
    "history.list",
    "messages.list",
    "messages.get",
    "messages.attachments.get",
    "threads.list",
    "threads.get",
    "messages.send",
    "watch",
    "stop",
}
_examples = itertools.count()
WORDS = st.lists(
    st.sampled_from(["hello", "invoice", "refund", "Friday", "спасибо", "счёт", "soon", "ok"]),
    min_size=1,
    max_size=8,
).map(" ".join)


@pytest.fixture
def instant(sync_settings: Settings) -> Iterator[TestClient]:
    """Replies go at once; webhooks may post to the local receivers."""
    changes = {"undo_send_seconds": 0, "webhook_allow_private": True}
    with TestClient(create_app(sync_settings.model_copy(update=changes))) as app:
        yield app


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    with running_receiver() as client_facing, running_receiver() as internal:
        yield client_facing, internal


class Scenario:
    """One example's workspace, mailbox and conversation, and the moves agents make on it."""

    def __init__(
        self,
        api: TestClient,
        team: Team,
        engine: Engine,
        settings: Settings,
        control: httpx.Client,
        make_mail: Callable[..., bytes],
    ) -> None:
        self.api, self.engine, self.settings, self.control = api, engine, settings, control
        self.make_mail = make_mail
        self.n = next(_examples)
        self.admin = team.admin_of_new_workspace(f"WS{self.n}", f"admin{self.n}@acme.test")
        self.agent = team.member(self.admin.workspace_id, f"agent{self.n}@acme.test")
        self.mailbox = f"support{self.n}@acme.test"
        self.client = f"Anna Petrova <anna{self.n}@client.test>"
        self.markers: list[str] = []
        self.thread_message_id = f"<start{self.n}@client.test>"

    @property
    def headers(self) -> dict[str, str]:
        return self.admin.headers

    def marker(self) -> str:
        self.markers.append(f"NOTEMARK{uuid.uuid4().hex.upper()}")
        return self.markers[-1]

    def start(self, client_url: str, internal_url: str) -> None:
        for url, internal in ((client_url, False), (internal_url, True)):
            events = sorted(EVENTS | {"note.created"})
            hook = {"url": url, "events": events, "is_internal": internal}
            assert self.api.post("/api/v1/webhooks", json=hook, headers=self.headers).is_success
        self.control.post("/_emulator/mailboxes", json={"email": self.mailbox}).raise_for_status()
        self.mailbox_id = connect_via_api(self.api, self.headers, self.mailbox)
        self.write(f"Order {self.n}", message_id=self.thread_message_id, cc=True)
        with Session(self.engine) as session:
            self.conversation_id = session.exec(
                select(Conversation.id).where(Conversation.mailbox_id == self.mailbox_id)
            ).one()
        for kind in ("note", "handoff", "note"):
            self.note(f"Internal {self.marker()}: the client owes us three invoices.", kind)

    def note(self, body: str, kind: str = "note") -> None:
        url = f"/api/v1/conversations/{self.conversation_id}/notes"
        created = self.api.post(url, json={"body": body, "kind": kind}, headers=self.headers)
        assert created.status_code == 201, created.text

    def write(self, subject: str, *, message_id: str | None = None, cc: bool = False) -> None:
        raw = self.make_mail(
            subject,
            "Hello, any news?",
            sender=self.client,
            to=self.mailbox,
            cc=f"boris{self.n}@client.test" if cc else None,
            message_id=message_id,
            in_reply_to=None if message_id else self.thread_message_id,
            date=utcnow().replace(microsecond=0) + timedelta(seconds=1),
        )
        deliver(self.control, self.mailbox, raw)
        self.settle()

    def settle(self) -> None:
        """A scheduler tick for this mailbox: sync, acknowledge, announce, send."""
        report = sync_mailbox(
            engine=self.engine, settings=self.settings, mailbox_id=self.mailbox_id
        )
        assert report.error is None, report.error
        with session_scope(self.engine) as session:
            live = [i.message_id for i in report.ingested if i.created and i.live]
            emit_sync_events(session=session, message_ids=live, now=utcnow())
            acknowledge_new_mail(session, report)
        send_replies(self.engine, self.settings)

    def reply(self, body: dict[str, Any]) -> httpx.Response:
        url = f"/api/v1/conversations/{self.conversation_id}/reply"
        return self.api.post(url, json=body, headers=self.headers)

    def template(self, text: str) -> int:
        body = {"name": f"{self.marker()} {uuid.uuid4().hex[:6]}", "body_text": text}
        created = self.api.post("/api/v1/templates", json=body, headers=self.headers)
        assert created.status_code == 201, created.text
        return int(created.json()["id"])


EVENTS = {
    "conversation.created",
    "conversation.updated",
    "conversation.closed",
    "message.received",
    "message.sent",
}


def act(scenario: Scenario, action: str, words: str) -> None:
    """Random words mix English and Russian, which the language check would hold (409): they
    are confirmed, as they hold nothing of a note."""
    if action == "reply_all":
        assert scenario.reply({"body_text": words, "confirm": True}).status_code == 201
    elif action == "reply_sender":
        reason = f"only Anna may know; see note {scenario.markers[0]}"
        answer = scenario.reply(
            {"body_text": words, "mode": "sender", "reason": reason, "confirm": True}
        )
        assert answer.status_code == 201, answer.text
    elif action == "reply_template":
        template = scenario.template("Hi {{ contact.first_name }}, #{{ conversation.number }}.")
        assert scenario.reply({"template_id": template}).status_code == 201
    elif action == "paste_note":
        pasted = f"Internal {scenario.markers[0]}: the client owes us three invoices."
        assert scenario.reply({"body_text": pasted}).status_code == 409
    elif action == "reassign":
        url = f"/api/v1/conversations/{scenario.conversation_id}"
        moved = {"assignee_id": scenario.agent.user_id}
        assert scenario.api.patch(url, json=moved, headers=scenario.headers).is_success
        scenario.note(f"Handoff {scenario.marker()}: promised a discount.", "handoff")
    elif action == "client_writes":
        scenario.write("Re: order")
    elif action == "new_client_conversation":
        scenario.write(f"Another question {uuid.uuid4().hex[:6]}", message_id=None)
    elif action == "close_with_resolution":
        url = f"/api/v1/conversations/{scenario.conversation_id}"
        template = scenario.template("All solved, {{ contact.first_name }}. " + words)
        closing = {"status": "closed", "resolution_template_id": template}
        assert scenario.api.patch(url, json=closing, headers=scenario.headers).is_success
    else:
        deliver_due(engine=scenario.engine, now=utcnow(), allow_private=True)


def texts_of(raw: bytes) -> list[str]:
    """The raw message and every part decoded (quoted-printable may split a marker)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    found = [raw.decode("ascii", "replace"), str(message)]
    for part in message.walk():
        if not part.is_multipart():
            content = part.get_content()
            found.append(content if isinstance(content, str) else content.decode("latin-1"))
    return found


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=st.lists(st.sampled_from(ACTIONS), min_size=2, max_size=7), words=WORDS)
def test_no_note_ever_reaches_the_client(
    plan: list[str],
    words: str,
    instant: TestClient,
    team: Team,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
    receivers: tuple[Receiver, Receiver],
) -> None:
    client_facing, internal = receivers
    control.post("/_emulator/reset").raise_for_status()
    scenario = Scenario(instant, team, engine, sync_settings, control, make_mail)
    scenario.start(client_facing.url, internal.url)
    for action in plan:
        act(scenario, action, words)
    scenario.settle()
    deliver_due(engine=engine, now=utcnow(), allow_private=True)

    sent = control.get(f"/_emulator/mailboxes/{scenario.mailbox}/sent").json()["messages"]
    assert sent, "the new conversation was at least acknowledged"
    outgoing = [text for item in sent for text in texts_of(base64.urlsafe_b64decode(item["raw"]))]
    hooks = [request.body.decode() for request in client_facing.requests]
    for marker in scenario.markers:
        assert not any(marker in text for text in outgoing), f"{marker} went out by mail"
        assert not any(marker in body for body in hooks), f"{marker} went to a client webhook"
    methods = set(control.get("/_emulator/quota").json()["by_method"])
    assert methods <= ALLOWED_GMAIL_METHODS, f"Gmail was asked to {methods - ALLOWED_GMAIL_METHODS}"
    internal_bodies = " ".join(request.body.decode() for request in internal.requests)
    assert scenario.markers[0] in internal_bodies, "internal webhooks do get the notes"
