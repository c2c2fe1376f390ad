"""The outcome box after sending: while the reply is on its way to Gmail (the outbox job sends
it after the page was answered) its line asks again, and stops asking once Gmail has it."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from app.core.db import session_scope
from app.core.models import Message, MessageState, utcnow
from tests.app.web.conftest import Inbox, sign_in
from tests.conftest import Team


def _queued_reply(client: TestClient, inbox: Inbox, csrf: str, engine: Engine) -> int:
    sent = client.post(
        f"/c/{inbox.conversation_id}/reply",
        data={"csrf_token": csrf, "body_text": "On its way"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    with session_scope(engine) as session:
        reply = session.exec(select(Message).where(Message.direction == "outbound")).one()
        reply.send_after = utcnow() - timedelta(seconds=1)
        return int(reply.id or 0)


def test_a_reply_due_now_is_asked_about_until_gmail_has_it(
    client: TestClient, inbox: Inbox, csrf: str, engine: Engine
) -> None:
    reply_id = _queued_reply(client, inbox, csrf, engine)

    due = client.get(f"/outbox/{reply_id}/state")
    with session_scope(engine) as session:
        reply = session.get(Message, reply_id)
        assert reply is not None
        reply.state = MessageState.SENDING
    sending = client.get(f"/outbox/{reply_id}/state")
    with session_scope(engine) as session:
        reply = session.get(Message, reply_id)
        assert reply is not None
        reply.state = MessageState.SENT
    sent = client.get(f"/outbox/{reply_id}/state")

    assert f'hx-get="/outbox/{reply_id}/state"' in due.text
    assert "Undo" in due.text
    assert "Reply sending." in sending.text
    assert "hx-trigger" in sending.text
    assert "✔ Reply sent to" in sent.text
    assert "hx-trigger" not in sent.text


def test_a_reply_in_its_undo_window_is_not_asked_about(
    client: TestClient, inbox: Inbox, csrf: str
) -> None:
    page = client.post(
        f"/c/{inbox.conversation_id}/reply", data={"csrf_token": csrf, "body_text": "Later"}
    )

    assert "Undo" in page.text
    assert 'id="sent-state"' in page.text
    assert "/state" not in page.text


def test_another_workspaces_reply_is_404(
    client: TestClient, inbox: Inbox, csrf: str, engine: Engine, team: Team
) -> None:
    reply_id = _queued_reply(client, inbox, csrf, engine)
    sign_in(client, team.admin_of_new_workspace("Other", "boss@other.test"))

    assert client.get(f"/outbox/{reply_id}/state").status_code == 404
