"""The body of one message: its leaves read as plain text, HTML, attachments and inline images,
and the text split into what the author wrote and what they quoted.

Owns which leaf is read how (charsets, format=flowed unwrapping, TNEF containers listed as their
files, images an HTML part references by `cid:`) and the choice between the plain-text and the
HTML reading of a reply. It does no network or database work and never raises for a leaf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gmail_sync.charsets import decode_bytes
from gmail_sync.flowed import unflow
from gmail_sync.html_text import HtmlText, html_to_text
from gmail_sync.mime_attachments import Attachment, attachments_of
from gmail_sync.mime_headers import header_text
from gmail_sync.mime_tree import Leaf, Tree, is_inline_image
from gmail_sync.quotes import Reply, split_reply, starts_with_forward

_FORWARD_SUBJECT = re.compile(r"\s*(?:fwd?|пересл\w*)\s*:", re.IGNORECASE)
_HTML_QUOTE_MARKERS = (
    "gmail_quote",
    "divrplyfwdmsg",
    "appendonsend",
    'type="cite"',
    "type=cite",
    "moz-cite-prefix",
    "yahoo_quoted",
    "protonmail_quote",
)


@dataclass(slots=True)
class Body:
    """`images`: Content-ID (no brackets) -> (content type, bytes) of the inline images whose
    bytes are at hand, for the HTML's `cid:` references."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    images: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def read_leaves(tree: Tree, hint: str | None, errors: list[str]) -> Body:
    body = Body()
    for leaf in tree.leaves:
        if leaf.defect:
            errors.append(leaf.defect)
        if leaf.body is None:
            body.attachments.extend(attachments_of(leaf, hint=hint))
            _keep_image(body, leaf)
        elif leaf.content_type == "text/html":
            body.html.append(_text(leaf, hint))
        else:
            body.plain.append(_plain(leaf, hint))
    return body


def _text(leaf: Leaf, hint: str | None) -> str:
    text = decode_bytes(leaf.body or b"", leaf.headers.content_charset, hint=hint)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plain(leaf: Leaf, hint: str | None) -> str:
    """Plain text as its author typed it: format=flowed (RFC 3676) lines joined again."""
    text = _text(leaf, hint)
    if str(leaf.headers.get_param("format") or "").lower() != "flowed":
        return text
    return unflow(text, delsp=str(leaf.headers.get_param("delsp") or "").lower() == "yes")


def _keep_image(body: Body, leaf: Leaf) -> None:
    if leaf.content is not None and is_inline_image(leaf.headers, leaf.content_type):
        content_id = header_text(leaf.headers, "Content-ID").strip().strip("<>").strip()
        body.images.setdefault(content_id, (leaf.content_type, leaf.content))


def texts(body: Body, html: str | None, subject: str) -> tuple[str, Reply]:
    """The text body (derived from HTML when there is no text part) and its reply parts."""
    forwarded = bool(_FORWARD_SUBJECT.match(subject))
    marked: HtmlText | None = None
    text = "\n\n".join(part.strip("\n") for part in body.plain if part.strip())
    if not text and html:
        marked = html_to_text(html)
        text = marked.text
    reply = split_reply(text, forwarded=forwarded)
    if reply.quoted or forwarded or not html or not _has_quote_marker(html):
        return text, reply
    marked = marked or html_to_text(html)
    if not marked.quoted or starts_with_forward(marked.quoted):
        return text, reply
    inner = split_reply(marked.visible)
    quoted = "\n\n".join(part for part in (inner.quoted, marked.quoted) if part)
    return text, Reply(inner.visible, quoted, inner.signature)


def _has_quote_marker(html: str) -> bool:
    lowered = html.lower()
    return any(marker in lowered for marker in _HTML_QUOTE_MARKERS)
