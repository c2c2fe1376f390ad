"""The homepage (my open work, what is overdue, my next reminders) and the compose trigger
(Tandem's reply-all recipients for the draft, and a warning when it drops someone)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Conversation, Message, Reminder
from gmail_sync.recipients import Answered, reply_recipients
from tests.app.addon.conftest import Desk, Google, assert_card_response, card_text, shown_card


def test_homepage_lists_my_open_and_overdue_conversations_and_next_reminders(
    google: Google, desk: Desk, engine: Engine
) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, desk.conversation_id)
        assert conversation is not None
        conversation.assignee_id = desk.agent.user_id
        session.add(conversation)
        session.add(
            Reminder(
                workspace_id=desk.agent.workspace_id,
                conversation_id=desk.conversation_id,
                user_id=desk.agent.user_id,
                due_at=now + timedelta(hours=1),
                text="Call Olga about the invoice",
            )
        )
        session.add(
            Reminder(
                workspace_id=desk.agent.workspace_id,
                user_id=desk.teammate.user_id,
                due_at=now + timedelta(minutes=5),
                text="Anna's own reminder",
            )
        )
    body = assert_card_response(google.post("/addon/homepage", google.event()))
    card = shown_card(body)
    headers = [section.get("header") for section in card["sections"]]
    assert headers[:3] == ["My open conversations (1)", "Overdue (1)", "My next reminders"]
    mine = card["sections"][0]["widgets"][0]["decoratedText"]
    assert mine["text"] == "Invoice for October"
    assert (
        mine["button"]["onClick"]["openLink"]["url"]
        == f"https://tandem.test/c/{desk.conversation_id}"
    )
    assert "Reply due" in mine["bottomLabel"]
    text = card_text(card)
    assert "Call Olga about the invoice" in text
    assert "Anna's own reminder" not in text


def test_homepage_of_an_agent_with_nothing_to_do(google: Google, desk: Desk) -> None:
    body = assert_card_response(
        google.post("/addon/homepage", google.event(user_token=google.user_token("anna@acme.test")))
    )
    text = card_text(shown_card(body))
    assert "Nothing open is assigned to you." in text
    assert "No reminders pending." in text


def _draft(google: Google, to: list[str], cc: list[str]) -> dict:  # type: ignore[type-arg]
    return google.event(
        thread_id="thread-1", draft={"toRecipients": to, "ccRecipients": cc, "bccRecipients": []}
    )


def test_compose_warns_when_the_draft_drops_a_participant(google: Google, desk: Desk) -> None:
    body = assert_card_response(
        google.post("/addon/compose", _draft(google, ["olga@client.test"], []))
    )
    card = shown_card(body)
    text = card_text(card)
    assert "leaves out 1 of the thread" in text and "boris@client.test" in text
    reply_all = card["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]
    assert reply_all["text"] == "Reply all (Tandem)"
    assert (
        reply_all["onClick"]["action"]["function"] == "https://tandem.test/addon/compose/reply-all"
    )
    full = google.post(
        "/addon/compose", _draft(google, ["Olga <olga@client.test>"], ["boris@client.test"])
    )
    assert "Everyone on the thread is on this draft." in card_text(
        shown_card(assert_card_response(full))
    )


def test_reply_all_fills_the_draft_with_tandems_recipients(
    google: Google, desk: Desk, engine: Engine
) -> None:
    body = assert_card_response(
        google.post("/addon/compose/reply-all", _draft(google, ["olga@client.test"], []))
    )
    markup = body["renderActions"]["hostAppAction"]["gmailAction"]["updateDraftActionMarkup"]
    to = [item["email"] for item in markup["updateToRecipients"]["toRecipients"]]
    cc = [item["email"] for item in markup["updateCcRecipients"]["ccRecipients"]]
    assert to == ["Olga Smirnova <olga@client.test>"]
    assert cc == ["Boris <boris@client.test>"]
    with session_scope(engine) as session:
        answered = session.get(Message, 1)
        assert answered is not None
        expected = reply_recipients(
            Answered.of(answered), own_addresses={"support@acme.test"}, mode="all"
        )
    assert (tuple(to), tuple(cc)) == (expected.to, expected.cc), "the send path's own reply-all"


def test_compose_outside_tandem(google: Google, desk: Desk) -> None:
    new_message = google.event()
    card = shown_card(assert_card_response(google.post("/addon/compose", new_message)))
    assert "not a reply in a conversation your team has" in card_text(card)
    answer = google.post("/addon/compose/reply-all", new_message)
    assert answer.status_code == 422
    assert "not a reply in a conversation" in answer.json()["detail"]
