"""The conversation page with a teammate on it: who is there and typing (the presence line the
page asks for again when told), a send while a teammate's reply waits in its undo window (asked
first, in the web composer as without JavaScript), and the timeline fragment the page fetches
again when a message or a note arrives."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Message, MessageState, Role
from tests.app.web.conftest import Inbox, sign_in
from tests.conftest import Member, Team


@pytest.fixture
def ben(team: Team, admin: Member) -> Member:
    return team.member(admin.workspace_id, "ben@acme.test", Role.AGENT)


@pytest.fixture
def ben_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as second:
        yield second


def test_a_teammate_typing_is_named_replying_and_the_line_alone_comes_back(
    client: TestClient, csrf: str, inbox: Inbox, ben: Member, ben_client: TestClient
) -> None:
    path = f"/c/{inbox.conversation_id}/presence"
    ben_csrf = sign_in(ben_client, ben)
    ben_client.post(path, data={"tab": "b1", "typing": "true"}, headers={"X-CSRF-Token": ben_csrf})
    line = client.post(path, data={"tab": "a1"}, headers={"X-CSRF-Token": csrf})
    assert "<strong>ben</strong> is replying" in line.text
    assert 'id="presence"' not in line.text, "the line goes inside the box the page keeps"
    ben_client.post(path, data={"tab": "b1", "leaving": "true"}, headers={"X-CSRF-Token": ben_csrf})
    assert (
        "ben</strong>"
        not in client.post(path, data={"tab": "a1"}, headers={"X-CSRF-Token": csrf}).text
    )
    page = client.get(f"/c/{inbox.conversation_id}").text
    assert 'hx-trigger="load, every 10s, presence-refresh"' in page
    assert "/static/conversation.js" in page


def test_a_send_while_a_teammates_reply_is_queued_asks_first_and_sends_on_confirm(
    client: TestClient,
    csrf: str,
    inbox: Inbox,
    ben: Member,
    ben_client: TestClient,
    engine: Engine,
) -> None:
    ben_csrf = sign_in(ben_client, ben)
    reply = f"/c/{inbox.conversation_id}/reply"
    ben_client.post(reply, data={"csrf_token": ben_csrf, "body_text": "Ben's answer."})
    held = client.post(
        reply, data={"csrf_token": csrf, "body_text": "Anna's answer.", "then": "closed"}
    )
    assert held.status_code == 409
    assert "<strong>ben</strong> is sending a reply: send anyway?" in held.text
    assert "Anna&#39;s answer." in held.text, "the held text is shown again"
    assert f'formaction="/c/{inbox.conversation_id}/reply?then=closed"' in held.text
    assert '"confirm": true' not in held.text, "the API's wording stays the API's"
    with Session(engine) as session:
        assert len(session.exec(select(Message).where(Message.direction == "outbound")).all()) == 1
    sent = client.post(
        f"{reply}?then=closed",
        data={"csrf_token": csrf, "body_text": "Anna's answer.", "confirm": "true"},
    )
    assert sent.status_code == 200
    with Session(engine) as session:
        states = session.exec(select(Message.state).where(Message.direction == "outbound")).all()
    assert sorted(states) == [MessageState.QUEUED, MessageState.QUEUED]
