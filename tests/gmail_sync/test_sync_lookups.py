"""What a sync reads to place each message stays a lookup as the mailbox grows: a push of one
message into a workspace of 500,000 must not read them all."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.core.settings import Settings
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, run_sync

SUPPORT = "support@acme.test"


@pytest.fixture
def support(emulator_url: str, connect: Callable[[str, str], Any]) -> Any:
    httpx.post(f"{emulator_url}/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    with connect(emulator_url, SUPPORT) as account:
        yield account


def test_a_batch_finds_its_message_ids_through_their_index(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
) -> None:
    """Sync looks up each batch's Message-IDs (copies in another mailbox, replies Tandem
    queued) within the workspace. SQLite keeps no statistics, and with the Message-ID indexed
    alone it read every message of the workspace for every batch instead."""
    for index in range(3):
        support.deliver(make_mail(f"Question {index}", "Body", message_id=f"<q{index}@c.test>"))
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    lookups: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "rfc_message_id IN" in statement:
            lookups.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert run_sync(engine, sync_settings, mailbox_id).error is None
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert lookups, "the sync looked its Message-IDs up"
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE message")
            connection.exec_driver_sql("SET enable_seqscan = off")
            prefix = "EXPLAIN "
        else:
            prefix = "EXPLAIN QUERY PLAN "
        for statement, parameters in lookups:
            plan = connection.exec_driver_sql(prefix + statement, parameters).all()
            assert "ix_message_rfc " in " ".join(str(row[-1]) for row in plan) + " ", plan
