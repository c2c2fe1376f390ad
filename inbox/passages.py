"""A document's best passage with the searched words marked, built from its stored text.

SQLite's snippet() works only inside a MATCH scan, and for a prefix (every search's last word)
FTS5 first merges the prefix's whole doclist: for a word in most messages that costs as much
as the search itself, about 30 ms at 500,000 messages. The page's few documents are read by
rowid instead, and marked here the way the index reads words: letters and digits, lowercased,
diacritics removed (so the Russian yo matches ye, and é matches e), compared by their stems
(`app.core.stemming`), so that every inflected form the search found is marked.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.stemming import plain, stem

WINDOW = 24  # words in a passage, as snippet(..., 24) gave
_LEAD = 3  # words shown before the first match of the window
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Terms:
    """The stems of the searched words; `prefixes` (in plain form) also match words whose
    stem they start, as the index does."""

    stems: frozenset[str]
    prefixes: frozenset[str]

    @classmethod
    def of(cls, phrases: Sequence[tuple[str, ...]], last_is_prefix: bool) -> "Terms":
        stems = {stem(word) for phrase in phrases for word in phrase}
        prefixes = {plain(phrases[-1][-1])} if phrases and last_is_prefix else set()
        return cls(frozenset(stems), frozenset(prefixes))

    def match(self, word: str) -> bool:
        stemmed = stem(word)
        return stemmed in self.stems or any(stemmed.startswith(p) for p in self.prefixes)


def passage(texts: Sequence[str], terms: Terms, start: str, end: str) -> str:
    """The WINDOW words holding the most matches, from the text that has such a window
    (earlier texts win ties), each match between `start` and `end`, with … where the passage
    cuts its text; "" when no text holds a match."""
    best: tuple[int, str, list[re.Match[str]], int, set[int]] | None = None
    for text in texts:
        tokens = list(_TOKEN.finditer(text))
        hits = [index for index, token in enumerate(tokens) if terms.match(token.group())]
        for hit in hits:
            first = max(0, min(hit - _LEAD, len(tokens) - WINDOW))
            inside = {index for index in hits if first <= index < first + WINDOW}
            if best is None or len(inside) > best[0]:
                best = (len(inside), text, tokens, first, inside)
    if best is None:
        return ""
    _, text, tokens, first, inside = best
    last = min(len(tokens), first + WINDOW) - 1
    whole_end = last == len(tokens) - 1
    pieces, cursor = [], tokens[first].start() if first > 0 else 0
    for index in sorted(inside):
        token = tokens[index]
        pieces += [text[cursor : token.start()], start, token.group(), end]
        cursor = token.end()
    pieces.append(text[cursor : len(text) if whole_end else tokens[last].end()])
    lead = "…" if first > 0 else ""
    tail = "" if whole_end else "…"
    return lead + " ".join("".join(pieces).split()) + tail
