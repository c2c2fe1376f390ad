"""A subject or a name that arrives with line breaks (an encoded word can carry CR LF) is
written on one line in Tandem's mail: it can neither add a header, such as a Bcc to a
stranger, nor make the reply unwritable; and a name that decodes to something like an address
never takes the place of the sender's real address."""

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Conversation
from app.core.settings import Settings
from app.main import create_app
from gmail_sync.compose import build_reply, reply_subject
from gmail_sync.mime_headers import format_address
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
HOSTILE = (
    b"From: =?utf-8?q?Anna=0D=0ABcc=3A_name=40attacker=2Etest?= <anna@client.test>\r\n"
    b"To: support@acme.test\r\n"
    b"Subject: =?utf-8?q?Invoice_1042=0D=0ABcc=3A_thief=40attacker=2Etest?=\r\n"
    b"Message-ID: <hostile@client.test>\r\n"
    b"Date: Mon, 30 Nov 2026 09:00:00 +0000\r\n"
    b"\r\n"
    b"Where is my invoice?\r\n"
)


def test_a_subject_and_names_with_line_breaks_come_out_on_one_line() -> None:
    raw = build_reply(
        from_address=SUPPORT,
        from_name="Acme Support",
        to=[format_address("Anna\r\nCc: b@attacker.test", "anna@client.test")],
        cc=[],
        bcc=[],
        subject=reply_subject("Invoice\r\nBcc: c@attacker.test\x00"),
        message_id="r1@acme.test",
        in_reply_to=None,
        references=[],
        body_text="Hello",
        body_html=None,
        date=datetime(2026, 12, 1, tzinfo=UTC),
    )
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == "Re: Invoice Bcc: c@attacker.test"
    assert mail["Bcc"] is None and mail["Cc"] is None
    assert [address.addr_spec for address in mail["To"].addresses] == ["anna@client.test"]
    assert mail["To"].addresses[0].display_name == "Anna Cc: b@attacker.test"


@pytest.fixture
def instant(sync_settings: Settings) -> Iterator[TestClient]:
    app = create_app(sync_settings.model_copy(update={"undo_send_seconds": 0}))
    with TestClient(app) as client:
        yield client


def test_a_reply_to_a_subject_with_line_breaks_goes_out_to_the_client_only(
    admin: Member,
    instant: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    deliver(control, SUPPORT, HOSTILE)
    run_sync(engine, sync_settings, connect_via_api(instant, admin.headers, SUPPORT))
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()

    answer = instant.post(
        f"/api/v1/conversations/{conversation_id}/reply",
        json={"body_text": "It is attached."},
        headers=admin.headers,
    )

    assert answer.status_code == 201, answer.text
    [sent] = control.get(f"/_emulator/mailboxes/{SUPPORT}/sent").json()["messages"]
    raw = base64.urlsafe_b64decode(sent["raw"] + "==")
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == "Re: Invoice 1042 Bcc: thief@attacker.test"
    assert mail.get_all("Subject") == [mail["Subject"]]
    assert mail["Bcc"] is None and mail["Cc"] is None
    assert [address.addr_spec for address in mail["To"].addresses] == ["anna@client.test"]
