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

from app.core.models import Conversation, Message, MessageState, Role, utcnow
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
    assert "A reply by ben is queued" in held.text, "whose reply waits, in the outbox lines"
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
    with Session(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None and conversation.status == "closed", "as picked"


def test_the_timeline_fragment_shows_a_new_message_and_note_with_their_markers(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine, admin: Member
) -> None:
    """What the open page fetches again when a `message.stored` or `note.created` event comes:
    the timeline alone (the boxes with typed text are outside it), each inbound message and
    note with a marker the page shows on the ones it did not have."""
    with Session(engine) as session:
        first = session.get(Message, inbox.message_id)
        assert first is not None
        later = Message(
            workspace_id=first.workspace_id,
            conversation_id=inbox.conversation_id,
            mailbox_id=first.mailbox_id,
            gmail_id="g2",
            from_address="lea@client.test",
            from_name="Lea",
            to=first.to,
            subject="Re: Invoice is wrong",
            date=utcnow(),
            visible_text="Any news?",
            rfc_message_id="m2@client.test",
        )
        session.add(later)
        session.commit()
        later_id = later.id
    client.post(
        f"/c/{inbox.conversation_id}/notes", data={"csrf_token": csrf, "body": "Calling her now"}
    )
    part = client.get(f"/c/{inbox.conversation_id}/timeline")
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="timeline"'), "the fragment alone, no page"
    assert f'id="message-{later_id}"' in part.text and "Any news?" in part.text
    assert '<p class="new-marker" hidden>New message from Lea</p>' in part.text
    assert "Calling her now" in part.text
    assert "New note from admin" in part.text
    assert 'id="reply-body"' not in part.text and 'id="note-body"' not in part.text
    page = client.get(f"/c/{inbox.conversation_id}").text
    assert page.index('id="timeline"') < page.index('id="reply-body"')
    assert page.count('id="timeline"') == 1


def test_the_timeline_fragment_leaves_out_the_reply_the_outcome_box_shows(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    client.post(
        f"/c/{inbox.conversation_id}/reply", data={"csrf_token": csrf, "body_text": "On it."}
    )
    with Session(engine) as session:
        reply = session.exec(select(Message).where(Message.direction == "outbound")).one()
    path = f"/c/{inbox.conversation_id}/timeline"
    assert f"/outbox/{reply.id}/cancel" in client.get(path).text
    assert f"/outbox/{reply.id}/cancel" not in client.get(f"{path}?sent={reply.id}").text
