# ruff: noqa: S608 - SQL is built from constants only; user text goes in bind parameters
"""Full-text search of the team inbox: subjects, message bodies, participants and live notes,
ranked (urgent conversations first, as in every list), highlighted and narrowed by the same
view conditions as the list.

It owns the queries over the search index of migrations 0003 and 0021: the FTS5 table on
SQLite, the `search_vector` GIN indexes on PostgreSQL, both holding word stems so that any
inflected form finds the others (`inbox.search_terms` turns what a user typed into safe, stemmed
search terms). It never scans the conversation table.
"""

import html
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Subquery, bindparam, case, column, text
from sqlmodel import Session, col, select

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Conversation, Priority, User, id_of
from inbox.passages import Terms, passage
from inbox.search_estimate import expected_matches
from inbox.search_terms import (
    Word,
    fts5_query,
    last_is_prefix,
    postgres_words,
    search_phrases,
    tsquery,
)
from inbox.views import InboxFilter, conditions

SEARCH_TABLE = "conversation_search"
SEARCH_COLUMN = "search_vector"
MARK_START, MARK_END = "\ue000", "\ue001"
# On SQLite, a query matching more documents than this is common: instead of bm25 over every
# match, only the newest this many are ranked, by the best column they match in (subject,
# participants, note, body) and then recency, so that a word found in every message costs about
# what a rare one does; older matches beyond them are left out.
MAX_CANDIDATES = 2000
# conversation_id, then subject, body, participants and note (stored, not indexed), then the
# stems of those four, which the index holds
_SQLITE_WEIGHTS = "0.0, 0.0, 0.0, 0.0, 0.0, 10.0, 1.0, 4.0, 2.0"
_STEMS = 4  # a text column's stems are this many columns after it


@dataclass(frozen=True)
class SearchPage:
    """Conversations urgent first, then best match first; `highlights` maps a conversation id
    to safe HTML."""

    items: list[Conversation]
    highlights: dict[int, str]
    next_offset: int | None


def not_search_object(
    _object: object, name: str | None, type_: str, reflected: bool, model: object
) -> bool:
    """Alembic's `include_object` hook: the search index objects, which no model describes
    (the FTS5 table and its shadow tables, `search_vector` columns and their indexes), are
    left out of autogenerate's comparison."""
    if not reflected or model is not None:
        return True
    name = name or ""
    if type_ == "table":
        return not name.startswith(SEARCH_TABLE)
    if type_ == "column":
        return name != SEARCH_COLUMN
    return not (type_ == "index" and name.endswith("_" + SEARCH_COLUMN))


def search_conversations(
    *, session: Session, user: User, inbox: InboxFilter, q: str, limit: int, offset: int
) -> SearchPage:
    """One page of the conversations of a filtered view that match `q`: urgent ones first, then
    the others, each best match first.

    Raises Invalid when `q` holds no letter or digit to search for.
    """
    phrases = search_phrases(q)
    if not phrases:
        raise Invalid(_("q: nothing to search for; type at least one word of letters or digits"))
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        words = postgres_words(session, phrases)
        match = tsquery(words)
        if not match:
            return SearchPage([], {}, None)
        hits = _postgres_hits(session, words, match)
    else:
        match = fts5_query(phrases)
        hits = _sqlite_hits(session, match)
    statement = (
        select(Conversation, hits.c.doc)
        .join(hits, hits.c.conversation_id == col(Conversation.id))
        .where(*conditions(inbox, user, dialect))
        .order_by(_urgent_first(), hits.c.score, col(Conversation.id).desc())
        .offset(offset)
        .limit(limit + 1)
    )
    with _walking_keys(session, dialect):
        rows = list(session.exec(statement))
    page = rows[:limit]
    best = {id_of(conversation): int(doc) for conversation, doc in page}
    highlights = _highlights(session, phrases, match, best) if best else {}
    following = offset + limit if len(rows) > limit else None
    return SearchPage([conversation for conversation, _ in page], highlights, following)


@contextmanager
def _walking_keys(session: Session, dialect: str) -> Iterator[None]:
    """On PostgreSQL, no sequential scan for this statement while a better way exists. Its
    walk of a table's newest rows (`_newest`) cannot tell the planner it stops after a few
    thousand of them, so once a table's rows lie far from their ids' order (as after a bulk
    update of its messages) the planner read the whole table and sorted it instead: a common
    word's search went from 40 ms to 500 ms at 500,000 messages. Set for the transaction and
    put back right after."""
    if dialect != "postgresql":
        yield
        return
    connection = session.connection()
    before = connection.execute(text("SELECT current_setting('enable_seqscan')")).scalar_one()
    connection.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
    try:
        yield
    finally:
        connection.execute(
            text("SELECT set_config('enable_seqscan', :before, true)"), {"before": before}
        )


