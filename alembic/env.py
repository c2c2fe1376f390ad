"""Alembic environment: migrates the database of `TANDEM_DATABASE_URL`, or the connection or URL
that `app.core.migrations` hands over in `config.attributes`."""

from typing import Any

from alembic import context
from sqlalchemy import Connection

from app.core.db import get_engine
from app.core.models import JSONType, SQLModel, UTCDateTime
from app.core.settings import get_settings
from inbox.search import not_search_object

target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write Tandem's column types as plain SQLAlchemy so migrations never import the models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and obj is JSONType:
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        include_object=not_search_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = context.config.attributes.get("database_url") or get_settings().database_url
    with get_engine(url).connect() as connection:
        run_with(connection)
        connection.commit()


run_online()
