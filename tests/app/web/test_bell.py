"""The notification bell: its unread count as a fragment the tab fetches again when it hears
of a change, and opening a conversation reads what told the agent of it."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.models import Notification, utcnow
from tests.app.web.conftest import Inbox
from tests.conftest import Member


def notify(engine: Engine, member: Member, conversation_id: int | None, text: str) -> None:
    with session_scope(engine) as session:
        session.add(
            Notification(
                workspace_id=member.workspace_id,
                user_id=member.user_id,
                conversation_id=conversation_id,
                kind="assigned",
                text=text,
                created_at=utcnow(),
            )
        )


def test_the_badge_fragment_counts_unread_and_follows_live_events(
    client: TestClient, csrf: str, engine: Engine, admin: Member, inbox: Inbox
) -> None:
    empty = client.get("/notifications/badge")
    assert empty.status_code == 200
    assert 'aria-label="0 unread"' in empty.text
    assert 'hx-trigger="tandem:bell from:body"' in empty.text, "the tab fetches it again"
    notify(engine, admin, inbox.conversation_id, "You were given “Invoice is wrong”")
    notify(engine, admin, inbox.other_id, "Reminder")
    assert 'aria-label="2 unread"' in client.get("/notifications/badge").text
    page = client.get("/inbox").text
    assert 'id="toasts"' in page and "bell.js" in page and "inbox_live.js" in page


def test_opening_a_conversation_reads_its_notifications_only(
    client: TestClient, csrf: str, engine: Engine, admin: Member, inbox: Inbox
) -> None:
    notify(engine, admin, inbox.conversation_id, "About the invoice")
    notify(engine, admin, inbox.other_id, "About the login")
    assert client.get(f"/c/{inbox.conversation_id}").status_code == 200
    with Session(engine) as session:
        unread = session.exec(
            select(Notification.text).where(col(Notification.read_at).is_(None))
        ).all()
    assert unread == ["About the login"]
    assert 'aria-label="1 unread"' in client.get("/notifications/badge").text


def test_the_badge_needs_a_signed_in_user(client: TestClient) -> None:
    answer = client.get("/notifications/badge", follow_redirects=False)
    assert answer.status_code in (303, 401)


def test_a_mailbox_alert_in_the_menu_leads_to_settings(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    with session_scope(engine) as session:
        session.add(
            Notification(
                workspace_id=admin.workspace_id,
                user_id=admin.user_id,
                kind="mailbox_reauth",
                text="Mail to support@acme.test stopped arriving",
                created_at=utcnow(),
            )
        )
    menu = client.get("/notifications").text
    assert '<a href="/settings">Mail to support@acme.test stopped arriving</a>' in menu
