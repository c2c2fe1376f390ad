"""Settings of one mailbox: sender name, sending as the agent, and the automatic
acknowledgement, through the API's `PATCH /mailboxes/{id}` rules."""

import html

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Mailbox, id_of
from tests.conftest import Member, Team


@pytest.fixture
def mailbox_id(engine: Engine, admin: Member) -> int:
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=admin.workspace_id, email="support@acme.test")
        session.add(mailbox)
        session.flush()
        return id_of(mailbox)


def test_overview_links_to_each_mailbox(client: TestClient, csrf: str, mailbox_id: int) -> None:
    assert f'href="/settings/mailboxes/{mailbox_id}"' in client.get("/settings").text


def test_saving_sender_and_acknowledgement(
    client: TestClient, csrf: str, admin: Member, mailbox_id: int
) -> None:
    text = "Hello {{ contact.first_name }}, we have #{{ conversation.number }}."
    form = {
        "csrf_token": csrf,
        "display_name": "Acme Help",
        "use_agent_name": "true",
        "auto_ack_text": text,
        "auto_ack_window_minutes": "60",
    }
    answer = client.post(f"/settings/mailboxes/{mailbox_id}", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert "Settings of support@acme.test saved." in client.get(answer.headers["location"]).text
    shown = client.get(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers).json()
    assert shown["display_name"] == "Acme Help" and shown["use_agent_name"] is True
    assert shown["auto_ack"] == {
        "enabled": False,
        "text": text,
        "is_default_text": False,
        "window_minutes": 60,
    }


def test_the_default_text_saved_unchanged_stays_the_default(
    client: TestClient, csrf: str, admin: Member, mailbox_id: int
) -> None:
    page = client.get(f"/settings/mailboxes/{mailbox_id}").text
    default = page.split('id="auto_ack_text" rows="8">')[1].split("</textarea>")[0]
    form = {
        "csrf_token": csrf,
        "auto_ack_enabled": "true",
        "auto_ack_text": html.unescape(default),
        "auto_ack_window_minutes": "1440",
    }
    client.post(f"/settings/mailboxes/{mailbox_id}", data=form)
    shown = client.get(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers).json()
    assert shown["auto_ack"]["is_default_text"] is True and shown["auto_ack"]["enabled"] is True


def test_unknown_variable_and_bad_window_are_explained(
    client: TestClient, csrf: str, admin: Member, mailbox_id: int
) -> None:
    form = {
        "csrf_token": csrf,
        "display_name": "Typed name",
        "auto_ack_enabled": "true",
        "auto_ack_text": "Hi {{ client.nickname }}",
        "auto_ack_window_minutes": "0",
    }
    answer = client.post(f"/settings/mailboxes/{mailbox_id}", data=form)
    assert answer.status_code == 422
    text_error = answer.text.split('id="auto_ack_text-error">')[1].split("<")[0]
    assert "unknown variable" in text_error and "client.nickname" in text_error
    assert 'id="auto_ack_window_minutes-error"' in answer.text
    assert 'value="Typed name"' in answer.text and "Hi {{ client.nickname }}" in answer.text
    shown = client.get(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers).json()
    assert shown["display_name"] == "" and shown["auto_ack"]["is_default_text"] is True


def test_another_workspace_mailbox_is_not_found(
    client: TestClient, csrf: str, engine: Engine, team: Team
) -> None:
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    with session_scope(engine) as session:
        theirs = Mailbox(workspace_id=stranger.workspace_id, email="help@other.test")
        session.add(theirs)
        session.flush()
        theirs_id = id_of(theirs)
    assert client.get(f"/settings/mailboxes/{theirs_id}").status_code == 404
    answer = client.post(
        f"/settings/mailboxes/{theirs_id}",
        data={"csrf_token": csrf, "display_name": "Mine now", "auto_ack_window_minutes": "5"},
    )
    assert answer.status_code == 404


def test_disconnecting_asks_first_then_forgets_the_tokens(
    client: TestClient, csrf: str, admin: Member, engine: Engine, mailbox_id: int
) -> None:
    with session_scope(engine) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.credentials_encrypted = "not-decryptable"
        mailbox.status = "connected"
    settings_page = client.get(f"/settings/mailboxes/{mailbox_id}").text
    assert f'href="/settings/mailboxes/{mailbox_id}/disconnect"' in settings_page
    confirm = client.get(f"/settings/mailboxes/{mailbox_id}/disconnect")
    assert "Disconnect support@acme.test?" in confirm.text
    assert "conversations, notes and their history stay" in confirm.text
    with session_scope(engine) as session:
        assert session.get(Mailbox, mailbox_id).credentials_encrypted  # type: ignore[union-attr]
    done = client.post(
        f"/settings/mailboxes/{mailbox_id}/disconnect",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/settings"
    assert "support@acme.test is disconnected" in client.get("/settings").text
    with session_scope(engine) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        assert mailbox.credentials_encrypted is None and mailbox.status == "needs_reauth"


def test_another_workspaces_mailbox_cannot_be_disconnected(
    client: TestClient, csrf: str, team: Team, engine: Engine
) -> None:
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    with session_scope(engine) as session:
        theirs = Mailbox(
            workspace_id=other.workspace_id, email="help@other.test", credentials_encrypted="x"
        )
        session.add(theirs)
        session.flush()
        theirs_id = id_of(theirs)
    assert client.get(f"/settings/mailboxes/{theirs_id}/disconnect").status_code == 404
    answer = client.post(f"/settings/mailboxes/{theirs_id}/disconnect", data={"csrf_token": csrf})
    assert answer.status_code == 404
    with session_scope(engine) as session:
        assert session.get(Mailbox, theirs_id).credentials_encrypted == "x"  # type: ignore[union-attr]


def test_a_mailbox_writes_to_clients_in_russian_and_its_default_text_follows(
    client: TestClient, csrf: str, admin: Member, mailbox_id: int
) -> None:
    page = client.get(f"/settings/mailboxes/{mailbox_id}").text
    assert '<option value="">as the workspace (English)</option>' in page
    english = page.split('id="auto_ack_text" rows="8">')[1].split("</textarea>")[0]
    form = {
        "csrf_token": csrf,
        "auto_ack_enabled": "true",
        "auto_ack_text": html.unescape(english),
        "auto_ack_window_minutes": "1440",
        "language": "ru",
    }
    answer = client.post(f"/settings/mailboxes/{mailbox_id}", data=form)
    assert (
        answer.status_code == 200 and '<option value="ru" selected>Русский</option>' in answer.text
    )
    shown = client.get(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers).json()
    assert shown["language"] == "ru" and shown["auto_ack"]["is_default_text"] is True
    assert "Спасибо, что написали нам." in html.unescape(answer.text)
    refused = client.post(f"/settings/mailboxes/{mailbox_id}", data={**form, "language": "xx"})
    assert refused.status_code == 422 and "unknown language &#39;xx&#39;" in refused.text
