"""A client's mail wakes a snoozed conversation before its time: the sync reopens it (against
the Gmail emulator), and the timer then finds nothing left to wake."""

from collections.abc import Callable
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import AuditEvent, Conversation, ConversationStatus, utcnow
from app.core.settings import Settings
from inbox.snoozes import wake_due_snoozes
from tests.conftest import Member
from tests.gmail_fixtures import (  # noqa: F401 (fixtures)
    _plain_http_oauth,
    control,
    emulator_server,
    emulator_url,
    make_mail,
    sync_settings,
    tandem,
)
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
ANNA = "Anna Petrova <anna@client.test>"


def test_client_mail_reopens_a_snoozed_conversation_early(
    tandem: TestClient,  # noqa: F811
    control: httpx.Client,  # noqa: F811
    make_mail: Callable[..., bytes],  # noqa: F811
    sync_settings: Settings,  # noqa: F811
    engine: Engine,
    admin: Member,
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    first = make_mail("Invoice", "Where is it?", sender=ANNA, message_id="<s1@client.test>")
    deliver(control, SUPPORT, first)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()
    until = utcnow() + timedelta(days=2)
    patched = tandem.patch(
        f"/api/v1/conversations/{conversation_id}",
        json={"snoozed_until": until.isoformat()},
        headers=admin.headers,
    )
    assert patched.status_code == 200 and patched.json()["status"] == "snoozed"
    # Gmail's internal date (from the Date header here) must be after the connection, to
    # the second, for the mail to count as live.
    later = utcnow() + timedelta(minutes=1)
    again = make_mail(
        "Re: Invoice", "Any news?", sender=ANNA, in_reply_to="<s1@client.test>", date=later
    )
    deliver(control, SUPPORT, again)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        reopened = session.exec(
            select(AuditEvent).where(AuditEvent.action == "conversation.reopened")
        ).one()
    assert conversation is not None and conversation.status == ConversationStatus.OPEN
    assert conversation.snoozed_until is None
    assert reopened.before == {"status": "snoozed"}
    assert wake_due_snoozes(engine, now=until) == 0
