"""A Gmail message (format=full or format=raw) or raw RFC 822 bytes -> one `ParsedMessage`.

Owns the public parse functions and the records sync stores. Contract: parsing never raises for
any input; whatever could be read is returned and `parse_error` says what could not. It does no
network or database work, carries an attachment's bytes only when Gmail cannot serve them (see
mime_attachments), and imports nothing of Tandem but its gmail_sync siblings (charsets,
mime_headers, mime_tree, mime_payload, mime_body, html_text).
"""

from __future__ import annotations

import base64
import binascii
import html as html_entities
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gmail_sync.automated_mail import classify
from gmail_sync.charsets import clean_text
from gmail_sync.html_text import inline_images, sanitize_html
from gmail_sync.mime_attachments import Attachment
from gmail_sync.mime_body import read_leaves, texts
from gmail_sync.mime_headers import (
    bare_address,
    format_address,
    header_text,
    message_id,
    message_ids,
    parse_addresses,
    parse_date,
    received_date,
)
from gmail_sync.mime_payload import gmail_attachment_ids, gmail_headers, gmail_tree
from gmail_sync.mime_tree import (
    Headers,
    Tree,
    message_headers,
    parse_bytes,
    parse_header_block,
    raw_tree,
)

__all__ = [
    "Attachment",
    "ParsedMessage",
    "bare_addresses",
    "parse_gmail_message",
    "parse_raw_message",
]

SNIPPET_CHARS = 200
# A Date header this far after Gmail's receipt time is a sender's broken (or spammer's) clock.
_FUTURE_DATE_SLACK = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """Everything Tandem stores about one message.

    Addresses: `from_address` is bare and lowercased; `reply_to`, `to`, `cc`, `bcc` and
    `mail_followup_to` hold display strings `Name <addr>` (or `addr` when there is no name),
    with the address as written; `bare_addresses()` turns them into lowercased addresses.
    Message ids (`message_id`, `in_reply_to`, `references`) have no angle brackets.
    `html` is sanitized for display (see html_text), None when the message has no HTML part.
    `visible_text` is what the author wrote in this message, empty only when the message is
    nothing but quoted history; `quoted_text` is that history and `signature` the separated
    signature.
    """

    gmail_id: str | None
    thread_id: str | None
    label_ids: tuple[str, ...]
    internal_date: datetime | None
    size_estimate: int
    snippet: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    date: datetime | None
    from_address: str
    from_name: str
    reply_to: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    mail_followup_to: tuple[str, ...]
    text: str
    html: str | None
    visible_text: str
    quoted_text: str
    signature: str
    attachments: tuple[Attachment, ...]
    automated: str | None
    no_auto_reply: str | None
    parse_error: str | None

    @property
    def sender(self) -> str:
        """The sender as a display string, like the recipient lists."""
        return format_address(self.from_name, self.from_address) if self.from_address else ""


def bare_addresses(formatted: Iterable[str]) -> list[str]:
    """Lowercased bare addresses of display strings such as `ParsedMessage.to`."""
    return [address for address in (bare_address(item) for item in formatted) if address]


def parse_raw_message(raw: bytes, *, internal_date: datetime | None = None) -> ParsedMessage:
    """Parse RFC 822 bytes; `internal_date` (Gmail's receipt time) stands in for a bad Date."""
    return _parse_raw(raw, _GmailFacts(internal_date=internal_date, size_estimate=len(raw)))


def parse_gmail_message(resource: Mapping[str, Any]) -> ParsedMessage:
    """Parse a Gmail API message resource fetched with format=full or format=raw.

    A format=full resource that also carries `raw` (gmail_sync.raw_fetch adds it when the
    payload cannot show what was sent) is read from those bytes, with the payload's
    attachmentIds, so its files can still be downloaded from Gmail.
    """
    facts = _gmail_facts(resource)
    payload = resource.get("payload")
    raw = resource.get("raw")
    data = _raw_bytes(raw) if isinstance(raw, str) else None
    if data is not None:
        ids = gmail_attachment_ids(payload) if isinstance(payload, Mapping) else {}
        return _parse_raw(data, facts, ids)
    if isinstance(payload, Mapping):
        try:
            headers = gmail_headers(payload.get("headers"))
            tree = gmail_tree(payload, headers)
        except Exception as error:  # the never-raises contract also covers odd payloads
            return _unparsed(facts, [f"unreadable Gmail payload: {error!r}"])
        return _safe_assemble(headers, tree, facts, list(tree.errors))
    if isinstance(raw, str):
        return _unparsed(facts, ["the Gmail raw message is not valid base64url"])
    return _unparsed(facts, ["the Gmail resource has neither payload nor raw"])


def _raw_bytes(raw: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class _GmailFacts:
    gmail_id: str | None = None
    thread_id: str | None = None
    label_ids: tuple[str, ...] = ()
    snippet: str = ""
    internal_date: datetime | None = None
    size_estimate: int = 0


def _gmail_facts(resource: Mapping[str, Any]) -> _GmailFacts:
    labels = resource.get("labelIds")
    return _GmailFacts(
        gmail_id=_string(resource.get("id")),
        thread_id=_string(resource.get("threadId")),
        label_ids=tuple(label for label in labels if isinstance(label, str))
        if isinstance(labels, list)
        else (),
        snippet=clean_text(html_entities.unescape(_string(resource.get("snippet")) or "")),
        internal_date=_epoch_ms(resource.get("internalDate")),
        size_estimate=_int(resource.get("sizeEstimate")),
    )


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int:
    try:
        return max(0, int(value)) if isinstance(value, int | str) else 0
    except ValueError:
        return 0


def _epoch_ms(value: object) -> datetime | None:
    milliseconds = _int(value)
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC) if milliseconds else None
    except (OverflowError, OSError, ValueError):
        return None


