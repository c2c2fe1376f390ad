"""Contacts: finding a client and reading their history with the team."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Contact, Conversation, Mailbox, id_of
from tests.conftest import Member, Team


def seed_contacts(engine: Engine, member: Member) -> dict[str, int]:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=member.workspace_id, email=f"m{member.workspace_id}@a.test")
        session.add(mailbox)
        session.flush()
        ids = {}
        for email, name, count in (
            ("olga@client.test", "Ольга Смирнова", 3),
            ("tom_x@client.test", "Tom", 1),
            ("tomas@client.test", "", 0),
        ):
            contact = Contact(workspace_id=member.workspace_id, email=email, name=name)
            session.add(contact)
            session.flush()
            ids[email] = id_of(contact)
            for index in range(count):
                session.add(
                    Conversation(
                        workspace_id=member.workspace_id,
                        mailbox_id=id_of(mailbox),
                        gmail_thread_id=f"{email}{index}",
                        subject=f"{name} #{index}",
                        contact_id=id_of(contact),
                        last_message_at=start + timedelta(days=index),
                    )
                )
        return ids


def test_search_by_name_or_email_in_any_script(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    seed_contacts(engine, admin)

    def found(q: str) -> list[str]:
        response = client.get("/api/v1/contacts", params={"q": q}, headers=admin.headers)
        return [c["email"] for c in response.json()]

    assert found("ольга") == ["olga@client.test"]
    assert found("TOM") == ["tom_x@client.test", "tomas@client.test"]
    assert found("tom_") == ["tom_x@client.test"], "LIKE wildcards are taken literally"
    assert found("%") == []
    assert len(found("")) == 3


def test_contact_history_is_newest_first(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    ids = seed_contacts(engine, admin)
    body = client.get(f"/api/v1/contacts/{ids['olga@client.test']}", headers=admin.headers).json()
    subjects = [c["subject"] for c in body["conversations"]]
    assert subjects == ["Ольга Смирнова #2", "Ольга Смирнова #1", "Ольга Смирнова #0"]
    other = team.admin_of_new_workspace("Other", "o@other.test")
    assert (
        client.get(f"/api/v1/contacts/{ids['olga@client.test']}", headers=other.headers).status_code
        == 404
    )
    assert client.get("/api/v1/contacts", headers=other.headers).json() == []
