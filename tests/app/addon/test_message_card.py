# ruff: noqa: RUF001 - Russian cards are the point
"""The sidebar next to an opened Gmail message: the conversation as the team sees it in Tandem,
or "not in Tandem" for a thread of no synced mailbox (or of another workspace)."""

from datetime import timedelta

from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Conversation, Note, Reminder, ReminderKind, User
from tests.app.addon.conftest import (
    START,
    Desk,
    Google,
    assert_card_response,
    card_text,
    seed_conversation,
    shown_card,
)
from tests.conftest import Team


def _add_context(engine: Engine, desk: Desk) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, desk.conversation_id)
        assert conversation is not None
        conversation.assignee_id = desk.teammate.user_id
        conversation.promised_at = START + timedelta(hours=6)
        conversation.promise_state = "pending"
        session.add(conversation)
        for minutes, body in (
            (1, "Older note: invoice #114 is paid"),
            (5, "Newest note: call Olga <b>today</b>"),
        ):
            session.add(
                Note(
                    workspace_id=desk.agent.workspace_id,
                    conversation_id=desk.conversation_id,
                    author_id=desk.teammate.user_id,
                    body=body,
                    created_at=START + timedelta(minutes=minutes),
                )
            )
        session.add(
            Reminder(
                workspace_id=desk.agent.workspace_id,
                conversation_id=desk.conversation_id,
                user_id=desk.agent.user_id,
                kind=ReminderKind.PROMISE,
                due_at=START + timedelta(hours=5, minutes=30),
                text="You promised a reply by 15:00",
            )
        )


def test_the_card_shows_state_notes_newest_first_and_reminders(
    google: Google, desk: Desk, engine: Engine
) -> None:
    _add_context(engine, desk)
    body = assert_card_response(
        google.post("/addon/message", google.event(thread_id=desk.thread_id))
    )
    card = shown_card(body)
    assert card["header"]["title"] == "Invoice for October"
    labels = {
        widget["decoratedText"]["topLabel"]: widget["decoratedText"]["text"]
        for widget in card["sections"][0]["widgets"]
    }
    assert labels["Status"] == "Open"
    assert labels["Assignee"] == "anna"
    assert labels["Priority"] == "High"
    assert labels["Promised reply"] == "Fri, Nov 20, 16:00 UTC+01:00 (pending)", (
        "in the agent's zone"
    )
    assert labels["Reply due (SLA)"] == "Fri, Nov 20, 12:00 UTC+01:00"
    notes = next(
        section for section in card["sections"] if section["header"].startswith("Internal notes")
    )
    texts = [
        widget["decoratedText"]["text"] for widget in notes["widgets"] if "decoratedText" in widget
    ]
    assert texts == [
        "Newest note: call Olga &lt;b&gt;today&lt;/b&gt;",
        "Older note: invoice #114 is paid",
    ]
    assert "You promised a reply by 15:00" in card_text(card)
    buttons = [b["text"] for b in _buttons(card)]
    for expected in (
        "Assign to me",
        "Assign",
        "Change status",
        "Snooze",
        "Set promise",
        "Add note",
        "Open in Tandem",
    ):
        assert expected in buttons
    links = [b["onClick"]["openLink"]["url"] for b in _buttons(card) if "openLink" in b["onClick"]]
    assert f"https://tandem.test/c/{desk.conversation_id}" in links


def _buttons(card: dict) -> list[dict]:  # type: ignore[type-arg]
    return [
        button
        for section in card["sections"]
        for widget in section["widgets"]
        for button in widget.get("buttonList", {}).get("buttons", [])
    ]


def test_a_thread_by_its_message_id_or_merged_thread_is_found(google: Google, desk: Desk) -> None:
    by_message = google.event(
        thread_id="thread-as-seen-by-another-mailbox", message_id="msg-thread-1"
    )
    card = shown_card(assert_card_response(google.post("/addon/message", by_message)))
    assert card["header"]["title"] == "Invoice for October"


def test_an_unknown_thread_is_not_in_tandem_with_an_add_button(google: Google, desk: Desk) -> None:
    card = shown_card(
        assert_card_response(google.post("/addon/message", google.event(thread_id="unknown")))
    )
    assert card["header"]["title"] == "Not in Tandem"
    add = next(b for b in _buttons(card) if b["text"] == "Add to Tandem")
    assert add["onClick"]["action"]["function"] == "https://tandem.test/addon/actions/add"
    assert add["onClick"]["action"]["parameters"] == [{"key": "thread_id", "value": "unknown"}]


