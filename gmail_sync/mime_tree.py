"""The MIME tree of one message as a flat list of leaves, from either input Tandem gets.

Owns the walk over the stdlib's parse of raw RFC 822 bytes and over Gmail's format=full payload:
partIds, the bytes of text parts, and attachment sizes. It never keeps an attachment's bytes,
never recurses (a 200-level multipart is data, not a stack), and leaves charsets and the
meaning of headers to its callers.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email import errors as email_errors
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import Compat32
from typing import Any

# A text part bigger than this is kept as an attachment: no one reads 5 MB of inline text,
# and storing it would bloat every conversation view.
MAX_BODY_BYTES = 5 * 1024 * 1024
BODY_TYPES = frozenset({"text/plain", "text/html"})
_DAMAGING_DEFECTS = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
)


class _RawHeaderPolicy(Compat32):
    """compat32, but header values come back as stored: 8-bit bytes as surrogate escapes that
    the charset module can decode with a guess, instead of opaque `Header` objects."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


HEADER_POLICY = _RawHeaderPolicy()


@dataclass(frozen=True, slots=True)
class Leaf:
    """A part without children: a body text, an attachment, or an embedded message."""

    part_id: str
    content_type: str
    headers: Message
    parent_type: str
    size: int
    body: bytes | None
    attachment_id: str | None = None
    gmail_filename: str = ""
    defect: str | None = None


@dataclass(slots=True)
class Tree:
    leaves: list[Leaf] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_bytes(raw: bytes) -> Message:
    """The stdlib's parse; raises RecursionError for multiparts nested past Python's limit."""
    return BytesParser(policy=HEADER_POLICY).parsebytes(raw)


def parse_header_block(raw: bytes) -> Message:
    """Only the top-level headers, for when the body defeats the parser."""
    return BytesHeaderParser(policy=HEADER_POLICY).parsebytes(raw)


def gmail_headers(headers: object) -> Message:
    """Gmail's [{name, value}] list as a Message, so both inputs share one header reader."""
    message = Message(policy=HEADER_POLICY)
    for header in headers if isinstance(headers, list) else []:
        if isinstance(header, Mapping):
            name, value = header.get("name"), header.get("value")
            if isinstance(name, str) and isinstance(value, str) and name.strip():
                message[name.strip()] = value
    return message


def is_body_part(headers: Message, content_type: str, gmail_filename: str = "") -> bool:
    """A text/plain or text/html part meant to be read as the message, not downloaded."""
    if content_type not in BODY_TYPES or headers.get_content_disposition() == "attachment":
        return False
    return not (gmail_filename or headers.get_filename() or headers.get_param("name"))


def raw_tree(message: Message) -> Tree:
    tree = Tree()
    stack: list[tuple[Message, str, str]] = [(message, "", "")]
    while stack:
        part, part_id, parent_type = stack.pop()
        content_type = part.get_content_type()
        if content_type.startswith("multipart/") and part.is_multipart():
            children = [child for child in part.get_payload() if isinstance(child, Message)]
            stack.extend(
                (child, _child_id(part_id, index), content_type)
                for index, child in reversed(list(enumerate(children)))
            )
            continue
        try:
            tree.leaves.append(_raw_leaf(part, part_id, parent_type))
        except (ValueError, LookupError, TypeError) as error:  # hostile charset or encoding
            tree.errors.append(f"part {part_id or 'root'} unreadable: {error!r}")
    return tree


def gmail_tree(payload: Mapping[str, Any]) -> Tree:
    tree = Tree()
    stack: list[tuple[object, str]] = [(payload, "")]
    while stack:
        node, parent_type = stack.pop()
        if not isinstance(node, Mapping):
            tree.errors.append("a Gmail payload part is not an object")
            continue
        headers = gmail_headers(node.get("headers"))
        content_type = _gmail_type(node, headers)
        if content_type.startswith("multipart/"):
            # No parts at all is how format=metadata answers: nothing to read, nothing lost.
            parts = node.get("parts")
            children = parts if isinstance(parts, list) else []
            stack.extend((child, content_type) for child in reversed(children))
            continue
        try:
            tree.leaves.append(_gmail_leaf(node, headers, content_type, parent_type))
        except (ValueError, LookupError, TypeError) as error:  # hostile parameters
            tree.errors.append(f"a Gmail payload part is unreadable: {error!r}")
    return tree