def _parse_raw(
    raw: bytes, facts: _GmailFacts, attachment_ids: Mapping[str, str] | None = None
) -> ParsedMessage:
    try:
        message = parse_bytes(raw)
        headers = message_headers(message)
        tree = raw_tree(message, headers, attachment_ids)
        return _safe_assemble(headers, tree, facts, [])
    except RecursionError:
        error = "MIME parts nested too deeply to read; only the headers were kept"
    except Exception as failure:  # the stdlib parser is lenient; this is the last guard
        error = f"unreadable MIME structure: {failure!r}"
    try:
        headers = parse_header_block(raw)
    except Exception:  # even the header block is unreadable
        headers = Headers(())
    return _safe_assemble(headers, Tree(), facts, [error])


def _safe_assemble(
    headers: Headers, tree: Tree, facts: _GmailFacts, errors: list[str]
) -> ParsedMessage:
    try:
        return _assemble(headers, tree, facts, errors)
    except Exception as failure:  # a bug here must cost one message's details, never a sync
        return _unparsed(facts, [*errors, f"message could not be parsed: {failure!r}"])


def _unparsed(facts: _GmailFacts, errors: list[str]) -> ParsedMessage:
    """Only what Gmail said about the message, for input nothing else could be read from."""
    return ParsedMessage(
        gmail_id=facts.gmail_id,
        thread_id=facts.thread_id,
        label_ids=facts.label_ids,
        internal_date=facts.internal_date,
        size_estimate=facts.size_estimate,
        snippet=facts.snippet,
        message_id=None,
        in_reply_to=None,
        references=(),
        subject="",
        date=facts.internal_date,
        from_address="",
        from_name="",
        reply_to=(),
        to=(),
        cc=(),
        bcc=(),
        mail_followup_to=(),
        text="",
        html=None,
        visible_text="",
        quoted_text="",
        signature="",
        attachments=(),
        automated=None,
        no_auto_reply=None,
        parse_error=_error_text(errors),
    )


def _error_text(errors: list[str]) -> str | None:
    return clean_text("; ".join(dict.fromkeys(errors)))[:2000] or None


def _assemble(headers: Headers, tree: Tree, facts: _GmailFacts, errors: list[str]) -> ParsedMessage:
    hint = _charset_hint(headers, tree)
    body = read_leaves(tree, hint, errors)
    subject = " ".join(header_text(headers, "Subject", hint=hint).split())
    senders = _pairs(headers, "From", hint) or _pairs(headers, "Sender", hint)
    from_name, from_address = senders[0] if senders else ("", "")
    from_address = from_address.lower()
    html = "".join(body.html) or None
    text, reply = texts(body, html, subject)
    root = _root_type(headers, tree)
    flags = classify(headers, content_type=root, from_address=from_address, subject=subject)
    return ParsedMessage(
        gmail_id=facts.gmail_id,
        thread_id=facts.thread_id,
        label_ids=facts.label_ids,
        internal_date=facts.internal_date,
        size_estimate=facts.size_estimate,
        snippet=facts.snippet
        or " ".join((reply.visible or text)[: SNIPPET_CHARS * 4].split())[:SNIPPET_CHARS],
        message_id=message_id(header_text(headers, "Message-ID")),
        in_reply_to=message_id(header_text(headers, "In-Reply-To")),
        references=message_ids(header_text(headers, "References")),
        subject=subject,
        date=_date(headers, facts),
        from_address=from_address,
        from_name=from_name,
        reply_to=_formatted(headers, "Reply-To", hint),
        to=_formatted(headers, "To", hint),
        cc=_formatted(headers, "Cc", hint),
        bcc=_formatted(headers, "Bcc", hint),
        mail_followup_to=_formatted(headers, "Mail-Followup-To", hint),
        text=text,
        html=inline_images(sanitize_html(html), body.images) if html else None,
        visible_text=reply.visible,
        quoted_text=reply.quoted,
        signature=reply.signature,
        attachments=tuple(body.attachments),
        automated=flags.automated,
        no_auto_reply=flags.no_auto_reply,
        parse_error=_error_text(errors),
    )


def _charset_hint(headers: Headers, tree: Tree) -> str | None:
    """The body's charset: mailers that put raw 8-bit bytes in headers use it there too."""
    for part in (headers, *(leaf.headers for leaf in tree.leaves)):
        charset = part.content_charset
        if charset:
            return charset
    return None


def _root_type(headers: Headers, tree: Tree) -> str:
    if len(tree.leaves) == 1 and not tree.leaves[0].part_id:
        return tree.leaves[0].content_type
    return headers.content_type


def _pairs(headers: Headers, name: str, hint: str | None) -> list[tuple[str, str]]:
    return [pair for value in headers.get_all(name) for pair in parse_addresses(value, hint=hint)]


def _formatted(headers: Headers, name: str, hint: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(format_address(*pair) for pair in _pairs(headers, name, hint)))


def _date(headers: Headers, facts: _GmailFacts) -> datetime | None:
    """The Date header, unless it is missing, broken or far after Gmail received the message."""
    written = parse_date(header_text(headers, "Date"))
    received = facts.internal_date
    if written is None or (received is not None and written > received + _FUTURE_DATE_SLACK):
        return received or written or received_date(headers)
    return written
