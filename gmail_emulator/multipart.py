"""Byte-exact splitting of multipart bodies (media uploads and batch requests).

The email parser would re-interpret a message/rfc822 part and change its bytes, so parts are cut
at their boundaries here and returned verbatim with their headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from gmail_emulator import errors


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    content: bytes


def boundary_of(content_type: str) -> str:
    holder = Message()
    holder["Content-Type"] = content_type
    boundary = holder.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise errors.invalid_argument("Multipart body without a boundary")
    return boundary


def split(body: bytes, content_type: str) -> list[Part]:
    delimiter = re.escape(b"--" + boundary_of(content_type).encode("latin-1"))
    chunks = re.split(rb"(?:^|\r?\n)" + delimiter, body)
    parts: list[Part] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        parts.append(parse_part(chunk.removeprefix(b"\r\n").removeprefix(b"\n")))
    return parts


def parse_part(chunk: bytes) -> Part:
    """Headers up to the first blank line, then the content verbatim."""
    separator = re.search(rb"\r?\n\r?\n", chunk)
    if separator is None:
        return Part(parse_headers(chunk), b"")
    return Part(parse_headers(chunk[: separator.start()]), chunk[separator.end() :])


def parse_headers(block: bytes) -> dict[str, str]:
    """Header lines -> a dict keyed by lower-case name (continuation lines are joined)."""
    headers: dict[str, str] = {}
    last = ""
    for line in block.decode("utf-8", "replace").splitlines():
        if line[:1] in {" ", "\t"} and last:
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if sep:
            last = name.strip().lower()
            headers[last] = value.strip()
    return headers
