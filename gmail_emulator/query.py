"""Gmail search (`q`) and label filters for messages.list and threads.list.

Supports the operators Tandem and tests need: in:inbox|sent|spam|trash|anywhere, label:,
is:unread|read|starred, from:, to:, subject:, rfc822msgid: (with or without its angle
brackets), after:/before: (YYYY/MM/DD in UTC, or epoch
seconds), newer_than:/older_than: (Nd, Nm, Ny), bare words (subject, sender, snippet), quoted
values and `-` negation. It compiles a query into a predicate and keeps no state.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from gmail_emulator import errors
from gmail_emulator.model import HIDDEN_BY_DEFAULT, StoredMessage

Predicate = Callable[[StoredMessage], bool]
_AGE = re.compile(r"^(\d+)([dmy])$")
_AGE_DAYS = {"d": 1, "m": 31, "y": 365}
_DAY_MS = 86_400_000


@dataclass(frozen=True)
class Filter:
    predicates: tuple[Predicate, ...]
    include_hidden: bool

    def matches(self, message: StoredMessage) -> bool:
        if not self.include_hidden and not HIDDEN_BY_DEFAULT.isdisjoint(message.labels):
            return False
        return all(predicate(message) for predicate in self.predicates)


def compile_filter(label_ids: list[str], q: str | None, include_spam_trash: bool) -> Filter:
    predicates: list[Predicate] = [_has_label(label) for label in label_ids]
    include_hidden = include_spam_trash or not HIDDEN_BY_DEFAULT.isdisjoint(label_ids)
    for term in _terms(q or ""):
        negated = term.startswith("-") and len(term) > 1
        predicate, shows_hidden = _term_predicate(term[1:] if negated else term)
        include_hidden = include_hidden or (shows_hidden and not negated)
        predicates.append(_negate(predicate) if negated else predicate)
    return Filter(tuple(predicates), include_hidden)


def _terms(q: str) -> list[str]:
    try:
        return shlex.split(q)
    except ValueError as exc:
        raise errors.invalid_argument(f"Invalid query: {exc}") from exc


def _term_predicate(term: str) -> tuple[Predicate, bool]:
    operator, _, value = term.partition(":")
    operator = operator.lower()
    value = value.lower()
    if not value:
        return _contains_word(term.lower()), False
    if operator == "in":
        return _in_place(value), value in {"spam", "trash", "anywhere"}
    if operator == "label":
        return _has_label(value.upper()), value in {"spam", "trash"}
    if operator == "is":
        return _is_state(value), False
    field_predicates: dict[str, Predicate] = {
        "from": lambda m: value in m.summary.from_header,
        "to": lambda m: value in m.summary.recipients,
        "subject": lambda m: value in m.summary.subject.lower(),
        "rfc822msgid": lambda m: (
            (m.summary.message_id or "").strip("<>").lower() == value.strip("<>")
        ),
    }
    if operator in field_predicates:
        return field_predicates[operator], False
    if operator in {"after", "before", "newer_than", "older_than"}:
        return _date_predicate(operator, value), False
    return _contains_word(term.lower()), False


def _has_label(label: str) -> Predicate:
    return lambda message: label in message.labels


def _negate(predicate: Predicate) -> Predicate:
    return lambda message: not predicate(message)


def _in_place(value: str) -> Predicate:
    if value == "anywhere":
        return lambda message: True
    return _has_label(value.upper())


def _is_state(value: str) -> Predicate:
    if value == "read":
        return _negate(_has_label("UNREAD"))
    if value in {"unread", "starred", "important"}:
        return _has_label(value.upper())
    raise errors.invalid_argument(f"Unsupported query operator is:{value}")


def _contains_word(word: str) -> Predicate:
    def contains(message: StoredMessage) -> bool:
        summary = message.summary
        return (
            word in summary.subject.lower()
            or word in summary.from_header
            or word in message.snippet.lower()
        )

    return contains


def _date_predicate(operator: str, value: str) -> Predicate:
    if operator in {"newer_than", "older_than"}:
        match = _AGE.match(value)
        if match is None:
            raise errors.invalid_argument(f"Invalid {operator} value: {value}")
        cutoff = int(time.time() * 1000) - int(match[1]) * _AGE_DAYS[match[2]] * _DAY_MS
        newer = operator == "newer_than"
    else:
        cutoff = _instant_ms(value)
        newer = operator == "after"
    if newer:
        return lambda message: message.internal_date >= cutoff
    return lambda message: message.internal_date < cutoff


def _instant_ms(value: str) -> int:
    if value.isdigit():
        return int(value) * 1000
    for pattern in ("%Y/%m/%d", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return int(datetime.strptime(value, pattern).replace(tzinfo=UTC).timestamp() * 1000)
        except ValueError:
            continue
    raise errors.invalid_argument(f"Invalid date in query: {value}")
