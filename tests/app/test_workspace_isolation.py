"""Strict workspace isolation: a user of workspace A gets 404 for every object of workspace B,
on every route that takes an id, and never sees B's rows in a list.

The route table is read from the application itself, so a new route with an id is covered
(and must name its table in OBJECT_ROUTES) the moment it is added.
"""

import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import SQLModel, select

from app.core.db import session_scope
from app.core.models import (
    ApiToken,
    Attachment,
    AuditEvent,
    Contact,
    Conversation,
    Mailbox,
    Message,
    Note,
    NoteRevision,
    Notification,
    Reminder,
    Rule,
    Template,
    User,
    WebhookSubscription,
)
from tests.app.web.test_sign_in import csrf_of, sign_in
from tests.conftest import Member, Team

#: The first path segment after the API prefix (or the page prefix) names the table behind `{id}`.
OBJECT_ROUTES: dict[str, type[SQLModel]] = {
    "users": User,
    "tokens": ApiToken,
    "mailboxes": Mailbox,
    "contacts": Contact,
    "conversations": Conversation,
    "messages": Message,
    "outbox": Message,
    "c": Conversation,
    "team": User,
    "attachments": Attachment,
    "notes": Note,
    "reminders": Reminder,
    "templates": Template,
    "webhooks": WebhookSubscription,
    "notifications": Notification,
    "rules": Rule,
}


def populate(engine: Engine, owner: Member) -> dict[type[SQLModel], int]:
    """One row of every table in the owner's workspace."""
    ws, now = owner.workspace_id, datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:

        def add(row: SQLModel) -> int:
            session.add(row)
            session.flush()
            return int(row.id)  # type: ignore[attr-defined]

        ids: dict[type[SQLModel], int] = {User: owner.user_id}
        ids[ApiToken] = (
            session.exec(select(ApiToken).where(ApiToken.user_id == owner.user_id)).one().id
        )  # type: ignore[assignment]
        ids[Mailbox] = add(Mailbox(workspace_id=ws, email=f"support-{ws}@b.test"))
        ids[Contact] = add(Contact(workspace_id=ws, email="client@b.test"))
        ids[Conversation] = add(
            Conversation(
                workspace_id=ws,
                mailbox_id=ids[Mailbox],
                gmail_thread_id="t1",
                subject="Secret",
                contact_id=ids[Contact],
                last_message_at=now,
            )
        )
        ids[Message] = add(
            Message(
                workspace_id=ws,
                conversation_id=ids[Conversation],
                mailbox_id=ids[Mailbox],
                gmail_id="m1",
                subject="Secret",
                text_body="B's secret",
                date=now,
            )
        )
        ids[Attachment] = add(
            Attachment(workspace_id=ws, message_id=ids[Message], filename="a.pdf")
        )
        ids[Note] = add(Note(workspace_id=ws, conversation_id=ids[Conversation], body="B's note"))
        ids[NoteRevision] = add(NoteRevision(workspace_id=ws, note_id=ids[Note], body="old"))
        ids[Reminder] = add(
            Reminder(workspace_id=ws, conversation_id=ids[Conversation], due_at=now)
        )
        ids[Template] = add(Template(workspace_id=ws, name="Hi", body_text="Hello"))
        ids[AuditEvent] = add(AuditEvent(workspace_id=ws, action="test"))
        ids[WebhookSubscription] = add(
            WebhookSubscription(workspace_id=ws, url="https://b.test", secret="s")
        )
        ids[Notification] = add(Notification(workspace_id=ws, user_id=owner.user_id, kind="test"))
        ids[Rule] = add(
            Rule(
                workspace_id=ws,
                name="Secret",
                conditions={"words": ["x"]},
                actions={"tags": ["t"]},
            )
        )
        return ids


#: Routes whose body must be valid before the id is looked up: a body naming B's objects too.
BODIES = {
    "/api/v1/templates/{id}/render": lambda ids: {"conversation_id": ids[Conversation]},
    "/api/v1/conversations/{id}/promise": lambda ids: {"promise_by": "2099-01-01T10:00:00Z"},
    "/api/v1/conversations/{id}/reminders": lambda ids: {"due_at": "2099-01-01T10:00:00Z"},
}


def _routes_with_ids(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in iter_route_contexts(app.router.routes):
        if route.methods and "{id}" in route.path:
            found.extend((method, route.path) for method in sorted(route.methods - {"HEAD"}))
    return found


def _table_of(path: str) -> type[SQLModel]:
    segment = re.sub(r"^/api/v1|^/settings(?=/)", "", path).strip("/").split("/")[0]
    assert segment in OBJECT_ROUTES, f"{path}: name the table behind {{id}} in OBJECT_ROUTES"
    return OBJECT_ROUTES[segment]


@pytest.fixture
def two_workspaces(team: Team) -> tuple[Member, Member]:
    return (
        team.admin_of_new_workspace("A", "admin@a.test"),
        team.admin_of_new_workspace("B", "admin@b.test"),
    )


def test_every_object_route_answers_404_across_workspaces(
    app: FastAPI, client: TestClient, engine: Engine, two_workspaces: tuple[Member, Member]
) -> None:
    a, b = two_workspaces
    b_ids = populate(engine, b)
    routes = _routes_with_ids(app)
    assert routes, "the app has object routes"
    sign_in(client, a)
    csrf = csrf_of(client.get("/").text)
    for method, path in routes:
        url = path.replace("{id}", str(b_ids[_table_of(path)]))
        url = url.replace("{message_id}", str(b_ids[Message]))
        url = url.replace("{attachment_id}", str(b_ids[Attachment]))
        url = url.replace("{reminder_id}", str(b_ids[Reminder]))
        url = url.replace("{conversation_id}", str(b_ids[Conversation]))
        if path.startswith("/api/"):
            body = BODIES[path](b_ids) if path in BODIES else {}
            response = client.request(method, url, headers=a.headers, json=body)
        else:
            response = client.request(method, url, data={"csrf_token": csrf})
        assert response.status_code == 404, f"{method} {url} gave {response.status_code}"
        assert "secret" not in response.text.lower()


def test_lists_show_only_the_callers_workspace(
    client: TestClient, engine: Engine, two_workspaces: tuple[Member, Member]
) -> None:
    a, b = two_workspaces
    populate(engine, b)
    users = client.get("/api/v1/users", headers=a.headers).json()
    assert [user["email"] for user in users] == ["admin@a.test"]
    tokens = client.get("/api/v1/tokens", headers=a.headers).json()
    assert {token["user_id"] for token in tokens} == {a.user_id}
