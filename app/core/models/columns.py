"""How Tandem's tables store things: aware UTC times, JSON that is JSONB on PostgreSQL, short
strings for enumerations, the constraint naming convention, and the field builders every table
module uses. Times are stored in UTC and always come back timezone-aware; enumerations are short
strings, so adding a value never needs a type migration."""

from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from sqlalchemy import (
    JSON,
    DateTime,
    String,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given: Tandem stores aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    id: int | None


def id_of(row: _Row) -> int:
    """The primary key of a row that has been flushed or loaded (which always has one)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


def time_field(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def created_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _empty_list() -> list[Any]:
    return []


def _empty_dict() -> dict[str, Any]:
    return {}


def json_field(default: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """A JSON column; its default comes from a plain function because pydantic inspects the
    factory's signature on every construction, which costs ~150 us for a builtin like `list`."""
    factory = _empty_list if default is list else _empty_dict
    return Field(default_factory=factory, sa_type=JSONType, nullable=False)


def enum_field(default: str, length: int = 16) -> Any:
    return Field(default=default, sa_type=String(length), nullable=False)


OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]


def foreign_key(
    target: str, *, nullable: bool = False, ondelete: OnDelete = "CASCADE", index: bool = True
) -> Any:
    return Field(
        default=None, foreign_key=target, nullable=nullable, ondelete=ondelete, index=index
    )
