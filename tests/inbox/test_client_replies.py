"""A client's reply tells the conversation's owner (in the bell, and by e-mail with a link when
the workspace has SMTP); automated mail, the team's own mail and new conversations do not."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.models import AgentEmail, Conversation, Notification, SmtpSecurity
from app.core.settings import Settings
from gmail_sync.oauth import TokenCipher
from inbox.agent_mail import SmtpSettings, build_email, configure_smtp
from inbox.assignment import assign_new_mail
from inbox.client_replies import notify_client_replies
from scheduler.jobs import sync_due_mailboxes
from tests.conftest import Member, Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver

SUPPORT = "support@acme.test"
HOOKS = [notify_client_replies, assign_new_mail]


def auto_reply(in_reply_to: str, when: datetime) -> bytes:
    message = EmailMessage()
    message["From"] = "Olga <olga@client.test>"
    message["To"] = SUPPORT
    message["Subject"] = "Out of office: Re: Invoice is wrong"
    message["Date"] = format_datetime(when)
    message["In-Reply-To"] = message["References"] = in_reply_to
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("I am away until Monday.")
    return message.as_bytes()


def notices(engine: Engine, kind: str) -> list[tuple[int, str]]:
    with Session(engine) as session:
        found = session.exec(
            select(Notification).where(Notification.kind == kind).order_by(col(Notification.id))
        )
        return [(notice.user_id, notice.text) for notice in found]


def test_a_client_reply_tells_the_owner_only_and_mails_them_with_a_link(
    admin: Member,
    team: Team,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    team.member(admin.workspace_id, "ben@acme.test")
    with session_scope(engine) as session:
        smtp = SmtpSettings("127.0.0.1", 2525, "tandem@acme.test", SmtpSecurity.NONE)
        configure_smtp(
            session,
            workspace_id=admin.workspace_id,
            smtp=smtp,
            cipher=TokenCipher(sync_settings),
            now=datetime.now(UTC),
        )
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    connect_via_api(tandem, admin.headers, SUPPORT)
    sync_due_mailboxes(engine, sync_settings, after_sync=HOOKS)
    soon = datetime.now(UTC) + timedelta(seconds=5)

    def arrive(raw: bytes) -> None:
        deliver(control, SUPPORT, raw)
        tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
        sync_due_mailboxes(engine, sync_settings, after_sync=HOOKS)

    first = "<first@client.test>"
    arrive(
        make_mail(
            "Invoice is wrong",
            "Hello",
            sender="Olga <olga@client.test>",
            message_id=first,
            date=soon,
        )
    )
    assert notices(engine, "client_reply") == [], "a new conversation has no owner to tell"
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
    assigned = tandem.patch(
        f"/api/v1/conversations/{conversation.id}",
        json={"assignee_id": anna.user_id},
        headers=admin.headers,
    )
    assert assigned.status_code == 200, assigned.text
    arrive(auto_reply(first, soon + timedelta(seconds=1)))
    arrive(
        make_mail(
            "Re: Invoice is wrong",
            "We are looking at it",
            sender=f"Acme <{SUPPORT}>",
            to="olga@client.test",
            in_reply_to=first,
            date=soon + timedelta(seconds=2),
        )
    )
    assert notices(engine, "client_reply") == [], "neither an auto-reply nor the team's mail"
    arrive(
        make_mail(
            "Re: Invoice is wrong",
            "Any news?",
            sender="Olga <olga@client.test>",
            in_reply_to=first,
            date=soon + timedelta(seconds=3),
        )
    )
    assert notices(engine, "client_reply") == [(anna.user_id, "Olga replied to “Invoice is wrong”")]
    with Session(engine) as session:
        mails = session.exec(select(AgentEmail).order_by(col(AgentEmail.id))).all()
    assert [(mail.to_address, mail.subject) for mail in mails] == [
        ("anna@acme.test", "Tandem: admin assigned you “Invoice is wrong”"),
        ("anna@acme.test", "Tandem: Olga replied to “Invoice is wrong”"),
    ]
    written = build_email(mails[1], "tandem@acme.test", "https://tandem.acme.test/")
    assert (
        f"Open the conversation: https://tandem.acme.test/c/{conversation.id}"
        in written.get_content()
    )


def test_without_smtp_the_notice_is_in_the_bell_only(
    admin: Member,
    team: Team,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    anna = team.member(admin.workspace_id, "anna@acme.test")
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    old = datetime.now(UTC) - timedelta(days=1)
    deliver(
        control,
        SUPPORT,
        make_mail("Old", "x", sender="c@client.test", message_id="<o@c>", date=old),
    )
    connect_via_api(tandem, admin.headers, SUPPORT)
    sync_due_mailboxes(engine, sync_settings, after_sync=HOOKS)
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
    tandem.patch(
        f"/api/v1/conversations/{conversation.id}",
        json={"assignee_id": anna.user_id},
        headers=admin.headers,
    )
    later = datetime.now(UTC) + timedelta(seconds=5)
    deliver(
        control,
        SUPPORT,
        make_mail("Re: Old", "again", sender="c@client.test", in_reply_to="<o@c>", date=later),
    )
    tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
    sync_due_mailboxes(engine, sync_settings, after_sync=HOOKS)
    assert notices(engine, "client_reply") == [(anna.user_id, "c@client.test replied to “Old”")]
    with Session(engine) as session:
        assert session.exec(select(AgentEmail)).all() == []
