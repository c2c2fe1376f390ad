"""A mailbox whose access Google stopped accepting tells every admin, once per episode, in
plain words: not on every run that finds it so, and again after a reconnection lapses."""

from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import MailboxStatus, Notification, Role
from app.core.settings import Settings
from gmail_sync.sync import sync_mailbox
from scheduler.jobs import sync_due_mailboxes
from tests.conftest import Member, Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, stored_mailbox

SUPPORT = "support@acme.test"


def alerts(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as session:
        found = session.exec(
            select(Notification)
            .where(Notification.kind == "mailbox_reauth")
            .order_by(col(Notification.id))
        )
        return [(notice.user_id, notice.text) for notice in found]


def test_revoked_access_tells_every_admin_once_per_episode(
    admin: Member,
    team: Team,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    boss = team.member(admin.workspace_id, "boss@acme.test", Role.ADMIN)
    team.member(admin.workspace_id, "agent@acme.test")
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    deliver(control, SUPPORT, make_mail("Hello", "x", sender="c@client.test"))
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    assert sync_due_mailboxes(engine, sync_settings) == 1
    assert alerts(engine) == []
    control.post("/_emulator/faults", json={"revoke": [SUPPORT]}).raise_for_status()
    tandem.post(f"/api/v1/mailboxes/{mailbox_id}/sync", headers=admin.headers, json={})
    sync_due_mailboxes(engine, sync_settings)
    mailbox = stored_mailbox(engine, mailbox_id)
    assert mailbox.status == MailboxStatus.NEEDS_REAUTH
    assert mailbox.last_error is not None and "('" not in mailbox.last_error, "words, no tuple"
    said = (
        "Mail to support@acme.test stopped arriving: Google no longer accepts Tandem's access. "
        "Reconnect it in Settings."
    )
    assert alerts(engine) == [(admin.user_id, said), (boss.user_id, said)]
    sync_mailbox(engine=engine, settings=sync_settings, mailbox_id=mailbox_id)
    assert len(alerts(engine)) == 2, "the same episode is told once"
    connect_via_api(tandem, admin.headers, SUPPORT)
    assert stored_mailbox(engine, mailbox_id).status != MailboxStatus.NEEDS_REAUTH
    control.post("/_emulator/faults", json={"revoke": [SUPPORT]}).raise_for_status()
    sync_mailbox(engine=engine, settings=sync_settings, mailbox_id=mailbox_id)
    assert len(alerts(engine)) == 4, "a new episode after reconnecting is told again"
