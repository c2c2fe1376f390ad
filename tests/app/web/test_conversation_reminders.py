"""Reminders from the conversation page: set for oneself or a teammate, follow-ups that wait
for the client, refusals that keep the page, and cancelling; and what Tandem's jobs wrote
(its own reminders, a reply's failure) in the reader's language."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.i18n import moment, reading_as
from app.core.job_text import SEND_FAULT, SEND_INTERRUPTED, said
from app.core.models import (
    Conversation,
    Direction,
    Message,
    MessageKind,
    MessageState,
    Reminder,
    User,
)
from inbox.promises import make_promise
from tests.app.web.conftest import Inbox
from tests.conftest import Member, Team


def _reminders(engine: Engine) -> list[Reminder]:
    with Session(engine) as session:
        return list(session.exec(select(Reminder).order_by(Reminder.id)))


def test_reminders_are_set_listed_and_cancelled(
    client: TestClient, csrf: str, inbox: Inbox, admin: Member, team: Team, engine: Engine
) -> None:
    page = f"/c/{inbox.conversation_id}"
    anna = team.member(admin.workspace_id, "anna@acme.test")
    mine = client.post(
        f"{page}/reminders",
        data={"csrf_token": csrf, "when": "tomorrow10", "text": "Call about the refund"},
        follow_redirects=False,
    )
    assert mine.status_code == 303
    hers = client.post(
        f"{page}/reminders",
        data={
            "csrf_token": csrf,
            "when": "1h",
            "whom": str(anna.user_id),
            "unless_answered": "true",
        },
    )
    assert hers.status_code == 200 and "Call about the refund" in hers.text
    first, second = _reminders(engine)
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    assert (first.user_id, first.kind, first.text) == (
        admin.user_id,
        "custom",
        "Call about the refund",
    )
    assert first.due_at.astimezone(UTC) == datetime.combine(tomorrow, time(10), UTC)
    assert (second.user_id, second.kind) == (anna.user_id, "followup")

    cancelled = client.post(
        f"{page}/reminders/{first.id}/cancel", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert cancelled.status_code == 303
    assert [r.state for r in _reminders(engine)] == ["cancelled", "pending"]
    assert "Call about the refund" not in client.get(page).text


def test_bad_reminders_are_refused_on_the_page_and_nothing_is_stored(
    client: TestClient, csrf: str, inbox: Inbox, team: Team, engine: Engine
) -> None:
    page = f"/c/{inbox.conversation_id}"
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    for form, says in (
        ({"when": "custom", "custom": "soon"}, "Pick a date and time"),
        ({"when": "custom", "custom": "2020-01-01T10:00"}, "in the future"),
        ({"when": "1h", "whom": str(stranger.user_id)}, "not an active member"),
        ({"when": "1h", "text": "x" * 2001}, "at most 2000 characters"),
    ):
        refused = client.post(f"{page}/reminders", data={"csrf_token": csrf, **form})
        assert refused.status_code == 422 and says in refused.text, form
    assert _reminders(engine) == []
    assert client.post(f"{page}/reminders", data={"when": "1h"}).status_code == 403
    assert (
        client.post(f"{page}/reminders/999999/cancel", data={"csrf_token": csrf}).status_code == 404
    )


def test_tandems_own_reminders_read_in_the_readers_language_and_zone(
    client: TestClient, csrf: str, inbox: Inbox, admin: Member, engine: Engine
) -> None:
    """A promise's reminders are written when read: in Russian, at the reader's Moscow time,
    for the agent who reads Russian; in English, at UTC, through the API."""
    now = datetime.now(UTC).replace(microsecond=0)
    due = datetime.combine(now.date() + timedelta(days=2), time(15), UTC)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        user = session.get(User, admin.user_id)
        assert conversation is not None and user is not None
        user.language, user.timezone = "ru", "Europe/Moscow"
        make_promise(session, conversation=conversation, user=user, due_at=due, now=now)
        subject = conversation.subject
    page = client.get(f"/c/{inbox.conversation_id}").text
    with reading_as("ru", ZoneInfo("Europe/Moscow")):
        at = moment(due)
    assert "18:00" in at
    assert f"Вы обещали ответить до {at}: «{subject}»" in page
    assert f"Время обещанного ответа наступило: «{subject}»" in page
    api = client.get(
        f"/api/v1/reminders?conversation_id={inbox.conversation_id}", headers=admin.headers
    ).json()
    texts = [row["text"] for row in api]
    assert texts[0].startswith("You promised a reply by ") and "15:00" in texts[0]
    assert texts[1] == f"Your promised reply is due now: “{subject}”"


def test_why_a_reply_was_not_sent_reads_in_the_readers_language(
    client: TestClient, csrf: str, inbox: Inbox, admin: Member, engine: Engine
) -> None:
    """The outbox job stores its reason in English; the page writes it for its reader, and the
    error the job caught stays as it was."""
    with session_scope(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        for index, error in enumerate(
            (said(SEND_INTERRUPTED), said(SEND_FAULT, error="KeyError: 'to'"))
        ):
            session.add(
                Message(
                    workspace_id=admin.workspace_id,
                    conversation_id=inbox.conversation_id,
                    mailbox_id=conversation.mailbox_id,
                    direction=Direction.OUTBOUND,
                    kind=MessageKind.REPLY,
                    state=MessageState.FAILED,
                    author_id=admin.user_id,
                    text_body=f"Reply {index}",
                    send_error=error,
                )
            )
    client.headers["Accept-Language"] = "ru"
    page = client.get(f"/c/{inbox.conversation_id}").text.replace("&#39;", "'")
    assert "отправка прервалась; прежде чем отправлять снова, проверьте папку" in page
    assert "Tandem не смог отправить письмо (KeyError: 'to')" in page
    api = client.get(f"/api/v1/conversations/{inbox.conversation_id}", headers=admin.headers)
    assert "Tandem could not send it (KeyError: 'to')" in api.text
