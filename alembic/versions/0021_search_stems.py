# ruff: noqa: S608 - SQL from fixed names only
"""search stems: any inflected form of a word finds the others, in Russian and English

Rebuilds the search index of 0003 (its objects are dropped, and restored on downgrade, by
0003's own code).

SQLite: each text column of `conversation_search` (subject, body, participants, note) gains a
`_stems` twin holding the Snowball stems of its words, in order, written by the triggers
through `search_stems()` (`app.core.stemming`, registered on every connection by
`app.core.db`, the migration's included); a twin per column, so that ranking still knows a
subject hit from a body one. Only the stems are indexed: the text columns become UNINDEXED,
kept for the passages search marks. Indexing both would double the doclist a prefix query
(every search's last word) merges, and with it the cost of a common word's search.

PostgreSQL: each `search_vector` is the `russian` configuration's tsvector (Russian stems for
Cyrillic words, English stems for ASCII ones, both languages' stop words left out) joined with
the `english` one's (English stems for Latin words with accents, and the Russian stop words,
kept whole, so they can still be found), with the same weights and folding as before.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 08:00:00.000000
"""

from collections.abc import Sequence
from types import ModuleType

from alembic import context, op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _search_0003() -> ModuleType:
    return context.script.get_revision("0003").module


def _sqlite_documents(new: str, fts: ModuleType) -> dict[str, tuple[int, dict[str, str], str]]:
    """Each source table's kind, its document's columns (as SQL over `new`) and the rows that
    are documents."""
    to_column, cc_column = new + '."to"', new + ".cc"
    recipients = f"{fts._names(to_column)} || ' ' || {fts._names(cc_column)}"
    return {
        "conversation": (fts.KIND_CONVERSATION, {"subject": f"{new}.subject"}, ""),
        "message": (
            fts.KIND_MESSAGE,
            {
                "subject": f"{new}.subject",
                "body": f"coalesce(nullif({new}.visible_text, ''), {new}.text_body)",
                "participants": f"{new}.from_name || ' ' || {new}.from_address || ' ' "
                f"|| {recipients}",
            },
            "",
        ),
        "note": (fts.KIND_NOTE, {"note": f"{new}.body"}, f" WHERE {new}.deleted_at IS NULL"),
    }


def _sqlite_row(table: str, new: str, fts: ModuleType, source: str = "") -> str:
    kind, columns, where = _sqlite_documents(new, fts)[table]
    owner = f"{new}.id" if table == "conversation" else f"{new}.conversation_id"
    names = [*columns, *(f"{name}_stems" for name in columns)]
    texts = [fts._fold(expression) for expression in columns.values()]
    stems = [f"search_stems({expression})" for expression in columns.values()]
    return (
        f"INSERT INTO conversation_search (rowid, conversation_id, {', '.join(names)}) "
        f"SELECT {new}.id * 4 + {kind}, {owner}, {', '.join(texts + stems)} {source}{where}"
    )


def _sqlite_upgrade(fts: ModuleType) -> None:
    fts._sqlite_downgrade()
    op.execute(
        "CREATE VIRTUAL TABLE conversation_search USING fts5("
        "conversation_id UNINDEXED, subject UNINDEXED, body UNINDEXED, "
        "participants UNINDEXED, note UNINDEXED, "
        "subject_stems, body_stems, participants_stems, note_stems, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    for table, (kind, _row, columns) in fts.SQLITE_SOURCES.items():
        forget = f"DELETE FROM conversation_search WHERE rowid = old.id * 4 + {kind};"
        insert = _sqlite_row(table, "new", fts)
        op.execute(
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN {insert}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {forget} {insert}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN {forget} END"
        )
        op.execute(_sqlite_row(table, table, fts, f"FROM {table}"))


def _sqlite_downgrade(fts: ModuleType) -> None:
    fts._sqlite_downgrade()
    fts._sqlite_upgrade()


def _vector(expression: str, weight: str, fts: ModuleType) -> str:
    words = fts._words(expression)
    return (
        f"setweight(to_tsvector('russian'::regconfig, {words})"
        f" || to_tsvector('english'::regconfig, {words}), '{weight}')"
    )


def _postgres_vectors(fts: ModuleType) -> dict[str, str]:
    participants = "from_name || ' ' || from_address || ' ' || \"to\"::text || ' ' || cc::text"
    return {
        "conversation": _vector("subject", "A", fts),
        "message": " || ".join(
            (
                _vector("subject", "C", fts),
                _vector(participants, "B", fts),
                _vector("coalesce(nullif(visible_text, ''), text_body)", "D", fts),
            )
        ),
        "note": _vector("body", "C", fts),
    }


def _postgres_upgrade(fts: ModuleType) -> None:
    fts._postgres_downgrade()
    for table, vector in _postgres_vectors(fts).items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        live = " WHERE deleted_at IS NULL" if table == "note" else ""
        op.execute(
            f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector){live}"
        )


def _postgres_downgrade(fts: ModuleType) -> None:
    fts._postgres_downgrade()
    fts._postgres_upgrade()


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade(_search_0003())
    else:
        _sqlite_upgrade(_search_0003())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_downgrade(_search_0003())
    else:
        _sqlite_downgrade(_search_0003())
