"""What a user typed, turned into each database's search expression, stemmed so that any
inflected form of a word finds the others (заказ, заказа, заказам; invoice, invoices).

Raw input never reaches FTS syntax: only words of letters and digits survive, quoted. The last
word typed matches by its stem and as a prefix of the stems in the index (search as you type):
"зака" finds заказов through the stem заказ, and a word typed a little past its stem ("заказо")
through its own stem.

SQLite stems with `app.core.stemming`, as its index does; PostgreSQL stems on the server with
the `russian` and `english` text search configurations of its `search_vector` (migration
0021), so the lexemes always agree with the index.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from app.core.stemming import plain, stem

MAX_PHRASES, MAX_WORDS, MAX_WORD_LENGTH = 12, 8, 64
_WORD = re.compile(r"[^\W_]+")


def search_phrases(q: str) -> list[tuple[str, ...]]:
    """The words of each whitespace-separated chunk, lowercased, ё (U+0451) folded to U+0435.

    A chunk like `anna@client.ru` becomes the phrase (anna, client, ru); every character that
    is not a letter or digit only separates words, so no query syntax survives.
    """
    phrases: list[tuple[str, ...]] = []
    for chunk in unicodedata.normalize("NFC", q).split():
        words = tuple(_fold(word)[:MAX_WORD_LENGTH] for word in _WORD.findall(chunk))
        if words and words[:MAX_WORDS] not in phrases:
            phrases.append(words[:MAX_WORDS])
    return phrases[:MAX_PHRASES]


def _fold(word: str) -> str:
    return word.lower().replace("\u0451", "\u0435")


def last_is_prefix(phrases: Sequence[tuple[str, ...]]) -> bool:
    """The last word typed matches as a prefix (search as you type); earlier words match by
    their stems, because a prefix of a common word is costly to expand."""
    return bool(phrases) and len(phrases[-1][-1]) >= 2


def fts5_query(phrases: Sequence[tuple[str, ...]]) -> str:
    """An FTS5 MATCH expression over the stems columns: quoted phrases of stems, ANDed. The
    last phrase also matches with its last word, as typed, a prefix of a stem."""
    queries = []
    for index, words in enumerate(phrases):
        stems = [stem(word) for word in words]
        stemmed = '"' + " ".join(stems) + '"'
        if index == len(phrases) - 1 and last_is_prefix(phrases):
            typed = '"' + " ".join([*stems[:-1], plain(words[-1])]) + '"*'
            stemmed = typed if stems[-1] == plain(words[-1]) else f"({typed} OR {stemmed})"
        queries.append(stemmed)
    return " AND ".join(queries)


@dataclass(frozen=True)
class Word:
    """A searched word as PostgreSQL's index holds it: any of its lexemes matches (none for a
    stop word, which the index leaves out), and so does any lexeme `prefix` starts."""

    lexemes: tuple[str, ...]
    prefix: str | None = None


_LEXEMES = text(
    "SELECT tsvector_to_array(to_tsvector('russian'::regconfig, word)"
    " || to_tsvector('english'::regconfig, word))"
    " FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS words(word, n) ORDER BY n"
)


def postgres_words(session: Session, phrases: Sequence[tuple[str, ...]]) -> list[list[Word]]:
    """Each phrase's words with the lexemes both configurations give them (one round trip)."""
    flat = [word for words in phrases for word in words]
    found = iter(session.execute(_LEXEMES, {"words": flat}).scalars())
    prefix = last_is_prefix(phrases)
    terms = []
    for index, words in enumerate(phrases):
        term = []
        for position, word in enumerate(words):
            typed = prefix and index == len(phrases) - 1 and position == len(words) - 1
            lexemes = tuple(sorted(next(found)))
            if typed:
                lexemes = tuple(lexeme for lexeme in lexemes if not lexeme.startswith(word))
            term.append(Word(lexemes, word if typed else None))
        terms.append(term)
    return terms


def tsquery(terms: Sequence[Sequence[Word]]) -> str:
    """A tsquery: a word's lexemes ORed, the words of a phrase at their distance (a stop word
    left out still counts), phrases ANDed; "" when only stop words were typed."""
    phrases = []
    for words in terms:
        parts: list[str] = []
        distance = 1
        for word in words:
            options = [_quoted(lexeme) for lexeme in word.lexemes]
            options += [_quoted(word.prefix) + ":*"] if word.prefix else []
            if not options:
                distance += 1
                continue
            if parts:
                parts.append(f"<{distance}>" if distance > 1 else "<->")
            parts.append("(" + " | ".join(options) + ")" if len(options) > 1 else options[0])
            distance = 1
        if parts:
            phrases.append("(" + " ".join(parts) + ")")
    return " & ".join(phrases)


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
