"""Automatic mail against the emulator, over HTTP: bounces, read receipts, auto-replies,
out-of-office answers and newsletters are synced, never acknowledged, never assigned, run no
SLA clock and wait in the Automated view instead of the team's open work, until a person
writes into one of them."""

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Conversation, Message
from app.core.settings import Settings
from inbox.assignment import assign_new_mail
from inbox.auto_ack import acknowledge_new_mail
from inbox.promises import run_reply_clocks
from scheduler.jobs import send_replies, sync_due_mailboxes
from tests.app.web.conftest import sign_in
from tests.conftest import Member, Team
from tests.gmail_sync.automated_samples import ALL, AUTOMATED, BOUNCES, LISTS, PEOPLE, Sample
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver

SUPPORT = "support@acme.test"
OPEN_WORK = ("mine", "unassigned", "open", "pending", "overdue")
BY_NAME = {sample.name: sample for sample in ALL}


class Desk:
    """The support mailbox connected, round-robin on between two agents, and the scheduler's
    after-sync work run by hand."""

    def __init__(
        self,
        tandem: TestClient,
        engine: Engine,
        settings: Settings,
        control: httpx.Client,
        admin: Member,
        agents: list[Member],
    ) -> None:
        self.tandem, self.engine, self.settings, self.control = tandem, engine, settings, control
        self.admin, self.agents = admin, agents
        self.mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
        self.settle()

    def write_in(self, *raws: bytes) -> None:
        for raw in raws:
            deliver(self.control, SUPPORT, raw)
        url = f"/api/v1/mailboxes/{self.mailbox_id}/sync"
        assert self.tandem.post(url, headers=self.admin.headers, json={}).status_code == 202

    def settle(self) -> None:
        hooks = [assign_new_mail, run_reply_clocks, acknowledge_new_mail]
        sync_due_mailboxes(self.engine, self.settings, after_sync=hooks)
        send_replies(self.engine, self.settings)

    def acknowledged(self) -> set[str]:
        sent = self.control.get(f"/_emulator/mailboxes/{SUPPORT}/sent").json()["messages"]
        parser = BytesParser(policy=policy.default)
        mails = [parser.parsebytes(base64.urlsafe_b64decode(item["raw"])) for item in sent]
        return {parseaddr(str(mail["To"]))[1].lower() for mail in mails}

    def conversation_of(self, sample: str) -> Conversation:
        with Session(self.engine) as session:
            message = session.exec(
                select(Message).where(Message.rfc_message_id == f"{sample}@samples.test")
            ).one()
            conversation = session.get(Conversation, message.conversation_id)
            assert conversation is not None
            return conversation

    def listed(self, view: str, member: Member | None = None, query: str = "") -> set[int]:
        params: dict[str, Any] = {"view": view, "limit": 200}
        if query:
            params["q"] = query
        response = self.tandem.get(
            "/api/v1/conversations", params=params, headers=(member or self.admin).headers
        )
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    def counts(self, member: Member | None = None) -> dict[str, int]:
        response = self.tandem.get(
            "/api/v1/conversations/counts", headers=(member or self.admin).headers
        )
        counted: dict[str, int] = response.json()
        return counted


