# ruff: noqa: RUF001, RUF002, S608 - Cyrillic letters intended; SQL from fixed names only
"""full-text search: an FTS5 table kept by triggers on SQLite, tsvector columns on PostgreSQL

SQLite: `conversation_search` holds one row per document (a conversation's subject, a message,
a live note) with rowid = source id * 4 + kind, so triggers find a document without a scan.
Text is folded ё -> е (the unicode61 tokenizer keeps them apart) and stripped of the two
private-use characters search uses as highlight markers.

PostgreSQL: a stored generated `search_vector` ('simple' config: lowercased words, no stemming,
so English and Russian are treated alike) on conversation, message and note, each with a GIN
index. `@ . / : - < >` become spaces so addresses split into words as on SQLite (and text
in angle brackets is not taken for an HTML tag).

The models leave these objects out; `inbox.search.not_search_object` hides them from
autogenerate. A later SQLite batch migration that recreates message, note or conversation drops
their triggers and must create them again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND_CONVERSATION, KIND_MESSAGE, KIND_NOTE = 0, 1, 2


def _fold(expression: str) -> str:
    """SQLite: ё -> е and the highlight markers (U+E000, U+E001) removed."""
    folded = f"replace(replace({expression}, 'ё', 'е'), 'Ё', 'Е')"
    return f"replace(replace({folded}, char(57344), ''), char(57345), '')"


def _names(column: str) -> str:
    """SQLite: the strings of a JSON list column, space separated (json_each decodes escapes)."""
    return (
        f"coalesce((SELECT group_concat(value, ' ') FROM json_each({column}) "
        f"WHERE json_valid({column})), '')"
    )


def _message_row(new: str, source: str = "") -> str:
    to_column, cc_column = new + '."to"', new + ".cc"
    recipients = f"{_names(to_column)} || ' ' || {_names(cc_column)}"
    participants = f"{new}.from_name || ' ' || {new}.from_address || ' ' || {recipients}"
    body = f"coalesce(nullif({new}.visible_text, ''), {new}.text_body)"
    return (
        "INSERT INTO conversation_search (rowid, conversation_id, subject, body, participants) "
        f"SELECT {new}.id * 4 + {KIND_MESSAGE}, {new}.conversation_id, {_fold(new + '.subject')}, "
        f"{_fold(body)}, {_fold(participants)} {source}"
    )


def _note_row(new: str, source: str = "") -> str:
    return (
        "INSERT INTO conversation_search (rowid, conversation_id, note) "
        f"SELECT {new}.id * 4 + {KIND_NOTE}, {new}.conversation_id, {_fold(new + '.body')} "
        f"{source} WHERE {new}.deleted_at IS NULL"
    )


def _conversation_row(new: str, source: str = "") -> str:
    return (
        "INSERT INTO conversation_search (rowid, conversation_id, subject) "
        f"SELECT {new}.id * 4 + {KIND_CONVERSATION}, {new}.id, {_fold(new + '.subject')} {source}"
    )


SQLITE_SOURCES = {
    # table: (kind, insert of the document, columns whose change rewrites it)
    "conversation": (KIND_CONVERSATION, _conversation_row, "subject"),
    "message": (
        KIND_MESSAGE,
        _message_row,
        'conversation_id, subject, visible_text, text_body, from_name, from_address, "to", cc',
    ),
    "note": (KIND_NOTE, _note_row, "conversation_id, body, deleted_at"),
}


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE conversation_search USING fts5("
        "conversation_id UNINDEXED, subject, body, participants, note, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    for table, (kind, row, columns) in SQLITE_SOURCES.items():
        forget = f"DELETE FROM conversation_search WHERE rowid = old.id * 4 + {kind};"
        op.execute(
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN {row('new')}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {forget} {row('new')}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN {forget} END"
        )
        op.execute(row(table, f"FROM {table}"))


def _sqlite_downgrade() -> None:
    for table in SQLITE_SOURCES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{event}")
    op.execute("DROP TABLE IF EXISTS conversation_search")


def _words(expression: str) -> str:
    """PostgreSQL: text as the query side splits it; bounded so a tsvector stays under 1 MB."""
    return f"translate(left({expression}, 100000), '@./:-<>Ёё', '       Ее')"


def _vector(expression: str, weight: str) -> str:
    return f"setweight(to_tsvector('simple'::regconfig, {_words(expression)}), '{weight}')"


POSTGRES_VECTORS = {
    "conversation": _vector("subject", "A"),
    "message": " || ".join(
        (
            _vector("subject", "C"),
            _vector(
                "from_name || ' ' || from_address || ' ' || \"to\"::text || ' ' || cc::text", "B"
            ),
            _vector("coalesce(nullif(visible_text, ''), text_body)", "D"),
        )
    ),
    "note": _vector("body", "C"),
}


def _postgres_upgrade() -> None:
    for table, vector in POSTGRES_VECTORS.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        live = " WHERE deleted_at IS NULL" if table == "note" else ""
        op.execute(
            f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector){live}"
        )


def _postgres_downgrade() -> None:
    for table in POSTGRES_VECTORS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_downgrade()
    else:
        _sqlite_downgrade()