def test_another_workspaces_thread_is_not_in_tandem_and_shows_nothing_of_it(
    google: Google, desk: Desk, engine: Engine, team: Team
) -> None:
    other = team.admin_of_new_workspace("Globex", "boss@globex.test")
    _, secret_id = seed_conversation(
        engine,
        other,
        thread_id="globex-thread",
        subject="Globex secret merger",
        mailbox_email="help@globex.test",
    )
    with session_scope(engine) as session:
        session.add(
            Note(workspace_id=other.workspace_id, conversation_id=secret_id, body="Globex internal")
        )
    answer = google.post(
        "/addon/message", google.event(thread_id="globex-thread", message_id="msg-globex-thread")
    )
    card = shown_card(assert_card_response(answer))
    assert card["header"]["title"] == "Not in Tandem"
    assert "Globex" not in answer.text


def test_notes_are_the_agents_team_only(
    google: Google, desk: Desk, engine: Engine, team: Team
) -> None:
    """A teammate sees the team's notes; an agent of another workspace opening the same Gmail
    thread (its own copy in another Tandem) sees only its own team's."""
    other = team.admin_of_new_workspace("Globex", "boss@globex.test")
    seed_conversation(
        engine,
        other,
        thread_id="thread-1",
        subject="Same thread elsewhere",
        mailbox_email="help@globex.test",
    )
    with session_scope(engine) as session:
        session.add(
            Note(
                workspace_id=desk.agent.workspace_id,
                conversation_id=desk.conversation_id,
                body="Acme only",
            )
        )
    as_other = google.event(thread_id="thread-1", user_token=google.user_token("boss@globex.test"))
    answer = google.post("/addon/message", as_other)
    assert shown_card(assert_card_response(answer))["header"]["title"] == "Same thread elsewhere"
    assert "Acme only" not in answer.text
    mine = google.post("/addon/message", google.event(thread_id="thread-1"))
    assert "Acme only" in mine.text


def test_malformed_event_objects_are_422_with_a_clear_message(google: Google, desk: Desk) -> None:
    missing_common = {"gmail": {"threadId": "thread-1"}}
    answer = google.post("/addon/message", missing_common)
    assert answer.status_code == 422
    assert answer.json()["detail"] == (
        "not a Google Workspace add-on event object: commonEventObject: field required"
    )
    no_thread = google.event()
    answer = google.post("/addon/message", no_thread)
    assert answer.status_code == 422
    assert "gmail.threadId" in answer.json()["detail"]
    for garbage in ([1, 2], "text", {"commonEventObject": "GMAIL"}):
        answer = google.post("/addon/message", garbage)
        assert answer.status_code == 422, garbage
        assert answer.json()["detail"].startswith("not a Google Workspace add-on event object")
    not_json = google.client.post(
        "/addon/message",
        content=b"{oops",
        headers={"Authorization": f"Bearer {google.system_token('/addon/message')}"},
    )
    assert not_json.status_code == 422


def test_the_card_speaks_the_agents_gmail_language_unless_they_chose_one(
    google: Google, desk: Desk, engine: Engine
) -> None:
    _add_context(engine, desk)
    russian = shown_card(
        assert_card_response(
            google.post("/addon/message", google.event(thread_id=desk.thread_id, locale="ru-RU"))
        )
    )
    labels = {
        widget["decoratedText"]["topLabel"]: widget["decoratedText"]["text"]
        for widget in russian["sections"][0]["widgets"]
    }
    assert labels["Обещанный ответ"] == "пт, 20 нояб., 16:00 UTC+01:00 (pending)"
    assert "Взять себе" in [b["text"] for b in _buttons(russian)]
    refused = google.post(
        "/addon/actions/promise",
        google.event(
            thread_id=desk.thread_id,
            parameters={"conversation_id": str(desk.conversation_id)},
            locale="ru",
        ),
    ).json()
    assert refused["renderActions"]["action"]["notification"]["text"] == (
        "выберите, когда клиент получит ответ"
    )
    with session_scope(engine) as session:
        agent = session.get(User, desk.agent.user_id)
        assert agent is not None
        agent.language = "en"
    chosen = shown_card(
        assert_card_response(
            google.post("/addon/message", google.event(thread_id=desk.thread_id, locale="ru-RU"))
        )
    )
    assert "Assign to me" in [b["text"] for b in _buttons(chosen)], "their Account choice wins"
