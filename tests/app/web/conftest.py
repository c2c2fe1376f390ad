"""A signed-in browser session and a small inbox to look at."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Contact, Conversation, Mailbox, Message, Note, id_of
from tests.conftest import Member

START = datetime.now(UTC) - timedelta(hours=3)
NASTY_HTML = (
    '<p>Hello <img src="https://tracker.example/pixel.gif"> there</p>'
    '<a href="javascript:alert(1)">click</a>'
)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has a CSRF field"
    return match.group(1)


def sign_in(client: TestClient, member: Member) -> str:
    """Signs in and returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    client.post(
        "/login",
        data={"email": member.email, "password": member.password, "csrf_token": token},
    )
    return csrf_of(client.get("/account").text)


@dataclass
class Inbox:
    conversation_id: int
    message_id: int
    other_id: int


def seed(engine: Engine, member: Member) -> Inbox:
    """One open conversation from Olga (Cc Piotr) with an HTML message and a note, and an
    older closed one of hers."""
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=member.workspace_id, email=f"s{member.workspace_id}@a.test")
        contact = Contact(workspace_id=member.workspace_id, email="olga@client.test", name="Olga")
        session.add_all([mailbox, contact])
        session.flush()
        ids = []
        for index, (subject, state) in enumerate(
            (("Invoice is wrong", "open"), ("Old login question", "closed"))
        ):
            conversation = Conversation(
                workspace_id=member.workspace_id,
                mailbox_id=id_of(mailbox),
                contact_id=id_of(contact),
                gmail_thread_id=f"t{index}",
                subject=subject,
                status=state,
                message_count=1,
                last_message_at=START - timedelta(days=index),
            )
            session.add(conversation)
            session.flush()
            ids.append(id_of(conversation))
        message = Message(
            workspace_id=member.workspace_id,
            conversation_id=ids[0],
            mailbox_id=id_of(mailbox),
            gmail_id="g1",
            from_address="olga@client.test",
            from_name="Olga",
            to=[mailbox.email],
            cc=["Piotr <piotr@client.test>"],
            subject="Invoice is wrong",
            date=START,
            visible_text="Hello there",
            html_body=NASTY_HTML,
            rfc_message_id="m1@client.test",
        )
        note = Note(
            workspace_id=member.workspace_id,
            conversation_id=ids[0],
            author_id=member.user_id,
            body="VIP client, be quick",
            created_at=START + timedelta(minutes=5),
        )
        session.add_all([message, note])
        session.flush()
        return Inbox(ids[0], id_of(message), ids[1])


@pytest.fixture
def inbox(engine: Engine, admin: Member) -> Inbox:
    return seed(engine, admin)


@pytest.fixture
def csrf(client: TestClient, admin: Member) -> str:
    return sign_in(client, admin)
