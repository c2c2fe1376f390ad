"""Gmail's threading rule: which thread a new message joins.

A message joins a thread when its In-Reply-To/References name a message of that thread and its
subject matches that message's subject once reply/forward prefixes (Re:, Fwd:, Ответ: ...) are
stripped. This module decides; it never stores anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_PREFIX = re.compile(
    r"^\s*(?:re|fwd?|aw|sv|wg|tr|ответ|отв|пересл|переслано)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")

# Finds the thread id and normalised subject of a message by its RFC 822 Message-ID.
Lookup = Callable[[str], tuple[str, str] | None]


def subject_key(subject: str) -> str:
    """The subject with every leading reply/forward prefix removed, case and spacing folded."""
    stripped = subject
    while True:
        shorter = _PREFIX.sub("", stripped, count=1)
        if shorter == stripped:
            break
        stripped = shorter
    return _SPACES.sub(" ", stripped).strip().casefold()


def thread_of_reply(references: Iterable[str], key: str, lookup: Lookup) -> str | None:
    """The thread a message joins, or None when it starts a new one."""
    for reference in references:
        found = lookup(reference)
        if found is not None and found[1] == key:
            return found[0]
    return None


def joins_thread(thread_id: str, references: Iterable[str], key: str, lookup: Lookup) -> bool:
    """Whether a sent message may be placed in `thread_id`, as messages.send checks."""
    for reference in references:
        found = lookup(reference)
        if found is not None and found == (thread_id, key):
            return True
    return False
