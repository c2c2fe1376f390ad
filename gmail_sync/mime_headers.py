"""What the headers of a message say: people, message ids and dates.

Owns address parsing and formatting, Message-ID/References normalisation and Date parsing
(whether a machine sent the message is gmail_sync.automated_mail's). It never raises for
malformed values and never looks at a body.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from functools import lru_cache

from app.core.plain_text import one_line
from gmail_sync.charsets import clean_text, decode_header_text, restore_8bit
from gmail_sync.mime_tree import Headers

MAX_REFERENCES = 200
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ANGLE_ID = re.compile(r"<([^<>]{1,998})>")
_BARE_EMAIL = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+\.[^\s<>()\[\]\"',;:@]+")
_NEEDS_QUOTES = re.compile(r"[()<>\[\]:;@\\,.\"]")


def header_text(headers: Headers, name: str, *, hint: str | None = None) -> str:
    """The first `name` header, decoded, or "" when it is absent."""
    value = headers.get(name)
    return decode_header_text(value, hint=hint).strip() if value is not None else ""


@lru_cache(maxsize=8192)
def parse_addresses(value: str, *, hint: str | None = None) -> tuple[tuple[str, str], ...]:
    """(display name, address) pairs; names decoded after splitting, so an encoded comma in a
    name cannot split one person in two. Entries without an address are dropped. Cached: a
    mailbox repeats the same From and To lines thousands of times."""
    text = clean_text(_FOLD.sub("", restore_8bit(value, hint=hint)))
    pairs = []
    for name, address in getaddresses([text]):
        name, address = _split_loose(name, address.strip())
        if "@" in address:
            pairs.append((" ".join(decode_header_text(name).split()), address))
    if not pairs:
        pairs = [("", found) for found in _BARE_EMAIL.findall(decode_header_text(text))]
    return tuple(pairs)


def _split_loose(name: str, address: str) -> tuple[str, str]:
    """`Jane Doe jane@x.com` (no angle brackets) arrives as one "address"; split it."""
    if not any(space.isspace() for space in address):
        return name, address
    found = _BARE_EMAIL.search(address)
    if found is None:
        return name, ""
    rest = (address[: found.start()] + address[found.end() :]).strip()
    return name or rest, found.group(0)


def format_address(name: str, address: str) -> str:
    """`Name <addr>` (name quoted when RFC 5322 needs it), or the bare address without a name.
    The name is put on one line: a line break inside it would let the string read back as other
    addresses."""
    name = one_line(name)
    if not name or name.lower() == address.lower():
        return address
    if _NEEDS_QUOTES.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


@lru_cache(maxsize=8192)
def bare_address(formatted: str) -> str:
    """The lowercased address inside a formatted `Name <addr>` string (or a bare address).
    Cached: sync asks for the same few people's addresses for every message."""
    address = parseaddr(formatted)[1] or formatted
    return address.strip().lower()


def message_id(value: str) -> str | None:
    """An RFC Message-ID without its angle brackets (so ids compare equal however written)."""
    match = _ANGLE_ID.search(value)
    if match:
        return "".join(match.group(1).split()) or None
    tokens = value.split()
    return tokens[0][:998] if tokens else None


def message_ids(value: str) -> tuple[str, ...]:
    """The ids of a References header, in order, without brackets or repeats."""
    found = ["".join(ident.split()) for ident in _ANGLE_ID.findall(value)] or value.split()
    unique = list(dict.fromkeys(ident for ident in found if ident))
    if len(unique) > MAX_REFERENCES:
        # Keep the thread's root and its latest ancestors, as RFC 5322 suggests for trimming.
        unique = unique[:1] + unique[-(MAX_REFERENCES - 1) :]
    return tuple(unique)


def parse_date(value: str) -> datetime | None:
    """An aware UTC datetime, or None for a missing, malformed or pre-1980 date."""
    try:
        parsed = parsedate_to_datetime(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.year >= 1980 else None


def received_date(headers: Headers) -> datetime | None:
    """When the last hop received the message: the fallback for a missing Date header."""
    value = headers.get("Received")
    if value is None or ";" not in value:
        return None
    return parse_date(_FOLD.sub("", value).rsplit(";", 1)[1])
