"""Whether a client's mail is urgent, and why: explicit urgency ("URGENT", «срочно», «горит»),
or trouble that costs the client now (a site down, payments failing, orders lost).

Read from what the client wrote this time: the visible text, never the quoted history, and the
subject only of the mail that opens a conversation ("Re: URGENT" on a thank-you is the old
mail's urgency). Words that are there but say nothing of this mail's urgency are taken back:
a negation just before an explicit word ("not urgent", «не срочно»); a condition before any
phrase ("if payments fail", «если не работает»); an explicit word that names a release ("a
critical update") or a category a signature offers ("for urgent matters call …"); and any
trouble the mail says is over after telling it ("was down yesterday, fine now"). The words are
in `inbox.urgency_words`.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from inbox.urgency_words import (
    ANNOUNCED,
    CATEGORY_AFTER,
    CATEGORY_BEFORE,
    CONDITIONS,
    GAP,
    NEGATIONS,
    PHRASES,
    REACH,
    RESOLVED,
    UNRESOLVED,
    Phrase,
)

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True)
class Urgency:
    """The client's own words that made the mail urgent, as they wrote them."""

    words: tuple[str, ...]

    @property
    def reason(self) -> str:
        return ", ".join(f"«{found}»" for found in self.words)


def detect_urgency(*, subject: str, text: str, opens_conversation: bool) -> Urgency | None:
    parts = [_words(part) for part in ([subject] if opens_conversation else []) + [text]]
    over = [_resolved_at(words) for _, words in parts]
    found: list[str] = []
    for index, (surface, words) in enumerate(parts):
        later = any(at is not None for at in over[index + 1 :])
        found += _found_in(surface, words, len(words) if later else over[index])
    unique = tuple(dict.fromkeys(found))
    return Urgency(unique) if unique else None


def _words(text: str) -> tuple[list[str], list[str]]:
    surface = [match.group() for match in _WORD.finditer(text.replace("\u2019", "'"))]
    return surface, [word.lower().replace("\u0451", "\u0435") for word in surface]


def _resolved_at(words: Sequence[str]) -> int | None:
    """Where the part first says the trouble is over; None if it never does. Said in the text,
    it also takes back the subject before it."""
    starts = [
        start
        for phrase in RESOLVED
        for start, _ in _matches(phrase, words)
        if not any(UNRESOLVED.match(word) for word in words[max(0, start - REACH) : start])
    ]
    return min(starts, default=None)


def _found_in(surface: Sequence[str], words: Sequence[str], resolved_at: int | None) -> list[str]:
    found = []
    for phrase in PHRASES:
        for start, end in _matches(phrase, words):
            over = resolved_at is not None and resolved_at >= end
            if not over and not _taken_back(phrase, words, start, end):
                found.append(" ".join(surface[start:end]))
    return found


def _matches(phrase: Phrase, words: Sequence[str]) -> list[tuple[int, int]]:
    """Each (first, after last) word span where the phrase's words follow one another, with at
    most `GAP` other words between two of them."""
    spans = []
    for start, word in enumerate(words):
        if not phrase.words[0].match(word):
            continue
        at = start
        for pattern in phrase.words[1:]:
            following = range(at + 1, min(at + 2 + GAP, len(words)))
            at = next((index for index in following if pattern.match(words[index])), -1)
            if at < 0:
                break
        if at >= 0:
            spans.append((start, at + 1))
    return spans


def _taken_back(phrase: Phrase, words: Sequence[str], start: int, end: int) -> bool:
    before = words[max(0, start - REACH) : start]
    if any(CONDITIONS.match(word) for word in before):
        return True
    if not phrase.negatable:
        return False
    after = words[end] if end < len(words) else ""
    if ANNOUNCED.match(after):
        return True
    if before and CATEGORY_BEFORE.match(before[-1]) and CATEGORY_AFTER.match(after):
        return True
    return any(NEGATIONS.match(word) for word in before)
