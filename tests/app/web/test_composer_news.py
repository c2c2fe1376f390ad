"""A reply posted from a page that no longer shows everything: mail that arrived after the page
was shown holds it, the agent's own reply going out meanwhile does not."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import Conversation, Message, MessageState
from tests.app.web.conftest import Inbox


def _seen_at(page: str) -> str:
    match = re.search(r'name="seen_at" value="([^"]+)"', page)
    assert match, "the composer says when the page was shown"
    return match.group(1)


def _reply(client: TestClient, inbox: Inbox, csrf: str, seen_at: str, text: str) -> str:
    answer = client.post(
        f"/c/{inbox.conversation_id}/reply",
        data={"csrf_token": csrf, "body_text": text, "seen_at": seen_at},
        follow_redirects=False,
    )
    return f"{answer.status_code} {answer.text}"


def test_mail_that_arrived_after_the_page_holds_the_reply_and_keeps_the_text(
    client: TestClient, inbox: Inbox, csrf: str, engine: Engine
) -> None:
    seen_at = _seen_at(client.get(f"/c/{inbox.conversation_id}").text)
    with session_scope(engine) as session:
        first = session.get(Message, inbox.message_id)
        assert first is not None
        session.add(
            Message(
                workspace_id=first.workspace_id,
                conversation_id=inbox.conversation_id,
                mailbox_id=first.mailbox_id,
                gmail_id="g2",
                from_address="olga@client.test",
                subject="Re: Invoice is wrong",
                date=first.date,
                visible_text="Never mind, found it",
                rfc_message_id="m2@client.test",
            )
        )

    held = _reply(client, inbox, csrf, seen_at, "Checking your invoice")

    assert held.startswith("409")
    assert "a new message arrived in this conversation while you were typing" in held
    assert "Checking your invoice" in held
    fresh = _seen_at(client.get(f"/c/{inbox.conversation_id}").text)
    assert _reply(client, inbox, csrf, fresh, "Glad you found it").startswith("303")


def test_the_agents_own_reply_going_out_while_they_type_is_no_news(
    client: TestClient, inbox: Inbox, csrf: str, engine: Engine
) -> None:
    seen_before = _seen_at(client.get(f"/c/{inbox.conversation_id}").text)
    assert _reply(client, inbox, csrf, seen_before, "First answer").startswith("303")
    seen_at = _seen_at(client.get(f"/c/{inbox.conversation_id}").text)
    with session_scope(engine) as session:
        first = session.exec(select(Message).where(Message.direction == "outbound")).one()
        first.state, first.gmail_id = MessageState.SENT, "g-sent"
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        conversation.message_count += 1

    assert _reply(client, inbox, csrf, seen_at, "And one more thing").startswith("303")
    with Session(engine) as session:
        replies = session.exec(select(Message.visible_text).where(Message.direction == "outbound"))
        assert sorted(replies) == ["And one more thing", "First answer"]
