"""Whether a client's mail is urgent, and why: explicit urgency ("URGENT", «срочно», «горит»),
or trouble that costs the client now (a site down, payments failing, orders lost).

Read from what the client wrote this time: the visible text, never the quoted history, and the
subject only of the mail that opens a conversation ("Re: URGENT" on a thank-you is the old
mail's urgency). A negation just before an explicit word takes it back ("not urgent", «не
срочно»); a condition takes back any phrase ("if payments fail", «если не работает»). The
words are in `inbox.urgency_words`.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from inbox.urgency_words import CONDITIONS, GAP, NEGATIONS, PHRASES, REACH, Phrase

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True)
class Urgency:
    """The client's own words that made the mail urgent, as they wrote them."""

    words: tuple[str, ...]

    @property
    def reason(self) -> str:
        return ", ".join(f"«{found}»" for found in self.words)


def detect_urgency(*, subject: str, text: str, opens_conversation: bool) -> Urgency | None:
    found: list[str] = []
    for part in ([subject] if opens_conversation else []) + [text]:
        found += _found_in(part)
    unique = tuple(dict.fromkeys(found))
    return Urgency(unique) if unique else None


def _found_in(text: str) -> list[str]:
    surface = [match.group() for match in _WORD.finditer(text.replace("\u2019", "'"))]
    words = [word.lower().replace("\u0451", "\u0435") for word in surface]
    found = []
    for phrase in PHRASES:
        for start, end in _matches(phrase, words):
            if not _taken_back(phrase, words, start):
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


def _taken_back(phrase: Phrase, words: Sequence[str], start: int) -> bool:
    before = words[max(0, start - REACH) : start]
    if any(CONDITIONS.match(word) for word in before):
        return True
    return phrase.negatable and any(NEGATIONS.match(word) for word in before)
