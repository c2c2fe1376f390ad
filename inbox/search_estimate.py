"""How many documents of each searchable PostgreSQL table a search would match, read from the
statistics ANALYZE (and autovacuum) keep of `search_vector`: its most common lexemes and the
share of rows holding each.

Search needs this to choose how to find the newest matches of a table. The planner estimates
whole words from the same statistics but gives a prefix (`'счет':*`, every search's last word) a
fixed guess of 10,000 rows, so for a word in most messages it builds a GIN bitmap of the whole
table (tens of milliseconds) where walking the primary key from the newest row finds enough
matches within a few thousand rows. Counting the matches instead costs that same bitmap.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from inbox.search_terms import Word

_STATISTICS = text(
    "SELECT c.relname, c.reltuples, s.most_common_elems::text::text[],"
    " s.most_common_elem_freqs FROM pg_class AS c"
    " JOIN pg_namespace AS n ON n.oid = c.relnamespace AND n.nspname = current_schema()"
    " LEFT JOIN pg_stats AS s ON s.schemaname = n.nspname AND s.tablename = c.relname"
    " AND s.attname = 'search_vector' WHERE c.relname IN :tables AND c.relkind = 'r'"
).bindparams(bindparam("tables", expanding=True))


@dataclass(frozen=True)
class _Lexemes:
    """A table's most common lexemes with the share of rows holding each (0..1)."""

    rows: float
    shares: dict[str, float]

    def word(self, word: Word) -> float:
        """Any of a word's lexemes, and any lexeme its prefix starts, matches: their shares
        added up (an upper bound). A lexeme that is not among the most common counts as none:
        ANALYZE keeps up to a thousand of them, so any other is rare enough for the index (the
        planner's half of the rarest one misleads where a mailbox uses few words, each in most
        messages)."""
        found = sum(self.shares.get(lexeme, 0.0) for lexeme in word.lexemes)
        if word.prefix:
            found += sum(
                share for lexeme, share in self.shares.items() if lexeme.startswith(word.prefix)
            )
        return min(1.0, found)

    def matches(self, terms: Sequence[Sequence[Word]]) -> float:
        """Phrases are ANDed and taken as independent; a phrase is no more frequent than its
        rarest word (a stop word, which matches nothing by itself, is left out)."""
        share = 1.0
        for words in terms:
            shares = [self.word(word) for word in words if word.lexemes or word.prefix]
            share *= min(shares, default=1.0)
        return self.rows * share


def expected_matches(
    session: Session, tables: Sequence[str], terms: Sequence[Sequence[Word]]
) -> dict[str, float]:
    """Each table's expected number of matching rows; 0 for a table never analyzed or without
    common lexemes (new or small: its index answers at once anyway)."""
    statistics = _statistics(session, tables)
    return {
        table: statistics[table].matches(terms) if table in statistics else 0.0 for table in tables
    }


def expected_word_matches(
    session: Session, tables: Sequence[str], words: Sequence[Word]
) -> dict[str, list[float]]:
    """Each table's expected number of rows holding each word, from one read of the
    statistics (0 for a word too rare for them)."""
    statistics = _statistics(session, tables)
    return {
        table: [
            statistics[table].rows * statistics[table].word(word) if table in statistics else 0.0
            for word in words
        ]
        for table in tables
    }


def _statistics(session: Session, tables: Sequence[str]) -> dict[str, _Lexemes]:
    found = {}
    for table, rows, lexemes, shares in session.execute(_STATISTICS, {"tables": list(tables)}):
        if lexemes and shares and rows > 0:
            found[table] = _Lexemes(rows, dict(zip(lexemes, shares, strict=False)))
    return found
