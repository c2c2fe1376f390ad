"""Each person chooses on their account page whether notifications also come by e-mail."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import AgentEmail, Notification, SmtpSecurity, User
from app.core.notices import notify
from app.core.settings import Settings
from gmail_sync.oauth import TokenCipher
from inbox.agent_mail import SmtpSettings, configure_smtp
from tests.conftest import Member

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def tell(engine: Engine, member: Member) -> None:
    with session_scope(engine) as session:
        notice = Notification(
            workspace_id=member.workspace_id,
            user_id=member.user_id,
            kind="mention",
            text="Ben mentioned you",
            created_at=NOW,
        )
        notify(session, notice, now=NOW)


def emails_to(engine: Engine, address: str) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AgentEmail).where(AgentEmail.to_address == address)).all())


def test_turning_email_off_and_on_again(
    client: TestClient, csrf: str, engine: Engine, admin: Member, settings: Settings
) -> None:
    with session_scope(engine) as session:
        smtp = SmtpSettings("127.0.0.1", 2525, "tandem@acme.test", SmtpSecurity.NONE)
        configure_smtp(
            session,
            workspace_id=admin.workspace_id,
            smtp=smtp,
            cipher=TokenCipher(settings),
            now=NOW,
        )
    page = client.get("/account").text
    assert 'name="email" value="true" checked' in page, "on unless turned off"
    tell(engine, admin)
    assert emails_to(engine, admin.email) == 1
    assert client.post("/account/notifications", data={}).status_code == 403, "CSRF"
    off = client.post("/account/notifications", data={"csrf_token": csrf}, follow_redirects=False)
    assert off.status_code == 303
    assert 'name="email" value="true">' in client.get("/account").text
    tell(engine, admin)
    assert emails_to(engine, admin.email) == 1, "told in Tandem only"
    with Session(engine) as session:
        assert len(session.exec(select(Notification)).all()) == 2
    client.post("/account/notifications", data={"csrf_token": csrf, "email": "true"})
    with Session(engine) as session:
        user = session.get(User, admin.user_id)
        assert user is not None and user.email_notifications
    tell(engine, admin)
    assert emails_to(engine, admin.email) == 2