def _urgent_first() -> ColumnElement[int]:
    """Urgent matches before the others, as in every list; the order among each is the rank.
    The sort covers only the matches (at most MAX_CANDIDATES documents' conversations)."""
    return case((col(Conversation.priority) == Priority.URGENT, 0), else_=1)


def _hits(sql: str, **params: Any) -> Subquery:
    """(conversation_id, score, doc) of every matching conversation; a lower score ranks
    higher; on SQLite `doc` is the rowid of its best document, whose snippet is shown."""
    columns = (column("conversation_id", Integer), column("score", Float), column("doc", Integer))
    return text(sql).bindparams(**params).columns(*columns).subquery("hits")


def _sqlite_hits(session: Session, match: str) -> Subquery:
    """Common queries are ranked from their newest candidates (one bounded walk of the
    index); rare ones, which the same walk finds whole, by bm25 over every match."""
    newest = session.execute(_SQLITE_NEWEST, {"match": match, "candidates": MAX_CANDIDATES})
    candidates = list(newest)
    if len(candidates) <= MAX_CANDIDATES:
        return _sqlite_ranked(match)
    best: dict[int, tuple[float, int]] = {}
    for doc, conversation_id, score in candidates[:MAX_CANDIDATES]:
        if conversation_id not in best or score < best[conversation_id][0]:
            best[conversation_id] = (float(score), int(doc))
    rows = [[conversation_id, score, doc] for conversation_id, (score, doc) in best.items()]
    return _hits(
        "SELECT value ->> 0 AS conversation_id, value ->> 1 AS score, value ->> 2 AS doc"
        " FROM json_each(:rows)",
        rows=json.dumps(rows),
    )


def _sqlite_ranked(match: str) -> Subquery:
    """bm25() works only while FTS5 scans, hence the materialized step before grouping; its
    cost grows with the number of matches (it counts them), so only rare queries come here."""
    return _hits(
        "SELECT conversation_id, min(rank) AS score, rowid AS doc FROM ("
        " WITH documents AS MATERIALIZED (SELECT rowid, conversation_id,"
        " bm25(conversation_search, " + _SQLITE_WEIGHTS + ") AS rank"
        " FROM conversation_search WHERE conversation_search MATCH :match)"
        " SELECT * FROM documents) GROUP BY conversation_id",
        match=match,
    )


def _column_hit(column: int) -> str:
    """Whether the match is in this text column, that is in its stems: highlight() marks it,
    bm25's column weights are given in the same order (stems hold no marker character, so only
    a hit adds it)."""
    stems = column + _STEMS
    return f"instr(highlight(conversation_search, {stems}, char(57344), ''), char(57344)) > 0"


_SQLITE_NEWEST = text(
    "SELECT rowid, conversation_id, CASE WHEN " + _column_hit(1) + " THEN -10.0"
    " WHEN " + _column_hit(3) + " THEN -4.0 WHEN rowid % 4 = 2 THEN -2.0 ELSE -1.0 END"
    " FROM conversation_search WHERE conversation_search MATCH :match"
    " ORDER BY rowid DESC LIMIT :candidates + 1"
)


_QUERY = "CAST(:match AS tsquery)"
_FOUND = "search_vector @@ " + _QUERY
_LIVE = {"conversation": "", "message": "", "note": " AND deleted_at IS NULL"}


def _postgres_hits(session: Session, words: Sequence[Sequence[Word]], match: str) -> Subquery:
    """The newest MAX_CANDIDATES matching documents (subjects, messages, live notes; all of
    them for a rarer query), each conversation ranked by its best one: as on SQLite, ts_rank
    over most of a mailbox would cost seconds. The join to conversation then applies the
    workspace and the view.

    Each table gives its newest matches; its statistics only choose how: its GIN index for a
    few matches, or a walk of its primary key from the newest row for many, which a common
    word fills within a few thousand rows while its GIN bitmap would cover the table.
    """
    expected = expected_matches(session, list(_LIVE), words)
    newest = " UNION ALL ".join(
        _newest(table, live, walk=expected[table] > MAX_CANDIDATES) for table, live in _LIVE.items()
    )
    return _hits(
        f"SELECT conversation_id, -max(ts_rank(search_vector, {_QUERY})) AS score, 0 AS doc"
        f" FROM (SELECT * FROM ({newest}) AS candidates ORDER BY created_at DESC"
        " LIMIT :candidates) AS documents GROUP BY conversation_id",
        match=match,
        candidates=MAX_CANDIDATES,
    )


