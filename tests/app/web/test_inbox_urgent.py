"""Urgent conversations lead the web inbox with an "Urgent" badge that says why, on the list
and on the conversation page, and `e` works through them first."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.models import Conversation, id_of
from tests.app.web.conftest import Inbox

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