@pytest.fixture
def desk(
    admin: Member,
    team: Team,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> Iterator[Desk]:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    agents = [team.member(admin.workspace_id, f"{name}@acme.test") for name in ("anna", "ben")]
    switched = tandem.patch("/api/v1/workspace", json={"auto_assign": True}, headers=admin.headers)
    assert switched.json()["auto_assign"] is True
    yield Desk(tandem, engine, sync_settings, control, admin, agents)


def just_now(seconds: int = 1) -> datetime:
    """A Date after the connection time (whole seconds, hence one ahead)."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_only_people_are_acknowledged_and_each_message_is_stored_as_who_wrote_it(
    desk: Desk,
) -> None:
    desk.write_in(*(sample.raw(just_now()) for sample in ALL))
    desk.settle()

    answered = {sample.sender for sample in PEOPLE if sample.no_auto_reply is None}
    assert desk.acknowledged() == answered
    assert len(answered) >= 20
    with Session(desk.engine) as session:
        stored = {
            message.rfc_message_id: (message.automated, message.no_auto_reply)
            for message in session.exec(select(Message).where(Message.direction == "inbound"))
        }
    assert stored == {
        f"{sample.name}@samples.test": (sample.automated, sample.no_auto_reply) for sample in ALL
    }


def test_automated_mail_waits_in_its_own_view_unassigned_and_without_an_sla(
    desk: Desk,
) -> None:
    names = ["postfix-dsn", "read-receipt", "exchange-oof", "oof-subject-6", "esp-newsletter"]
    people = ["google-group-post", "suppress-all", "person-subject-0", "auto-submitted-no"]
    desk.write_in(*(BY_NAME[name].raw(just_now()) for name in names + people))
    desk.settle()

    machines = {desk.conversation_of(name).id for name in names}
    persons = {desk.conversation_of(name).id for name in people}
    for name in names:
        conversation = desk.conversation_of(name)
        assert conversation.automated, name
        assert (conversation.assignee_id, conversation.sla_due_at) == (None, None), name
    for name in people:
        conversation = desk.conversation_of(name)
        assert not conversation.automated, name
        assert conversation.assignee_id in {agent.user_id for agent in desk.agents}, name
        assert conversation.sla_due_at is not None, name
    assert desk.listed("automated") == machines
    assert desk.listed("open") == persons
    assert desk.listed("all") == machines | persons
    for member in desk.agents:
        for view in OPEN_WORK:
            assert not desk.listed(view, member) & machines, (member.email, view)
    assert_counts_match_lists(desk)
    assert desk.counts()["automated"] == len(names)
    bounce = desk.conversation_of("postfix-dsn").id
    assert desk.listed("automated", query="Undelivered") == {bounce}
    assert desk.listed("open", query="Undelivered") == set(), "search keeps to the view"


def assert_counts_match_lists(desk: Desk) -> None:
    for member in (desk.admin, *desk.agents):
        counted = desk.counts(member)
        for view, count in counted.items():
            assert len(desk.listed(view, member)) == count, (member.email, view)
        statuses = ("open", "pending", "snoozed", "closed", "automated")
        assert counted["all"] == sum(counted[view] for view in statuses)


def reply(sample: Sample, sender: str, text: str, seconds: int = 2) -> bytes:
    """A person answering in the thread of `sample`."""
    subject = next(line for line in sample.head.splitlines() if line.startswith("Subject:"))
    return (
        f"From: {sender}\r\nTo: {SUPPORT}\r\nSubject: Re: {subject[9:]}\r\n"
        f"Date: {just_now(seconds).strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
        f"Message-ID: <answer-{sample.name}@client.test>\r\n"
        f"In-Reply-To: <{sample.name}@samples.test>\r\n"
        f"References: <{sample.name}@samples.test>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    ).encode()


def automatic_answer(sample: Sample, header: str, seconds: int = 2) -> bytes:
    """An automatic answer (a vacation notice, a bounce, the next newsletter) in the thread of
    `sample`, as Gmail threads it: same subject after "Re:", referring to the message."""
    subject = next(line for line in sample.head.splitlines() if line.startswith("Subject:"))
    return (
        f"From: Robot <robot-{sample.name}@client.test>\r\nTo: {SUPPORT}\r\n"
        f"Subject: Re: {subject[9:]}\r\n{header}\r\n"
        f"Date: {just_now(seconds).strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
        f"Message-ID: <robot-{sample.name}@client.test>\r\n"
        f"In-Reply-To: <{sample.name}@samples.test>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\nI am away until Monday.\r\n"
    ).encode()


@pytest.mark.parametrize("automated", ["jira-notification", "exim-bounce", "github-notification"])
def test_a_person_writing_into_automated_mail_makes_it_the_teams_work(
    automated: str, desk: Desk
) -> None:
    sample = BY_NAME[automated]
    desk.write_in(sample.raw(just_now()))
    desk.settle()
    machine = desk.conversation_of(automated)
    assert machine.automated and machine.assignee_id is None

    desk.write_in(reply(sample, "Maria Lopez <maria@client.test>", "Can you look at this?"))
    desk.settle()

    person = desk.conversation_of(automated)
    assert person.id == machine.id and person.message_count == 2
    assert not person.automated
    assert person.assignee_id == desk.agents[0].user_id, "round-robin picks it up now"
    assert person.sla_due_at is not None, "the SLA clock runs from the person's message"
    assert person.id in desk.listed("open") and person.id not in desk.listed("automated")
    assert desk.acknowledged() == set(), "not the start of a conversation"

    desk.write_in(automatic_answer(sample, "Auto-Submitted: auto-replied", seconds=3))
    desk.settle()
    assert not desk.conversation_of(automated).automated, "a person wrote here: it stays work"


@pytest.mark.parametrize(
    ("status", "header"),
    [
        ("closed", "Auto-Submitted: auto-replied"),
        ("pending", "X-Autoreply: yes"),
        ("snoozed", "Precedence: bulk"),
        ("closed", "X-Failed-Recipients: anna@client.test"),
    ],
)
def test_automatic_answers_never_reopen_a_persons_conversation_but_the_person_does(
    status: str, header: str, desk: Desk
) -> None:
    sample = BY_NAME["person-subject-0"]
    desk.write_in(sample.raw(just_now()))
    desk.settle()
    before = desk.conversation_of(sample.name)
    conversation_id = before.id
    change: dict[str, Any] = {"status": status}
    if status == "snoozed":
        change["snoozed_until"] = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    patched = desk.tandem.patch(
        f"/api/v1/conversations/{conversation_id}", json=change, headers=desk.admin.headers
    )
    assert patched.status_code == 200, patched.text

    desk.write_in(automatic_answer(sample, header))
    desk.settle()
    after = desk.conversation_of(sample.name)
    assert (after.status, after.automated) == (status, False)
    assert after.message_count == before.message_count + 1, "the answer is synced all the same"

    desk.write_in(reply(sample, "Client 0 <client0@client.test>", "Any news?", seconds=3))
    desk.settle()
    assert desk.conversation_of(sample.name).status == "open"


def test_more_automated_mail_reopens_an_automated_conversation_into_its_own_view(
    desk: Desk,
) -> None:
    sample = LISTS[0]
    desk.write_in(sample.raw(just_now()))
    desk.settle()
    conversation_id = desk.conversation_of(sample.name).id
    desk.tandem.patch(
        f"/api/v1/conversations/{conversation_id}",
        json={"status": "closed"},
        headers=desk.admin.headers,
    ).raise_for_status()
    assert conversation_id not in desk.listed("automated")

    desk.write_in(automatic_answer(sample, "Precedence: bulk"))
    desk.settle()

    again = desk.conversation_of(sample.name)
    assert (again.status, again.automated, again.assignee_id) == ("open", True, None)
    assert conversation_id in desk.listed("automated")
    assert conversation_id not in desk.listed("open")
    assert_counts_match_lists(desk)


def test_history_imported_at_connection_is_filed_the_same_way(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    old = datetime.now(UTC) - timedelta(days=2)
    for sample in [*BOUNCES[:3], *AUTOMATED[-3:], *PEOPLE[:3]]:
        deliver(control, SUPPORT, sample.raw(old))
    connect_via_api(tandem, admin.headers, SUPPORT)
    sync_due_mailboxes(engine, sync_settings, after_sync=[assign_new_mail, acknowledge_new_mail])

    with Session(engine) as session:
        filed = {
            conversation.subject: conversation.automated
            for conversation in session.exec(select(Conversation))
        }
    assert sorted(filed.values()).count(True) == 6
    assert sorted(filed.values()).count(False) == 3


def test_the_web_inbox_lists_automated_mail_under_its_own_link(desk: Desk) -> None:
    bounce, person = BY_NAME["postfix-dsn"], BY_NAME["person-subject-1"]
    desk.write_in(bounce.raw(just_now()), person.raw(just_now()))
    desk.settle()
    sign_in(desk.tandem, desk.admin)

    automated = desk.tandem.get("/inbox", params={"view": "automated"}).text
    work = desk.tandem.get("/inbox").text
    counts = desk.tandem.get("/inbox/counts", params={"view": "open"}).text

    assert "Undelivered Mail Returned to Sender" in automated
    assert "Is your office open on Saturday?" not in automated
    assert "Is your office open on Saturday?" in work
    assert "Undelivered Mail Returned to Sender" not in work
    for page in (automated, work, counts):
        link = re.search(r'data-view="automated">\s*Automated <span class="count">(\d+)<', page)
        assert link is not None and link.group(1) == "1"
    assert re.search(r'data-view="open">\s*All open <span class="count">1<', counts)
