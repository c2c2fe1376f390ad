"""Odd mail, broken mailboxes and key rotation: sync keeps going and keeps everything."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Attachment, Mailbox, MailboxStatus
from app.core.settings import Settings
from app.main import create_app
from gmail_sync.oauth import TokenCipher
from scheduler.jobs import renew_watches, sync_due_mailboxes
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import (
    connect_via_api,
    deliver,
    gmail_messages,
    run_sync,
    stored_mailbox,
    stored_messages,
)

CORPUS = Path(__file__).parent / "corpus"
SUPPORT = "support@acme.test"


def test_the_odd_corpus_syncs_whole(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    connect: Any,
    emulator_url: str,
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    files = sorted(CORPUS.glob("*.eml"))
    assert len(files) >= 20
    for path in files:
        deliver(control, SUPPORT, path.read_bytes())
    deliver(control, SUPPORT, _huge_attachment_mail())
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    report = run_sync(engine, sync_settings, mailbox_id)
    assert report.error is None
    with connect(emulator_url, SUPPORT) as gmail:
        expected = set(gmail_messages(gmail.service))
    stored = stored_messages(engine, mailbox_id)
    assert {m.gmail_id for m in stored} == expected
    assert len(stored) == len(files) + 1
    with Session(engine) as session:
        huge = session.exec(select(Attachment).where(Attachment.filename == "backup.bin")).one()
    assert huge.size >= 25 * 1024 * 1024
    assert huge.gmail_attachment_id


def _huge_attachment_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "ops@client.test"
    message["To"] = SUPPORT
    message["Subject"] = "The 25 MB backup you asked for"
    message["Date"] = format_datetime(datetime.now(UTC))
    message.set_content("Attached.")
    message.add_attachment(
        b"\x00\x01" * (13 * 1024 * 1024),
        maintype="application",
        subtype="octet-stream",
        filename="backup.bin",
    )
    return message.as_bytes()


def test_a_broken_mailbox_never_stops_the_others(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    for email in ("support@acme.test", "billing@acme.test"):
        control.post("/_emulator/mailboxes", json={"email": email}).raise_for_status()
        deliver(control, email, make_mail(f"For {email}", "x", sender="c@client.test", to=email))
    broken, healthy = (
        connect_via_api(tandem, admin.headers, e)
        for e in ("support@acme.test", "billing@acme.test")
    )
    control.post(
        "/_emulator/faults",
        json={"revoke": ["support@acme.test"], "expire_access_tokens": ["support@acme.test"]},
    )
    assert sync_due_mailboxes(engine, sync_settings) == 2
    assert stored_mailbox(engine, broken).status == MailboxStatus.NEEDS_REAUTH
    assert stored_mailbox(engine, healthy).status == MailboxStatus.CONNECTED
    assert len(stored_messages(engine, healthy)) == 1
    assert sync_due_mailboxes(engine, sync_settings) == 0, "nothing is due until the next poll"


def test_watches_are_renewed_before_gmail_drops_them(
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    settings = sync_settings.model_copy(update={"push_topic": "projects/p/topics/t"})
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    with TestClient(create_app(settings)) as tandem:
        mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    first = stored_mailbox(engine, mailbox_id).watch_expires_at
    assert first is not None and first > datetime.now(UTC) + timedelta(days=6)
    soon = datetime.now(UTC) + timedelta(hours=2)
    with Session(engine) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.watch_expires_at = soon
        session.add(mailbox)
        session.commit()
    renew_watches(engine, settings)
    renewed = stored_mailbox(engine, mailbox_id).watch_expires_at
    assert renewed is not None and renewed > soon + timedelta(days=5)


def test_a_rotated_secret_key_still_opens_old_credentials(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    old_key = sync_settings.require_secret_key()
    rotated = sync_settings.model_copy(
        update={
            "secret_key": SecretStr("a-brand-new-secret-key-2026"),
            "previous_secret_keys": old_key,
        }
    )
    assert run_sync(engine, rotated, mailbox_id).error is None
    sealed = stored_mailbox(engine, mailbox_id).credentials_encrypted
    assert sealed is not None
    assert TokenCipher(rotated).decrypt(TokenCipher(rotated).rotate(sealed))
    forgotten = sync_settings.model_copy(
        update={"secret_key": SecretStr("a-brand-new-secret-key-2026")}
    )
    report = run_sync(engine, forgotten, mailbox_id)
    assert report.error is not None and "TANDEM_PREVIOUS_SECRET_KEYS" in report.error
