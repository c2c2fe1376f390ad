"""RFC 822 bytes -> the pieces of a Gmail message resource (payload, snippet, headers).

Parsing uses the stdlib `email` package with the lenient compat32 policy, so malformed mail is
still stored and served as-is; this module never raises on bad input and holds no state.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from datetime import UTC
from email import message_from_bytes
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")
SNIPPET_LENGTH = 200


@dataclass(frozen=True)
class Summary:
    """What the store indexes about a message: threading keys and search fields."""

    message_id: str | None
    references: tuple[str, ...]
    subject: str
    from_header: str
    recipients: str
    date_ms: int | None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decodes base64url with or without padding (Gmail accepts both)."""
    cleaned = text.strip().replace("+", "-").replace("/", "_")
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def decode_header_value(value: str) -> str:
    """Unfolds a header and decodes RFC 2047 words; undecodable values are kept verbatim."""
    unfolded = _FOLD.sub("", value).strip()
    try:
        decoded = str(make_header(decode_header(unfolded)))
    except (ValueError, LookupError, UnicodeError, HeaderParseError):
        decoded = unfolded
    return decoded.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def summarize(raw: bytes) -> Summary:
    """Reads only the header block: the body is parsed when a message is first served."""
    msg = BytesHeaderParser().parsebytes(raw)
    in_reply_to = _MESSAGE_ID.findall(str(msg.get("In-Reply-To", "")))
    references = _MESSAGE_ID.findall(str(msg.get("References", "")))
    message_ids = _MESSAGE_ID.findall(str(msg.get("Message-ID", "")))
    recipients = [decode_header_value(str(v)) for k in ("To", "Cc") for v in msg.get_all(k, [])]
    return Summary(
        message_id=message_ids[0] if message_ids else None,
        references=tuple(in_reply_to + list(reversed(references))),
        subject=decode_header_value(str(msg.get("Subject", ""))),
        from_header=decode_header_value(str(msg.get("From", ""))).lower(),
        recipients=" ".join(f"{n} {a}" for n, a in getaddresses(recipients)).lower(),
        date_ms=_date_ms(msg.get("Date")),
    )


def _date_ms(value: object) -> int | None:
    if value is None:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def snippet_of(raw: bytes) -> str:
    """Gmail's snippet: the start of the body text, whitespace collapsed, HTML-escaped."""
    msg = message_from_bytes(raw)
    text = _first_text(msg, "text/plain")
    if text is None:
        markup = _first_text(msg, "text/html")
        text = html.unescape(_TAGS.sub(" ", markup)) if markup else ""
    collapsed = _SPACES.sub(" ", text).strip()[:SNIPPET_LENGTH]
    return html.escape(collapsed, quote=True).replace("&#x27;", "&#39;")


def _first_text(msg: Message, mime_type: str) -> str | None:
    for part in msg.walk():
        if part.get_content_type() == mime_type and not part.get_filename():
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                return _decode_text(data, part.get_content_charset())
    return None


def _decode_text(data: bytes, charset: str | None) -> str:
    try:
        return data.decode(charset or "utf-8", "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def payload_of(message_id: str, raw: bytes) -> dict[str, Any]:
    """The `payload` of format=full: the MIME tree with partIds, headers and bodies."""
    return _part_payload(message_id, message_from_bytes(raw), "")


def metadata_payload(raw: bytes, wanted: list[str]) -> dict[str, Any]:
    """The `payload` of format=metadata: top-level headers, optionally only `wanted` ones."""
    msg = message_from_bytes(raw)
    names = {w.lower() for w in wanted}
    headers = [h for h in _headers_of(msg) if not names or h["name"].lower() in names]
    return {"mimeType": msg.get_content_type(), "headers": headers}


def _headers_of(part: Message) -> list[dict[str, str]]:
    return [{"name": name, "value": decode_header_value(str(v))} for name, v in part.items()]


def _part_payload(message_id: str, part: Message, part_id: str) -> dict[str, Any]:
    mime_type = part.get_content_type()
    filename = _filename(part)
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": mime_type,
        "filename": filename,
        "headers": _headers_of(part),
    }
    if part.is_multipart() and mime_type != "message/rfc822":
        children = part.get_payload()
        node["body"] = {"size": 0}
        node["parts"] = [
            _part_payload(message_id, child, _child_id(part_id, index))
            for index, child in enumerate(children if isinstance(children, list) else [])
        ]
        return node
    data = _leaf_bytes(part)
    if filename or mime_type == "message/rfc822":
        node["body"] = {"attachmentId": attachment_id(message_id, part_id), "size": len(data)}
    elif data:
        node["body"] = {"size": len(data), "data": b64url(data)}
    else:
        node["body"] = {"size": 0}
    return node


def _child_id(parent: str, index: int) -> str:
    return f"{parent}.{index}" if parent else str(index)


def _filename(part: Message) -> str:
    name = part.get_filename()
    return decode_header_value(name) if name else ""


def _leaf_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" and part.is_multipart():
        inner = part.get_payload(0)
        return inner.as_bytes() if isinstance(inner, Message) else b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def attachment_id(message_id: str, part_id: str) -> str:
    return "ANGjdJ" + b64url(f"{message_id}/{part_id}".encode()).rstrip("=")


def attachment_bytes(message_id: str, raw: bytes, attachment: str) -> bytes | None:
    """The decoded bytes of the part `attachment` names, or None if it names no part here."""
    try:
        owner, part_id = b64url_decode(attachment.removeprefix("ANGjdJ")).decode().split("/", 1)
    except (ValueError, UnicodeDecodeError):
        return None
    part: Message | None = message_from_bytes(raw)
    if owner != message_id:
        return None
    for index in (int(i) for i in part_id.split(".") if i):
        children = part.get_payload() if part is not None and part.is_multipart() else None
        if not isinstance(children, list) or index >= len(children):
            return None
        child = children[index]
        part = child if isinstance(child, Message) else None
    return _leaf_bytes(part) if part is not None else None
