"""Migration 0030 gives notifications their values; the rows written before keep only their
English sentence, and the bell and the API still show it as it was."""

from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.core.migrations import alembic_config, upgrade_to_head
from app.core.models import utcnow
from tests.app.web.conftest import sign_in
from tests.conftest import Member


def revision_before_params(database_url: str) -> str:
    """The migration this one follows, whatever its number once branches are merged."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    found = next(
        script
        for script in scripts.walk_revisions()
        if (script.doc or "").startswith("notification params")
    )
    return str(found.down_revision)


def test_a_notification_written_before_the_upgrade_still_reads_as_it_did(
    database_url: str, engine: Engine, client: TestClient, admin: Member
) -> None:
    command.downgrade(alembic_config(database_url), revision_before_params(database_url))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO notification (workspace_id, user_id, kind, text, created_at) "
                "VALUES (:workspace, :user, 'mention', :text, :now)"
            ),
            {
                "workspace": admin.workspace_id,
                "user": admin.user_id,
                "text": "Boris mentioned you in a note on “Invoice #114”",
                "now": utcnow().replace(tzinfo=None),
            },
        )

    upgrade_to_head(database_url)

    [told] = client.get("/api/v1/notifications", headers=admin.headers).json()
    assert (told["kind"], told["text"], told["params"]) == (
        "mention",
        "Boris mentioned you in a note on “Invoice #114”",
        None,
    )
    sign_in(client, admin)
    menu = client.get("/notifications", headers={"Accept-Language": "ru"}).text
    assert "Boris mentioned you in a note on “Invoice #114”" in menu
    assert "Уведомлений нет." not in menu
