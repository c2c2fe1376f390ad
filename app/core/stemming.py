# ruff: noqa: RUF002 - Cyrillic letters intended
"""Word stems for search on SQLite, so that any inflected form finds the others (заказ, заказа,
заказам; invoice, invoices).

FTS5 offers no stemming tokenizer, and Python's sqlite3 cannot register one, so the search
triggers (migration 0021) store the stems of each text column in a twin column, through
`search_stems()`, an SQL function `app.core.db` registers on every SQLite connection; search
and its highlights stem the query words with the same `stem`. PostgreSQL stems with its own
text search dictionaries instead.

A word is stemmed by the Snowball stemmer of its script (Cyrillic: Russian, Latin: English;
others are kept whole) after folding ё to е, and the stem is then folded the way FTS5's
unicode61 tokenizer reads text (lowercase, diacritics removed), so that stems compare equal
wherever they were made. PyStemmer (Snowball's C build, about 1 µs a word) keeps stemming off
the cost of writing mail; a stemmer is not safe to share between threads, so each thread has
its own. The folding around it costs more than the stemming, and mail repeats its words, so
each word's stem is remembered (a 100-word message: 0.47 ms to stem, 0.06 ms with the words
remembered).
"""

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f]")
_local = threading.local()


def plain(word: str) -> str:
    """A word as unicode61 (remove_diacritics 2) indexes it: lowercased, marks removed."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one word (letters and digits), in plain form."""
    word = word.lower().replace("\u0451", "\u0435")
    if _CYRILLIC.search(word):
        word = _stemmer("russian").stemWord(word)
    elif _LATIN.search(word):
        word = _stemmer("english").stemWord(word)
    return plain(word)


def stems(text: str | None) -> str | None:
    """The stems of a text's words in their order, space separated (phrases still match)."""
    if text is None:
        return None
    return " ".join(stem(word) for word in _WORD.findall(text))


def _stemmer(language: str) -> "Stemmer.Stemmer":
    stemmers: dict[str, Stemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(language)
    return stemmers[language]