def _newest(table: str, live: str, *, walk: bool) -> str:
    """OFFSET 0 plans the inner query apart from the outer ORDER BY and LIMIT, so that the
    planner, which misjudges prefixes, cannot swap one way for the other."""
    owner = "id" if table == "conversation" else "conversation_id"
    rows = f"SELECT id, {owner} AS conversation_id, search_vector, created_at"
    if walk:
        rows += f"{', deleted_at' if live else ''} FROM {table} ORDER BY id DESC OFFSET 0"
        found = f"({rows}) AS walk WHERE {_FOUND}{live}"
    else:
        found = f"({rows} FROM {table} WHERE {_FOUND}{live} OFFSET 0) AS found"
    return (
        "(SELECT conversation_id, search_vector, created_at"
        f" FROM {found} ORDER BY id DESC LIMIT :candidates)"
    )


def _highlights(
    session: Session, phrases: Sequence[tuple[str, ...]], match: str, best: dict[int, int]
) -> dict[int, str]:
    """Each conversation's best-matching passage with its matches marked, as safe HTML."""
    if session.get_bind().dialect.name == "postgresql":
        marks = {"match": match, "start": MARK_START, "end": MARK_END}
        rows = session.execute(_POSTGRES_HIGHLIGHTS, {**marks, **_HEADLINE, "ids": list(best)})
        return {int(conversation_id): _render(snippet or "") for conversation_id, snippet in rows}
    conversation_of = {doc: conversation_id for conversation_id, doc in best.items()}
    terms = Terms.of(phrases, last_is_prefix(phrases))
    return {
        conversation_of[int(doc)]: _render(passage(texts, terms, MARK_START, MARK_END))
        for doc, *texts in session.execute(_SQLITE_DOCUMENTS, {"docs": list(conversation_of)})
    }


def _render(snippet: str) -> str:
    """HTML-escape the passage, then turn the match markers into <mark> elements."""
    return html.escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


_SQLITE_DOCUMENTS = text(
    "SELECT rowid, coalesce(subject, ''), coalesce(body, ''), coalesce(participants, ''),"
    " coalesce(note, '') FROM conversation_search WHERE rowid IN :docs"
).bindparams(bindparam("docs", expanding=True))

_HEADLINE = {
    "fold_from": "\u0401\u0451<>\ue000\ue001",
    "fold_to": "\u0415\u0435  ",
    "options": f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=24, MinWords=8, '
    'MaxFragments=2, FragmentDelimiter=" … "',
}

_DOCUMENTS = {
    "conversation": ("id", "subject"),
    "message": (
        "conversation_id",
        "subject || E'\\n' || left(coalesce(nullif(visible_text, ''), text_body), 90000)"
        " || E'\\n' || translate(from_name || ' ' || from_address || ' ' || \"to\"::text"
        " || ' ' || cc::text, '@./:-', '     ')",
    ),
    "note": ("conversation_id", "body"),
}
# The page's documents first (OFFSET 0 keeps them apart), then the match: the planner would
# otherwise AND the conversation ids with a GIN bitmap of every match of a common prefix.
_POSTGRES_DOCUMENTS = " UNION ALL ".join(
    f"SELECT {owner} AS conversation_id, {document} AS document, ts_rank(search_vector, {_QUERY})"
    f" AS rank FROM (SELECT * FROM {table} WHERE {owner} IN :ids{_LIVE[table]} OFFSET 0) AS page"
    f" WHERE {_FOUND}"
    for table, (owner, document) in _DOCUMENTS.items()
)

_POSTGRES_HIGHLIGHTS = text(
    "SELECT conversation_id, ts_headline('russian'::regconfig,"
    " translate(left(document, 100000), :fold_from, :fold_to), " + _QUERY + ", :options)"
    " FROM (SELECT DISTINCT ON (conversation_id) conversation_id, document"
    " FROM (" + _POSTGRES_DOCUMENTS + ") AS documents"
    " ORDER BY conversation_id, rank DESC) AS best"
).bindparams(bindparam("ids", expanding=True))
