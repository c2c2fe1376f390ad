"""The conversation page, its controls, the email frame and the composers."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Conversation, Message, Notification, Role
from app.web.pages import file_size
from tests.app.web.conftest import Inbox, seed
from tests.conftest import Member, Team


def test_page_shows_messages_notes_and_history(client: TestClient, csrf: str, inbox: Inbox) -> None:
    page = client.get(f"/c/{inbox.conversation_id}")
    assert page.status_code == 200
    assert "Internal note — not visible to the client" in page.text
    assert "VIP client, be quick" in page.text
    assert "Old login question" in page.text, "the contact's other conversation"
    assert 'sandbox="allow-same-origin"' in page.text, "sized by the page, never scripted"
    assert "allow-scripts" not in page.text
    assert "tracker.example" not in page.text, "email HTML never enters Tandem's page"
    assert "Piotr &lt;piotr@client.test&gt;" in page.text, "reply-all keeps the Cc"


def test_email_frame_runs_nothing_and_blocks_remote_images(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    url = f"/c/{inbox.conversation_id}/messages/{inbox.message_id}/html"
    frame = client.get(url)
    policy = frame.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox allow-same-origin" in policy
    assert "script-src" not in policy and "allow-scripts" not in policy
    assert "https:" not in policy.split("img-src")[1]
    assert "https:" in client.get(url, params={"images": "1"}).headers["Content-Security-Policy"]
    assert client.get(f"/c/{inbox.other_id}/messages/{inbox.message_id}/html").status_code == 404


def test_another_workspace_is_not_found(
    client: TestClient, csrf: str, team: Team, engine: Engine
) -> None:
    theirs = seed(engine, team.admin_of_new_workspace("Other", "boss@other.test"))
    assert client.get(f"/c/{theirs.conversation_id}").status_code == 404
    answer = client.post(
        f"/c/{theirs.conversation_id}/notes", data={"body": "hi", "csrf_token": csrf}
    )
    assert answer.status_code == 404


def test_controls_assign_and_show_bad_input(
    client: TestClient, csrf: str, inbox: Inbox, admin: Member, engine: Engine
) -> None:
    form = {"csrf_token": csrf, "status": "open", "priority": "high", "tags": "vip, billing"}
    done = client.post(
        f"/c/{inbox.conversation_id}/update",
        data={**form, "assignee": str(admin.user_id)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    bad = client.post(
        f"/c/{inbox.conversation_id}/update", data={**form, "status": "snoozed", "assignee": ""}
    )
    assert bad.status_code == 422
    assert "snoozed" in bad.text
    with Session(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        assert conversation.assignee_id == admin.user_id
        assert conversation.tags == ["vip", "billing"]
        assert conversation.status == "open"


def test_promise_shows_a_badge(client: TestClient, csrf: str, inbox: Inbox) -> None:
    answer = client.post(
        f"/c/{inbox.conversation_id}/promise", data={"csrf_token": csrf, "when": "1h"}
    )
    assert answer.status_code == 200
    assert 'id="promise-badge"' in answer.text
    bad = client.post(
        f"/c/{inbox.conversation_id}/promise",
        data={"csrf_token": csrf, "when": "custom", "custom": "2001-01-01T10:00"},
    )
    assert bad.status_code == 422
    assert "future" in bad.text


def test_reply_to_all_queues_with_undo_then_cancel_keeps_text(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    page = client.post(
        f"/c/{inbox.conversation_id}/reply",
        data={"csrf_token": csrf, "body_text": "We are on it.", "seen_count": "1"},
    )
    assert "Undo" in page.text
    with Session(engine) as session:
        reply = session.exec(select(Message).where(Message.direction == "outbound")).one()
        assert reply.state == "queued"
        assert reply.cc == ["Piotr <piotr@client.test>"]
    undone = client.post(f"/outbox/{reply.id}/cancel", data={"csrf_token": csrf})
    assert "Reply cancelled" in undone.text
    assert "We are on it." in undone.text, "the text comes back to the box"


def test_a_queued_reply_waits_in_the_outbox_and_a_cancelled_one_leaves_the_timeline(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    """The page reads the timeline the API does (`inbox.timeline`): a reply cancelled in its
    undo window was never sent, so it is not in the conversation."""
    page = f"/c/{inbox.conversation_id}"
    client.post(f"{page}/reply", data={"csrf_token": csrf, "body_text": "We are on it."})
    with Session(engine) as session:
        reply = session.exec(select(Message).where(Message.direction == "outbound")).one()
    waiting = client.get(page).text
    assert f'id="message-{reply.id}"' in waiting
    assert "A reply is queued" in waiting and f"/outbox/{reply.id}/cancel" in waiting

    client.post(f"/outbox/{reply.id}/cancel", data={"csrf_token": csrf})

    after = client.get(page).text
    assert f'id="message-{reply.id}"' not in after
    assert "A reply is queued" not in after and f"/outbox/{reply.id}/cancel" not in after
    assert f'id="message-{inbox.message_id}"' in after


def test_sender_only_needs_a_reason_and_keeps_the_draft(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    refused = client.post(
        f"/c/{inbox.conversation_id}/reply",
        data={"csrf_token": csrf, "body_text": "Just you, Olga.", "mode": "sender"},
    )
    assert refused.status_code == 422
    assert "needs a reason" in refused.text
    assert "Just you, Olga." in refused.text
    with Session(engine) as session:
        assert session.exec(select(Message).where(Message.direction == "outbound")).first() is None


def test_reply_repeating_a_note_is_held_until_confirmed(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    data = {"csrf_token": csrf, "body_text": "Note: VIP client, be quick"}
    held = client.post(f"/c/{inbox.conversation_id}/reply", data=data)
    assert held.status_code == 409
    assert "Send anyway" in held.text
    sent = client.post(f"/c/{inbox.conversation_id}/reply", data={**data, "confirm": "true"})
    assert sent.status_code == 200
    assert "Undo" in sent.text


def test_note_with_mention_notifies_the_teammate(
    client: TestClient, csrf: str, inbox: Inbox, team: Team, admin: Member, engine: Engine
) -> None:
    ben = team.member(admin.workspace_id, "ben@acme.test", Role.AGENT)
    done = client.post(
        f"/c/{inbox.conversation_id}/notes",
        data={"csrf_token": csrf, "body": "@ben@acme.test can you check?"},
    )
    assert done.status_code == 200
    with Session(engine) as session:
        notices = session.exec(
            select(Notification).where(Notification.user_id == ben.user_id)
        ).all()
        assert len(notices) == 1
    bad = client.post(
        f"/c/{inbox.conversation_id}/notes",
        data={"csrf_token": csrf, "body": "@nobody@nowhere.test hello"},
    )
    assert bad.status_code == 422
    assert "@nobody@nowhere.test hello" in bad.text, "the note stays in the box"
    names = client.get("/members.json").json()
    assert {"ben@acme.test", admin.email} <= {person["email"] for person in names}


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1, "1 byte"), (200, "200 bytes"), (2458, "2.4 KB"), (3250586, "3.1 MB")],
)
def test_attachment_sizes_read_naturally(size: int, shown: str) -> None:
    assert file_size(size) == shown


def _html_reply(engine: Engine, inbox: Inbox, html: str, quoted: str) -> int:
    with Session(engine) as session:
        first = session.get(Message, inbox.message_id)
        assert first is not None
        reply = Message(
            workspace_id=first.workspace_id,
            conversation_id=inbox.conversation_id,
            mailbox_id=first.mailbox_id,
            gmail_id=f"g-{len(html)}",
            from_address="olga@client.test",
            subject="Re: Invoice is wrong",
            date=first.date,
            visible_text="Thanks, that works.",
            quoted_text=quoted,
            html_body=html,
            rfc_message_id=f"r{len(html)}@client.test",
        )
        session.add(reply)
        session.commit()
        assert reply.id is not None
        return reply.id


def test_an_html_reply_shows_its_quoted_history_once(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    """The frame shows the new part; the history is under "Show quoted history" only."""
    html = (
        '<div dir="ltr">Thanks, that works.</div>'
        '<div class="gmail_quote"><div>On Mon, Anna wrote:</div>'
        "<blockquote>Please try the new invoice.</blockquote></div>"
    )
    reply_id = _html_reply(
        engine, inbox, html, "On Mon, Anna wrote:\n> Please try the new invoice."
    )
    framed = client.get(f"/c/{inbox.conversation_id}/messages/{reply_id}/html").text
    assert "Thanks, that works." in framed
    assert "Please try the new invoice." not in framed
    assert "font:15px/1.5 system-ui" in framed and "img{max-width:100%" in framed
    page = client.get(f"/c/{inbox.conversation_id}").text
    history = page.split(f'id="message-{reply_id}"')[1].split("</li>")[0]
    assert "Show quoted history" in history and "Please try the new invoice." in history


def test_a_quote_the_frame_cannot_cut_off_is_shown_in_the_frame_only(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    html = "<p>Thanks, that works.</p><p>&gt; Please try the new invoice.</p>"
    reply_id = _html_reply(engine, inbox, html, "> Please try the new invoice.")
    framed = client.get(f"/c/{inbox.conversation_id}/messages/{reply_id}/html").text
    assert "Please try the new invoice." in framed
    page = client.get(f"/c/{inbox.conversation_id}").text
    entry = page.split(f'id="message-{reply_id}"')[1].split("</li>")[0]
    assert "Show quoted history" not in entry
