"""The unread dot: mail synced unread, read once a teammate opens it, unread again when the
client writes or someone hands it back."""

from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import AuditEvent, Conversation
from app.core.settings import Settings
from tests.app.web.conftest import csrf_of, sign_in
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"


def _unread(tandem: TestClient, member: Member, conversation_id: int) -> bool:
    answer = tandem.get(f"/api/v1/conversations/{conversation_id}", headers=member.headers)
    return bool(answer.json()["is_unread"])


def test_opening_reads_for_the_team_and_new_mail_or_a_handback_makes_it_unread(
    tandem: TestClient,
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    question = make_mail("Lost parcel", "Where is it?", to=SUPPORT, message_id="<p1@client.test>")
    deliver(control, SUPPORT, question)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()
    assert _unread(tandem, admin, conversation_id)

    sign_in(tandem, admin)
    assert 'class="dot"' in tandem.get("/inbox?view=all").text
    assert tandem.get(f"/c/{conversation_id}").status_code == 200
    assert not _unread(tandem, admin, conversation_id)
    assert 'class="dot"' not in tandem.get("/inbox?view=all").text

    again = make_mail(
        "Re: Lost parcel", "Still nothing.", to=SUPPORT, in_reply_to="<p1@client.test>"
    )
    deliver(control, SUPPORT, again)
    run_sync(engine, sync_settings, mailbox_id)
    assert _unread(tandem, admin, conversation_id), "the client wrote again"

    read = tandem.post(f"/api/v1/conversations/{conversation_id}/read", headers=admin.headers)
    assert read.status_code == 200 and read.json()["is_unread"] is False
    page = tandem.get(f"/c/{conversation_id}").text
    back = tandem.post(
        f"/c/{conversation_id}/unread", data={"csrf_token": csrf_of(page)}, follow_redirects=False
    )
    assert back.status_code == 303 and back.headers["location"] == "/inbox"
    assert _unread(tandem, admin, conversation_id)
    with Session(engine) as session:
        assert session.exec(select(AuditEvent)).all() == [], "reading is not a change"
    assert tandem.post(f"/c/{conversation_id}/unread", data={}).status_code == 403
    other = tandem.post("/api/v1/conversations/999999/read", headers=admin.headers)
    assert other.status_code == 404
