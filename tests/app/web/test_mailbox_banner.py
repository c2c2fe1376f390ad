"""A mailbox that stopped syncing shows on every signed-in page, in plain words, with the
reconnect button for admins; Settings says the same instead of Google's raw error."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.job_text import AWAITING_GOOGLE, said
from app.core.models import Mailbox, MailboxStatus, Workspace, id_of
from gmail_sync.mailboxes import mark_needs_reauth
from tests.app.web.conftest import sign_in
from tests.conftest import Member, Team

STOPPED_AT = datetime(2026, 12, 4, 8, 12, tzinfo=UTC)
SAID = (
    "Mail to support@acme.test stopped arriving on Dec 4, 2026, 09:12:\n"
    "Google no longer accepts Tandem\u2019s access."
)


def stop(engine: Engine, member: Member) -> int:
    """support@acme.test, last synced at 09:12 Warsaw time, then refused by Google."""
    with session_scope(engine) as session:
        workspace = session.get(Workspace, member.workspace_id)
        assert workspace is not None
        workspace.timezone = "Europe/Warsaw"
        mailbox = Mailbox(
            workspace_id=member.workspace_id,
            email="support@acme.test",
            credentials_encrypted="sealed",
            status=MailboxStatus.CONNECTED,
            connected_at=STOPPED_AT,
            last_synced_at=STOPPED_AT,
        )
        reason = "Google refused the mailbox's token: invalid_grant: Token has been revoked."
        mark_needs_reauth(mailbox=mailbox, reason=reason)
        session.add_all([workspace, mailbox])
        session.flush()
        return id_of(mailbox)


def test_admins_see_the_banner_with_reconnect_on_every_page(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    assert 'id="mailbox-banner"' not in client.get("/inbox").text
    stop(engine, admin)
    for path in ("/inbox", "/account", "/settings"):
        page = client.get(path).text
        assert SAID in page, path
        assert 'action="/settings/mailboxes"' in page
        assert "Reconnect support@acme.test</button>" in page
    inbox = client.get("/inbox")
    assert "An admin needs to reconnect it" not in inbox.text
    policy = inbox.headers["Content-Security-Policy"]
    assert "form-action 'self' https://accounts.google.com;" in policy, "Reconnect may go on"


def test_agents_see_the_banner_without_the_button(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    stop(engine, admin)
    agent = team.member(admin.workspace_id, "agent@acme.test")
    sign_in(client, agent)
    page = client.get("/inbox").text
    assert SAID in page
    assert "An admin needs to reconnect it." in page
    assert "Reconnect support@acme.test</button>" not in page
    assert "form-action 'self';" in client.get("/inbox").headers["Content-Security-Policy"]


def test_a_mailbox_waiting_for_its_first_authorization_is_no_banner(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    with session_scope(engine) as session:
        session.add(
            Mailbox(
                workspace_id=admin.workspace_id,
                email="new@acme.test",
                status=MailboxStatus.NEEDS_REAUTH,
                last_error="Waiting for Google authorization",
            )
        )
    assert 'id="mailbox-banner"' not in client.get("/inbox").text


def test_another_workspace_never_sees_the_banner(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    stop(engine, admin)
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    sign_in(client, other)
    assert 'id="mailbox-banner"' not in client.get("/inbox").text


def test_settings_says_it_in_words_with_google_s_reason_as_a_detail(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    mailbox_id = stop(engine, admin)
    page = client.get(f"/settings/mailboxes/{mailbox_id}/progress").text
    assert SAID + " Reconnect it to get mail again." in page
    assert "<summary>What Google said</summary>" in page
    assert "('" not in page


def test_a_russian_reader_reads_the_mailboxs_state_in_russian_with_googles_words_kept(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    """What the sync job stored in English is written again for the reader; Google's own
    reason stays as Google said it."""
    mailbox_id = stop(engine, admin)
    with session_scope(engine) as session:
        session.add(
            Mailbox(
                workspace_id=admin.workspace_id,
                email="new@acme.test",
                status=MailboxStatus.SYNCING,
                last_error=said(AWAITING_GOOGLE),
            )
        )
    client.headers["Accept-Language"] = "ru"
    progress = client.get(f"/settings/mailboxes/{mailbox_id}/progress").text
    assert (
        "Подключите ящик заново: Google refused the mailbox's token: invalid_grant: "
        "Token has been revoked."
    ) in progress.replace("&#39;", "'")
    assert "Ждём разрешения от Google" in client.get("/settings").text
    english = client.get("/api/v1/mailboxes", headers=admin.headers).json()
    errors = {row["email"]: row["sync"]["error"] for row in english}
    assert errors["new@acme.test"] == "Waiting for Google authorization"
    assert errors["support@acme.test"].startswith("Reconnect this mailbox: Google refused")
