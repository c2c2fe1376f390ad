"""A backup made and restored with the commands docs/deploy.md gives (pg_dump and pg_restore on
PostgreSQL, sqlite3's .backup on SQLite) brings back a connected mailbox whose stored OAuth
token still works under the same TANDEM_SECRET_KEY (new mail syncs, the access token is
refreshed with the stored refresh token), and fails clearly under another key."""

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from app.core.db import get_engine
from app.core.models import Mailbox, MailboxStatus, Message
from app.core.settings import Settings
from tests.conftest import POSTGRES_URL, Member, _create_postgres_database, _drop_postgres_database
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def restore(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Backs the database at a URL up and restores it into a fresh one; returns that URL."""
    made: list[str] = []

    def backup_and_restore(url: str) -> str:
        if POSTGRES_URL:
            dump = tmp_path / "tandem.dump"
            run(["pg_dump", "--format=custom", f"--file={dump}", _libpq(url)])
            restored = _create_postgres_database(POSTGRES_URL)
            made.append(restored)
            run(["pg_restore", "--no-owner", f"--dbname={_libpq(restored)}", str(dump)])
            return restored
        backup = tmp_path / "backup.db"
        run(["sqlite3", make_url(url).database or "", f".backup '{backup}'"])
        restored_path = tmp_path / "restored" / "tandem.db"
        restored_path.parent.mkdir()
        shutil.copyfile(backup, restored_path)
        return f"sqlite:///{restored_path}"

    yield backup_and_restore
    for url in made:
        get_engine(url).dispose()
        _drop_postgres_database(POSTGRES_URL or "", url)


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{command[0]}: {done.stderr}"


def _messages(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(m.subject or "" for m in session.exec(select(Message)))


def test_a_restored_database_syncs_with_its_stored_token_under_the_same_key(
    tandem: TestClient,
    admin: Member,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
    restore: Callable[[str], str],
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT, "name": "Acme Support"})
    deliver(control, SUPPORT, make_mail("Before the backup", to=SUPPORT))
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    assert run_sync(engine, sync_settings, mailbox_id).error is None

    restored_url = restore(sync_settings.database_url)
    restored = get_engine(restored_url)
    assert _messages(restored) == ["Before the backup"]
    deliver(control, SUPPORT, make_mail("After the restore", to=SUPPORT))
    control.post("/_emulator/faults", json={"expire_access_tokens": [SUPPORT]})

    same_key = sync_settings.model_copy(update={"database_url": restored_url})
    report = run_sync(restored, same_key, mailbox_id)
    assert report.error is None
    assert _messages(restored) == ["After the restore", "Before the backup"]

    deliver(control, SUPPORT, make_mail("Under another key", to=SUPPORT))
    other_key = same_key.model_copy(update={"secret_key": SecretStr("a-different-secret-key")})
    failed = run_sync(restored, other_key, mailbox_id)
    assert failed.error is not None
    assert "cannot be decrypted" in failed.error
    assert "TANDEM_SECRET_KEY" in failed.error
    with Session(restored) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        assert mailbox.status == MailboxStatus.NEEDS_REAUTH
    assert _messages(restored) == ["After the restore", "Before the backup"]
