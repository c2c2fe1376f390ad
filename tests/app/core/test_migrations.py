"""The migrations build exactly the schema the models describe, forwards and backwards."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.core.migrations import alembic_config, current_revision, head_revision, upgrade_to_head
from app.core.models import SQLModel
from inbox.search import not_search_object


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        options = {"compare_type": True, "include_object": not_search_object}
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migrated_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()


def test_downgrade_to_nothing_and_upgrade_again(database_url: str, engine: Engine) -> None:
    command.downgrade(alembic_config(database_url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(database_url)
    tables = set(inspect(engine).get_table_names())
    assert {table.name for table in SQLModel.metadata.sorted_tables} <= tables


def test_inbox_queries_have_their_indexes(engine: Engine) -> None:
    inspector = inspect(engine)
    conversation = {tuple(ix["column_names"]) for ix in inspector.get_indexes("conversation")}
    assert (
        "workspace_id",
        "status",
        "last_message_at",
        "id",
        "automated",
        "assignee_id",
    ) in conversation
    assert ("workspace_id", "automated", "last_message_at", "id", "status") in conversation
    assert ("contact_id", "last_message_at", "id") in conversation
    message_unique = {
        tuple(uq["column_names"]) for uq in inspector.get_unique_constraints("message")
    }
    assert ("mailbox_id", "gmail_id") in message_unique
