"""The sidebar's buttons change the conversation exactly as the REST API does (same audit
trail, notifications, reminders) and answer with the updated card."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import (
    AuditEvent,
    Conversation,
    Mailbox,
    Note,
    Notification,
    Reminder,
    ReminderKind,
)
from tests.app.addon.conftest import (
    Desk,
    Google,
    assert_card_response,
    card_text,
    seed_conversation,
    shown_card,
)
from tests.conftest import Team


def _click(google: Google, desk: Desk, action: str, **inputs: Any) -> Any:
    event = google.event(
        thread_id=desk.thread_id,
        parameters={"conversation_id": str(desk.conversation_id)},
        inputs=inputs or None,
    )
    return google.post(f"/addon/actions/{action}", event)


def _text(value: str) -> dict[str, Any]:
    return {"stringInputs": {"value": [value]}}


def _moment(moment: datetime) -> dict[str, Any]:
    return {
        "dateTimeInput": {
            "msSinceEpoch": str(int(moment.timestamp() * 1000)),
            "hasDate": True,
            "hasTime": True,
        }
    }


def _conversation(engine: Engine, desk: Desk) -> Conversation:
    with Session(engine) as session:
        found = session.get(Conversation, desk.conversation_id)
        assert found is not None
        return found


def _labels(body: dict[str, Any]) -> dict[str, str]:
    widgets = shown_card(body)["sections"][0]["widgets"]
    return {w["decoratedText"]["topLabel"]: w["decoratedText"]["text"] for w in widgets}


def test_assign_to_me_then_to_a_teammate(google: Google, desk: Desk, engine: Engine) -> None:
    body = assert_card_response(_click(google, desk, "assign_me"))
    assert body["renderActions"]["action"]["notification"]["text"] == "Assigned to you"
    assert "updateCard" in body["renderActions"]["action"]["navigations"][0]
    assert _labels(body)["Assignee"] == "agent"
    assert "Assign to me" not in card_text(shown_card(body)), "already mine"
    assert _conversation(engine, desk).assignee_id == desk.agent.user_id
    body = assert_card_response(
        _click(google, desk, "assign", assignee=_text(str(desk.teammate.user_id)))
    )
    assert _labels(body)["Assignee"] == "anna"
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        assert [event.after for event in events] == [
            {"assignee_id": desk.agent.user_id},
            {"assignee_id": desk.teammate.user_id},
        ]
        assert all(event.actor_id == desk.agent.user_id for event in events)
        notice = session.exec(
            select(Notification).where(Notification.user_id == desk.teammate.user_id)
        ).one()
        assert "assigned you" in notice.text
    body = assert_card_response(_click(google, desk, "assign", assignee=_text("none")))
    assert _labels(body)["Assignee"] == "Unassigned"


def test_assigning_someone_of_another_workspace_changes_nothing(
    google: Google, desk: Desk, engine: Engine, team: Team
) -> None:
    outsider = team.admin_of_new_workspace("Globex", "boss@globex.test")
    body = assert_card_response(
        _click(google, desk, "assign", assignee=_text(str(outsider.user_id)))
    )
    assert (
        "not an active user of this workspace"
        in body["renderActions"]["action"]["notification"]["text"]
    )
    assert "navigations" not in body["renderActions"]["action"]
    assert _conversation(engine, desk).assignee_id is None


def test_change_status_and_snooze(google: Google, desk: Desk, engine: Engine) -> None:
    body = assert_card_response(_click(google, desk, "status", status=_text("pending")))
    assert _labels(body)["Status"] == "Pending"
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    body = assert_card_response(_click(google, desk, "snooze", snooze_until=_moment(until)))
    assert _labels(body)["Status"] == "Snoozed"
    assert "Snoozed until" in _labels(body)
    stored = _conversation(engine, desk)
    assert stored.status == "snoozed" and stored.snoozed_until == until
    past = assert_card_response(
        _click(google, desk, "snooze", snooze_until=_moment(until - timedelta(days=5)))
    )
    assert "in the future" in past["renderActions"]["action"]["notification"]["text"]
    assert _conversation(engine, desk).snoozed_until == until, "a past time changes nothing"
    bad = assert_card_response(_click(google, desk, "status", status=_text("done")))
    assert "pick a status" in bad["renderActions"]["action"]["notification"]["text"]


def test_a_promise_sets_its_reminders(google: Google, desk: Desk, engine: Engine) -> None:
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    body = assert_card_response(_click(google, desk, "promise", promise_by=_moment(due)))
    assert "(pending)" in _labels(body)["Promised reply"]
    assert _conversation(engine, desk).promised_at == due
    with Session(engine) as session:
        reminders = session.exec(
            select(Reminder).where(Reminder.kind == ReminderKind.PROMISE)
        ).all()
        assert sorted(r.due_at for r in reminders) == [due - timedelta(minutes=30), due]
    reminders_section = next(
        s for s in shown_card(body)["sections"] if s.get("header") == "Reminders"
    )
    assert len(reminders_section["widgets"]) == 2
    picker = next(
        widget["dateTimePicker"]
        for section in shown_card(body)["sections"]
        for widget in section["widgets"]
        if widget.get("dateTimePicker", {}).get("name") == "promise_by"
    )
    assert picker["valueMsEpoch"] == str(int(due.timestamp() * 1000)), "prefilled"
    missing = assert_card_response(_click(google, desk, "promise"))
    assert "pick when" in missing["renderActions"]["action"]["notification"]["text"]


def test_add_a_note_with_a_mention(google: Google, desk: Desk, engine: Engine) -> None:
    body = assert_card_response(
        _click(google, desk, "note", note=_text("Refund approved, @anna@acme.test please call"))
    )
    assert "only your team" in body["renderActions"]["action"]["notification"]["text"]
    assert "Refund approved" in card_text(shown_card(body))
    with Session(engine) as session:
        note = session.exec(select(Note)).one()
        assert note.author_id == desk.agent.user_id and note.mentions == [desk.teammate.user_id]
        mention = session.exec(
            select(Notification).where(Notification.user_id == desk.teammate.user_id)
        ).one()
        assert mention.kind == "mention"
    blank = assert_card_response(_click(google, desk, "note", note=_text("   ")))
    assert "must not be blank" in blank["renderActions"]["action"]["notification"]["text"]


def test_add_to_tandem_asks_the_team_mailboxes_to_sync(
    google: Google, desk: Desk, engine: Engine
) -> None:
    event = google.event(thread_id="new-thread", parameters={"thread_id": "new-thread"})
    body = assert_card_response(google.post("/addon/actions/add", event))
    card = shown_card(body)
    assert card["header"]["title"] == "Not in Tandem"
    assert "forward it to support@acme.test" in card_text(card)
    with Session(engine) as session:
        mailbox = session.get(Mailbox, desk.mailbox_id)
        assert mailbox is not None and mailbox.sync_requested_at is not None
    known = google.event(thread_id="thread-1", parameters={"thread_id": "thread-1"})
    body = assert_card_response(google.post("/addon/actions/add", known))
    assert shown_card(body)["header"]["title"] == "Invoice for October"


def test_another_workspaces_conversation_unknown_actions_and_forged_clicks_are_refused(
    google: Google, desk: Desk, engine: Engine, team: Team
) -> None:
    other = team.admin_of_new_workspace("Globex", "boss@globex.test")
    _, secret_id = seed_conversation(
        engine,
        other,
        thread_id="globex-thread",
        subject="Globex secret",
        mailbox_email="help@globex.test",
    )
    event = google.event(thread_id="globex-thread", parameters={"conversation_id": str(secret_id)})
    answer = google.post("/addon/actions/assign_me", event)
    assert answer.status_code == 404
    assert "Globex" not in answer.text
    with Session(engine) as session:
        secret = session.get(Conversation, secret_id)
        assert secret is not None and secret.assignee_id is None
    unknown = google.post("/addon/actions/delete_everything", google.event(thread_id="thread-1"))
    assert unknown.status_code == 404
    assert "no add-on action 'delete_everything'" in unknown.json()["detail"]
    no_parameter = google.post("/addon/actions/assign_me", google.event(thread_id="thread-1"))
    assert no_parameter.status_code == 422
    assert "parameter 'conversation_id'" in no_parameter.json()["detail"]
    not_a_number = google.event(thread_id="thread-1", parameters={"conversation_id": "1 OR 1=1"})
    assert google.post("/addon/actions/assign_me", not_a_number).status_code == 422
