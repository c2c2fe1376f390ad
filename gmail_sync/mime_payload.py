"""Gmail's format=full payload as the leaves mime_tree defines, so both inputs read alike.

Owns partIds, attachmentIds, Gmail's filenames and the base64url bodies of a payload. It never
recurses (a deep payload is data, not a stack), never raises for an odd payload (what cannot be
read becomes an error of the tree), and keeps an attachment's bytes only when Gmail sent them
inline without an attachmentId: then they are the only way to offer the file later.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from gmail_sync.mime_tree import MAX_BODY_BYTES, MAX_KEPT_BYTES, Headers, Leaf, Tree, is_body_part


def gmail_headers(headers: object) -> Headers:
    """Gmail's [{name, value}] list, read like a raw part's headers so both inputs agree."""
    fields = []
    for header in headers if isinstance(headers, list) else []:
        if isinstance(header, Mapping):
            name, value = header.get("name"), header.get("value")
            if isinstance(name, str) and isinstance(value, str) and name.strip():
                fields.append((name.strip(), value))
    return Headers(fields)


def gmail_attachment_ids(payload: Mapping[str, Any]) -> dict[str, str]:
    """partId -> attachmentId of a format=full payload, to download parts read from raw bytes."""
    found: dict[str, str] = {}
    stack: list[object] = [payload]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        parts, body, part_id = node.get("parts"), node.get("body"), node.get("partId")
        stack.extend(parts if isinstance(parts, list) else [])
        attachment_id = body.get("attachmentId") if isinstance(body, Mapping) else None
        if isinstance(part_id, str) and isinstance(attachment_id, str):
            found[part_id] = attachment_id
    return found


def gmail_tree(payload: Mapping[str, Any], root: Headers) -> Tree:
    """The leaves of a format=full payload; `root` is `gmail_headers` of its headers."""
    tree = Tree()
    stack: list[tuple[object, str]] = [(payload, "")]
    while stack:
        node, parent_type = stack.pop()
        if not isinstance(node, Mapping):
            tree.errors.append("a Gmail payload part is not an object")
            continue
        headers = root if node is payload else gmail_headers(node.get("headers"))
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


def _gmail_type(node: Mapping[str, Any], headers: Headers) -> str:
    mime_type = node.get("mimeType")
    if isinstance(mime_type, str) and "/" in mime_type:
        return mime_type.strip().lower()
    return headers.content_type


def _gmail_leaf(
    node: Mapping[str, Any], headers: Headers, content_type: str, parent_type: str
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
    data, defect, content = None, None, None
    if is_body_part(headers, content_type, filename):
        if size <= MAX_BODY_BYTES:
            data, defect = _gmail_body(body, part_id, attachment_id)
    elif attachment_id is None and size <= MAX_KEPT_BYTES:
        content, defect = _gmail_body(body, part_id, None)
    size = size or len(data if data is not None else content or b"")
    return Leaf(
        part_id,
        content_type,
        headers,
        parent_type,
        size,
        data,
        attachment_id,
        filename,
        defect,
        content=content or None,
    )


def _gmail_body(
    body: Mapping[str, Any], part_id: str, attachment_id: str | None
) -> tuple[bytes | None, str | None]:
    """A body part's bytes (None when they stay behind an attachmentId) and what broke them."""
    data = body.get("data")
    if not isinstance(data, str):
        return (None if attachment_id else b""), None
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)), None
    except (binascii.Error, ValueError):
        return b"", f"part {part_id or 'root'}: invalid base64url body data"
