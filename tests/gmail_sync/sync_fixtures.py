"""Connecting Tandem to the emulator the way an admin does, and reading both sides back."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Mailbox, Message
from app.core.settings import Settings
from gmail_sync.sync import SyncReport, sync_mailbox


def connect_via_api(tandem: TestClient, headers: dict[str, str], email: str) -> int:
    """POST /mailboxes, consent in the 'browser' (the emulator), land on Tandem's callback."""
    created = tandem.post("/api/v1/mailboxes", json={"email": email}, headers=headers)
    assert created.status_code == 201, created.text
    consent = httpx.get(created.json()["authorize_url"], follow_redirects=False)
    assert consent.status_code == 302, consent.text
    landed = tandem.get(path_of(consent.headers["location"]))
    assert landed.status_code == 200, landed.text
    assert "connected" in landed.text
    return int(created.json()["id"])


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def run_sync(engine: Engine, settings: Settings, mailbox_id: int) -> SyncReport:
    return sync_mailbox(engine=engine, settings=settings, mailbox_id=mailbox_id)


def stored_messages(engine: Engine, mailbox_id: int) -> list[Message]:
    with Session(engine) as session:
        return list(session.exec(select(Message).where(Message.mailbox_id == mailbox_id)))


def stored_mailbox(engine: Engine, mailbox_id: int) -> Mailbox:
    with Session(engine) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        return mailbox


def gmail_messages(
    service: Any, labels: tuple[str, ...] = ("INBOX", "SENT")
) -> dict[str, dict[str, Any]]:
    """Every message of the given labels, as Gmail itself reports them (format=full)."""
    found: dict[str, dict[str, Any]] = {}
    for label in labels:
        for stub in _pages(service, label):
            found[stub["id"]] = service.users().messages().get(userId="me", id=stub["id"]).execute()
    return found


def _pages(service: Any, label: str) -> Iterator[dict[str, Any]]:
    token = None
    while True:
        page = (
            service.users()
            .messages()
            .list(userId="me", labelIds=[label], pageToken=token)
            .execute()
        )
        yield from page.get("messages", [])
        token = page.get("nextPageToken")
        if not token:
            return


def deliver(control: httpx.Client, email: str, raw: bytes) -> dict[str, Any]:
    """Delivers raw RFC 822 mail as incoming, through the emulator's control API."""
    response = control.post(
        f"/_emulator/mailboxes/{email}/messages",
        content=raw,
        headers={"Content-Type": "message/rfc822"},
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result