def _child_id(parent: str, index: int) -> str:
    return f"{parent}.{index}" if parent else str(index)


def _raw_leaf(part: Message, part_id: str, parent_type: str) -> Leaf:
    content_type = part.get_content_type()
    if content_type.startswith("multipart/"):
        # A multipart without a usable boundary: its text is all that can be shown.
        body = _decoded(part)
        return Leaf(part_id, "text/plain", part, parent_type, len(body), body, defect=_defect(part))
    if part.is_multipart():
        return Leaf(part_id, content_type, part, parent_type, _embedded_size(part), None)
    size = _encoded_size(part)
    if is_body_part(part, content_type) and size <= MAX_BODY_BYTES:
        body = _decoded(part)
        return Leaf(part_id, content_type, part, parent_type, len(body), body, defect=_defect(part))
    return Leaf(part_id, content_type, part, parent_type, size, None)


def _decoded(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _defect(part: Message) -> str | None:
    for defect in part.defects:
        if isinstance(defect, _DAMAGING_DEFECTS):
            return f"part {part.get_content_type()}: {type(defect).__name__}"
    return None


def _encoded_size(part: Message) -> int:
    """The decoded size, computed for base64 from the encoded text so no copy is made."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding != "base64":
        return len(_decoded(part))
    payload = part.get_payload()
    if not isinstance(payload, str):
        return 0
    chars = len(payload) - sum(payload.count(space) for space in "\r\n\t ")
    padding = len(payload.rstrip()) - len(payload.rstrip().rstrip("="))
    return max(0, chars * 3 // 4 - min(padding, 2))


def _embedded_size(part: Message) -> int:
    """Size of a message/rfc822 (or delivery-status) part as it would be downloaded."""
    payload = part.get_payload()
    try:
        return sum(len(inner.as_bytes()) for inner in payload if isinstance(inner, Message))
    except Exception:  # serialising a damaged embedded message is best effort
        return 0


def _gmail_type(node: Mapping[str, Any], headers: Message) -> str:
    mime_type = node.get("mimeType")
    if isinstance(mime_type, str) and "/" in mime_type:
        return mime_type.strip().lower()
    return headers.get_content_type()


def _gmail_leaf(
    node: Mapping[str, Any], headers: Message, content_type: str, parent_type: str
) -> Leaf:
    body = node.get("body")
    body = body if isinstance(body, Mapping) else {}
    size = body.get("size")
    size = size if isinstance(size, int) and size >= 0 else 0
    attachment_id = body.get("attachmentId")
    attachment_id = attachment_id if isinstance(attachment_id, str) else None
    filename = node.get("filename")
    filename = filename if isinstance(filename, str) else ""
    part_id = node.get("partId")
    part_id = part_id if isinstance(part_id, str) else ""
    leaf = Leaf(part_id, content_type, headers, parent_type, size, None, attachment_id, filename)
    if not is_body_part(headers, content_type, filename) or size > MAX_BODY_BYTES:
        return leaf
    data = body.get("data")
    if not isinstance(data, str):
        return leaf if attachment_id else _with_body(leaf, b"", None)
    try:
        return _with_body(leaf, base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)), None)
    except (binascii.Error, ValueError):
        return _with_body(leaf, b"", f"part {part_id or 'root'}: invalid base64url body data")


def _with_body(leaf: Leaf, body: bytes, defect: str | None) -> Leaf:
    return replace(leaf, body=body, size=leaf.size or len(body), defect=defect)
