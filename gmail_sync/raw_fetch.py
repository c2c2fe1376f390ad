"""Messages whose format=full resource cannot show what their sender sent, fetched once more
with format=raw.

Gmail's payload gives header values as text it decoded itself, so raw 8-bit headers (RFC 6532
UTF-8, or a legacy charset such as cp1251) arrive with U+FFFD (or Latin-1 mojibake) where the
bytes were, and an encoded word that hides a line break arrives with the break in it; and it
keeps named parts behind attachmentIds, so an inline image the HTML shows and a TNEF container
(winmail.dat) have no bytes to show or list. For those messages, few since
most mail is 7-bit, the raw bytes are fetched (one batched messages.get each) and put on the
resource as `raw`, which mime reads with the payload's attachmentIds. A message Gmail will not
give raw is parsed from its payload as before. A full sync that fetches a changed thread again
also fetches again the raw bytes of its stored messages that need them: rare, and bounded by
the thread. It only reads from Gmail; it stores nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gmail_sync.client import GmailClient
from gmail_sync.mime_payload import gmail_headers
from gmail_sync.mime_tree import Headers, is_inline_image, is_tnef

# U+FFFD, or C1 controls: what 8-bit bytes decoded as UTF-8 with replacement, or as Latin-1,
# leave behind. Neither belongs in a header a person wrote. Nor do a line break or another C0
# control (Gmail unfolds headers): one came out of an encoded word, and once decoded it can
# make a name read as other addresses (`=?utf-8?q?Anna=0D=0ABcc=3A_x=40evil?= <anna@...>`),
# which the raw header, split before its words are decoded, cannot.
_LOSSY = re.compile("[\ufffd\x00-\x08\x0a-\x1f\x7f-\x9f]")


def add_raw(client: GmailClient, messages: Iterable[dict[str, Any]]) -> None:
    """Puts `raw` on each format=full message that needs its bytes as sent."""
    wanting = {message["id"]: message for message in messages if needs_raw(message)}
    if not wanting:
        return
    fetched = client.get_messages(list(wanting), message_format="raw")
    for gmail_id, resource in fetched.items():
        raw = resource.get("raw") if resource else None
        if isinstance(raw, str):
            wanting[gmail_id]["raw"] = raw


def needs_raw(resource: Mapping[str, Any]) -> bool:
    """Lossy header text anywhere, or an attachmentId on a TNEF container or on an inline
    image the HTML references. Most messages are answered from their headers alone."""
    payload = resource.get("payload")
    if not isinstance(payload, Mapping) or isinstance(resource.get("raw"), str):
        return False
    nodes = list(_nodes(payload))
    if any(_lossy(node) for node in nodes):
        return True
    images: list[Headers] = []
    for node in nodes:
        body = node.get("body")
        if not isinstance(body, Mapping) or not isinstance(body.get("attachmentId"), str):
            continue
        headers = gmail_headers(node.get("headers"))
        filename = node.get("filename")
        content_type = str(node.get("mimeType") or headers.content_type).lower()
        if is_tnef(headers, content_type, filename if isinstance(filename, str) else ""):
            return True
        if is_inline_image(headers, content_type):
            images.append(headers)
    if not images:
        return False
    html = b"".join(_html_bytes(node) for node in nodes).lower()
    return any(_shown(headers, html) for headers in images)


def _nodes(payload: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    stack: list[object] = [payload]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            parts = node.get("parts")
            stack.extend(parts if isinstance(parts, list) else [])
            yield node


def _lossy(node: Mapping[str, Any]) -> bool:
    headers, filename = node.get("headers"), node.get("filename")
    if isinstance(filename, str) and _LOSSY.search(filename):
        return True
    return isinstance(headers, list) and any(
        isinstance(header, Mapping) and _LOSSY.search(str(header.get("value", "")))
        for header in headers
    )


def _html_bytes(node: Mapping[str, Any]) -> bytes:
    body = node.get("body")
    data = body.get("data") if isinstance(body, Mapping) else None
    if node.get("mimeType") != "text/html" or not isinstance(data, str):
        return b""
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return b""


def _shown(headers: Headers, html: bytes) -> bool:
    """Whether the HTML references the image's Content-ID as `cid:`."""
    content_id = (headers.get("Content-ID") or "").strip().strip("<>").strip().lower()
    return bool(content_id) and b"cid:" + content_id.encode("utf-8", "replace") in html
