"""Who a reply reaches, end to end through the Gmail emulator: every author of the message, the
author rather than nobody when Reply-To names the team, the author and the list when a list
rewrote Reply-To, never one of the team's own addresses (aliases, plus-addressed forms, another
connected mailbox), and someone the client newly copied in shown as new before sending."""

import base64
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import Conversation
from app.core.settings import Settings
from app.main import create_app
from tests.app.web.test_sign_in import sign_in
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
SALES = "sales@acme.test"


@pytest.fixture
def instant(sync_settings: Settings) -> Iterator[TestClient]:
    app = create_app(sync_settings.model_copy(update={"undo_send_seconds": 0}))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def mailboxes(control: httpx.Client) -> None:
    body = {"email": SUPPORT, "name": "Acme Support", "aliases": ["help@acme.test"]}
    control.post("/_emulator/mailboxes", json=body).raise_for_status()
    control.post("/_emulator/mailboxes", json={"email": SALES}).raise_for_status()


def _mail(headers: dict[str, str], body: str = "Hello") -> bytes:
    message = EmailMessage()
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def _synced(
    instant: TestClient,
    admin: Member,
    engine: Engine,
    settings: Settings,
    control: httpx.Client,
    *mails: tuple[str, bytes],
) -> int:
    """Delivers each (mailbox, raw) pair, connects both mailboxes, syncs: the newest
    conversation's id."""
    for email, raw in mails:
        deliver(control, email, raw)
    for email in (SUPPORT, SALES):
        run_sync(engine, settings, connect_via_api(instant, admin.headers, email))
    with Session(engine) as session:
        newest = session.exec(select(Conversation.id).order_by(col(Conversation.id).desc()))
        return int(newest.first() or 0)


def _reply(
    instant: TestClient, admin: Member, control: httpx.Client, conversation_id: int, **extra: Any
) -> tuple[dict[str, Any], EmailMessage]:
    answer = instant.post(
        f"/api/v1/conversations/{conversation_id}/reply",
        json={"body_text": "Thank you, we are on it.", **extra},
        headers=admin.headers,
    )
    assert answer.status_code == 201, answer.text
    sent = control.get(f"/_emulator/mailboxes/{SUPPORT}/sent").json()["messages"]
    raw = base64.urlsafe_b64decode(sent[-1]["raw"] + "==")
    mail = message_from_bytes(raw, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    return answer.json(), mail


def _addresses(mail: EmailMessage, field: str) -> list[str]:
    header = mail[field]
    return [address.addr_spec for address in header.addresses] if header else []


@pytest.mark.usefixtures("mailboxes")
def test_a_client_who_wrote_to_two_of_our_mailboxes_gets_one_reply_without_them(
    admin: Member,
    instant: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    raw = _mail(
        {
            "From": "Anna Petrova <anna@client.test>",
            "To": f"{SUPPORT}, {SALES}, support+urgent@acme.test",
            "Cc": "Boris <boris@client.test>, Help+VIP@acme.test",
            "Subject": "Refund",
            "Message-ID": "<both@client.test>",
        }
    )
    conversation_id = _synced(
        instant, admin, engine, sync_settings, control, (SUPPORT, raw), (SALES, raw)
    )
    body, mail = _reply(instant, admin, control, conversation_id)
    assert _addresses(mail, "To") == ["anna@client.test"]
    assert _addresses(mail, "Cc") == ["boris@client.test"]
    assert body["recipients"] == {"added": [], "dropped": []}


@pytest.mark.usefixtures("mailboxes")
def test_every_author_is_a_recipient_and_reply_to_us_goes_to_them(
    admin: Member,
    instant: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    raw = _mail(
        {
            "From": "Anna <anna@client.test>, Boris <boris@client.test>",
            "Reply-To": f"Acme <{SUPPORT}>",
            "To": SUPPORT,
            "Subject": "Contract",
            "Message-ID": "<authors@client.test>",
        }
    )
    conversation_id = _synced(instant, admin, engine, sync_settings, control, (SUPPORT, raw))
    _, mail = _reply(instant, admin, control, conversation_id)
    assert _addresses(mail, "To") == ["anna@client.test", "boris@client.test"]
    _, to_sender = _reply(
        instant, admin, control, conversation_id, mode="sender", reason="both wrote it"
    )
    assert _addresses(to_sender, "To") == ["anna@client.test", "boris@client.test"]


@pytest.mark.usefixtures("mailboxes")
def test_a_list_that_rewrote_reply_to_keeps_the_author(
    admin: Member,
    instant: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    raw = _mail(
        {
            "From": "Anna <anna@client.test>",
            "To": "Customers <customers@lists.client.test>",
            "Cc": SUPPORT,
            "Reply-To": "customers@lists.client.test",
            "List-Id": "Customers <customers.lists.client.test>",
            "List-Post": "<mailto:customers@lists.client.test>",
            "Subject": "Outage?",
            "Message-ID": "<list@client.test>",
        }
    )
    conversation_id = _synced(instant, admin, engine, sync_settings, control, (SUPPORT, raw))
    _, everyone = _reply(instant, admin, control, conversation_id)
    assert _addresses(everyone, "To") == ["anna@client.test", "customers@lists.client.test"]
    body, to_sender = _reply(
        instant, admin, control, conversation_id, mode="sender", reason="not for the list"
    )
    assert _addresses(to_sender, "To") == ["anna@client.test"]
    assert body["recipients"]["dropped"] == ["customers@lists.client.test"]


@pytest.mark.usefixtures("mailboxes")
def test_someone_the_client_newly_copied_in_is_shown_as_new_before_sending(
    admin: Member,
    instant: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    first = _mail(
        {
            "From": "Anna <anna@client.test>",
            "To": SUPPORT,
            "Subject": "Invoice",
            "Message-ID": "<i1@client.test>",
        }
    )
    conversation_id = _synced(instant, admin, engine, sync_settings, control, (SUPPORT, first))
    sign_in(instant, admin)
    composer = instant.get(f"/c/{conversation_id}")
    assert 'id="new-people"' not in composer.text
    again = _mail(
        {
            "From": "Anna <anna@client.test>",
            "To": SUPPORT,
            "Cc": "Carl Finance <carl@client.test>",
            "Subject": "Re: Invoice",
            "Message-ID": "<i2@client.test>",
            "In-Reply-To": "<i1@client.test>",
            "References": "<i1@client.test>",
        }
    )
    deliver(control, SUPPORT, again)
    with Session(engine) as session:
        mailbox_id = session.exec(select(Conversation.mailbox_id)).first()
    assert mailbox_id is not None
    run_sync(engine, sync_settings, mailbox_id)
    composer = instant.get(f"/c/{conversation_id}")
    assert 'id="new-people"' in composer.text
    assert "Carl Finance &lt;carl@client.test&gt;</strong>" in composer.text
    body, mail = _reply(instant, admin, control, conversation_id)
    assert _addresses(mail, "Cc") == ["carl@client.test"]
    assert body["recipients"]["added"] == ["carl@client.test"]
