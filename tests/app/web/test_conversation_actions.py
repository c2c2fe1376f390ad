"""The conversation page's quick actions: a reply sent with a status ("Send and close", "Send
and mark pending") and undone, snooze from its own control, and `e` (close) going on to the
next conversation of the list the agent came from."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Conversation, Message, MessageState, User, Workspace
from tests.app.web.conftest import Inbox
from tests.conftest import Member


def _status(engine: Engine, conversation_id: int) -> str:
    with Session(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        return conversation.status


def _reply(engine: Engine) -> Message:
    with Session(engine) as session:
        return session.exec(select(Message).where(Message.direction == "outbound")).one()


def test_send_and_close_closes_as_the_reply_is_queued_and_undo_reopens(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    page = f"/c/{inbox.conversation_id}"
    shown = client.get(page).text
    assert 'name="then" value="closed"' in shown and "Send and close" in shown
    assert "Send and mark pending" in shown
    sent = client.post(
        f"{page}/reply", data={"csrf_token": csrf, "body_text": "Fixed.", "then": "closed"}
    )
    assert sent.status_code == 200
    assert "Closed with this reply; Undo puts the conversation back as it was." in sent.text
    assert _status(engine, inbox.conversation_id) == "closed"
    reply = _reply(engine)
    assert reply.state == MessageState.QUEUED

    undone = client.post(f"/outbox/{reply.id}/cancel", data={"csrf_token": csrf})
    assert "Reply cancelled" in undone.text
    assert _status(engine, inbox.conversation_id) == "open", "nothing was sent: still open"
    assert _reply(engine).state == MessageState.CANCELLED


def test_undo_keeps_a_status_a_teammate_set_after_the_send(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    page = f"/c/{inbox.conversation_id}"
    client.post(
        f"{page}/reply", data={"csrf_token": csrf, "body_text": "Asked.", "then": "pending"}
    )
    assert _status(engine, inbox.conversation_id) == "pending"
    client.post(
        f"{page}/update",
        data={"csrf_token": csrf, "status": "closed", "assignee": "", "priority": "normal"},
    )
    client.post(f"/outbox/{_reply(engine).id}/cancel", data={"csrf_token": csrf})
    assert _status(engine, inbox.conversation_id) == "closed", "a later choice stands"


def test_a_plain_send_changes_no_status_and_a_bad_one_is_refused(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    page = f"/c/{inbox.conversation_id}"
    client.post(f"{page}/reply", data={"csrf_token": csrf, "body_text": "Hello."})
    assert _status(engine, inbox.conversation_id) == "open"
    client.post(f"/outbox/{_reply(engine).id}/cancel", data={"csrf_token": csrf})
    refused = client.post(
        f"{page}/reply", data={"csrf_token": csrf, "body_text": "Hi.", "then": "snoozed"}
    )
    assert refused.status_code == 422
    assert _status(engine, inbox.conversation_id) == "open"


def _zone(engine: Engine, workspace_id: int, name: str) -> None:
    with Session(engine) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        workspace.timezone = name
        session.add(workspace)
        session.commit()


def test_snooze_works_from_its_own_control_in_the_agents_zone(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine, admin: Member
) -> None:
    """Before, "Snooze until" did nothing unless Status said Snoozed too. The agent's own zone
    wins over the team's."""
    _zone(engine, admin.workspace_id, "Asia/Tokyo")
    with Session(engine) as session:
        agent = session.get(User, admin.user_id)
        assert agent is not None
        agent.timezone = "Europe/Berlin"
        session.add(agent)
        session.commit()
    page = client.get(f"/c/{inbox.conversation_id}").text
    assert f'action="/c/{inbox.conversation_id}/snooze"' in page
    for label in ("Later today (in 3 hours)", "Tomorrow 9:00", "Next Monday 9:00", "Custom…"):
        assert label in page
    done = client.post(
        f"/c/{inbox.conversation_id}/snooze", data={"csrf_token": csrf, "when": "monday9"}
    )
    assert done.status_code == 200 and "Snoozed until" in done.text
    with Session(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None and conversation.status == "snoozed"
        assert conversation.snoozed_until is not None
        until = conversation.snoozed_until.astimezone(ZoneInfo("Europe/Berlin"))
    assert (until.weekday(), until.hour, until.minute) == (0, 9, 0)
    assert timedelta(0) < until - datetime.now(UTC) <= timedelta(days=7)


def test_a_snooze_in_the_past_is_refused_with_the_time_kept(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    refused = client.post(
        f"/c/{inbox.conversation_id}/snooze",
        data={"csrf_token": csrf, "when": "custom", "custom": "2020-01-02T10:00"},
    )
    assert refused.status_code == 422
    assert "must be in the future" in refused.text
    assert 'value="2020-01-02T10:00"' in refused.text
    assert _status(engine, inbox.conversation_id) == "open"


def _queue(engine: Engine, inbox: Inbox, subjects: list[str]) -> list[int]:
    """More open conversations of Olga's mailbox, newest activity first."""
    with Session(engine) as session:
        first = session.get(Conversation, inbox.conversation_id)
        assert first is not None and first.last_message_at is not None
        made = []
        for age, subject in enumerate(subjects, start=1):
            conversation = Conversation(
                workspace_id=first.workspace_id,
                mailbox_id=first.mailbox_id,
                contact_id=first.contact_id,
                gmail_thread_id=f"queue-{age}",
                subject=subject,
                message_count=1,
                last_message_at=first.last_message_at - timedelta(minutes=age),
            )
            session.add(conversation)
            session.flush()
            made.append(conversation.id)
        session.commit()
    return [found for found in made if found is not None]


def test_e_closes_and_opens_the_next_of_the_list_the_agent_came_from(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    second, third = _queue(engine, inbox, ["Second", "Third"])
    page = client.get(
        f"/c/{inbox.conversation_id}",
        headers={"Referer": "http://testserver/inbox?view=all&priority="},
    ).text
    assert f'action="/c/{inbox.conversation_id}/close"' in page
    assert '<input type="hidden" name="from" value="view=all">' in page
    assert '<a href="/inbox?view=all">← Inbox</a>' in page

    closed = client.post(
        f"/c/{inbox.conversation_id}/close",
        data={"csrf_token": csrf, "from": "view=all"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/c/{second}?from=view%3Dall"
    assert _status(engine, inbox.conversation_id) == "closed"
    following = client.get(closed.headers["location"]).text
    assert '<input type="hidden" name="from" value="view=all">' in following, "kept for the next e"

    client.post(f"/c/{second}/close", data={"csrf_token": csrf, "from": "view=all"})
    last = client.post(
        f"/c/{third}/close",
        data={"csrf_token": csrf, "from": "view=all"},
        follow_redirects=False,
    )
    nothing_after = last.headers["location"]
    assert nothing_after == f"/c/{inbox.other_id}?from=view%3Dall", (
        "the closed one is in Everything"
    )


def test_e_without_a_list_goes_to_the_next_open_one_and_then_back_to_the_inbox(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    (second,) = _queue(engine, inbox, ["Second"])
    page = client.get(f"/c/{inbox.conversation_id}").text
    assert '<input type="hidden" name="from" value="">' in page
    closed = client.post(
        f"/c/{inbox.conversation_id}/close",
        data={"csrf_token": csrf, "from": "https://evil.test/?view=bogus"},
        follow_redirects=False,
    )
    assert closed.headers["location"] == f"/c/{second}"
    last = client.post(f"/c/{second}/close", data={"csrf_token": csrf}, follow_redirects=False)
    assert last.headers["location"] == "/inbox"


def test_e_in_a_search_goes_to_the_next_hit_in_the_lists_order(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    _queue(engine, inbox, ["Parcel one", "Parcel two"])
    listing = client.get("/inbox", params={"view": "all", "q": "parcel"}).text
    hits = list(dict.fromkeys(re.findall(r'class="row-link" href="/c/(\d+)"', listing)))
    assert len(hits) == 2
    came = "view=all&q=parcel"
    first = client.post(
        f"/c/{hits[0]}/close", data={"csrf_token": csrf, "from": came}, follow_redirects=False
    )
    assert first.headers["location"] == f"/c/{hits[1]}?from=view%3Dall%26q%3Dparcel"
    last = client.post(
        f"/c/{hits[1]}/close", data={"csrf_token": csrf, "from": came}, follow_redirects=False
    )
    assert last.headers["location"] == "/inbox?view=all&q=parcel"
    nothing = client.post(
        f"/c/{inbox.conversation_id}/close",
        data={"csrf_token": csrf, "from": "view=all&q=!!!"},
        follow_redirects=False,
    )
    assert nothing.headers["location"] == "/inbox?view=all&q=%21%21%21", "back to that list"


def test_undoing_send_and_close_on_a_snoozed_conversation_snoozes_it_again(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    page = f"/c/{inbox.conversation_id}"
    client.post(f"{page}/snooze", data={"csrf_token": csrf, "when": "tomorrow9"})
    with Session(engine) as session:
        snoozed = session.get(Conversation, inbox.conversation_id)
        assert snoozed is not None and snoozed.snoozed_until is not None
        until = snoozed.snoozed_until
    client.post(f"{page}/reply", data={"csrf_token": csrf, "body_text": "Done.", "then": "closed"})
    assert _status(engine, inbox.conversation_id) == "closed"
    client.post(f"/outbox/{_reply(engine).id}/cancel", data={"csrf_token": csrf})
    with Session(engine) as session:
        back = session.get(Conversation, inbox.conversation_id)
        assert back is not None
        assert (back.status, back.snoozed_until) == ("snoozed", until)
