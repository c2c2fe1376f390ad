"""What a reply says before it is sent, besides whom it goes to (`gmail_sync.recipients`): its
subject, threading headers and the RFC 822 bytes.

Pure functions over the answered message's headers and what the agent wrote. They never touch
the database or the network, and a note cannot reach them.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from types import MappingProxyType

from app.core.plain_text import one_line
from gmail_sync.encoded_words import SMTP_WHOLE_WORDS
from gmail_sync.mime_headers import parse_addresses
from gmail_sync.recipients import Answered

# Mail clients trim References to the thread's root plus the newest ancestors; these bounds keep
# the header on a dozen folded lines, which every MTA and Gmail's threader accept.
MAX_REPLY_REFERENCES = 20
MAX_REFERENCES_CHARS = 900

_REPLY_PREFIX = re.compile(
    r"^(?:\s*(?:re|aw|sv|antw|odp|ref|réf|ynt|atb|ответ|отв|回复|答复)"
    r"\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:\uff1a])+\s*",
    re.IGNORECASE,
)
_NO_HEADERS: Mapping[str, str] = MappingProxyType({})
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_RESERVED_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)


def reply_subject(subject: str) -> str:
    """The subject with exactly one "Re: ": clients' reply prefixes (Re, RE, Re[2], Aw, SV,
    Ответ, ...) collapse into it, while "Fwd:" stays, as the reply answers a forward. An empty
    subject gives "Re:", which survives a header round trip unchanged. The client's subject is
    put on one line: one that came with line breaks must not add a header to our reply."""
    rest = _REPLY_PREFIX.sub("", " ".join(one_line(subject).split()), count=1)
    return f"Re: {rest}" if rest else "Re:"


def reply_references(answered: Answered) -> tuple[str, ...]:
    """The answered message's References plus its Message-ID; a long chain keeps the root and
    the newest ids (RFC 5322 section 3.6.4), within MAX_REPLY_REFERENCES and
    MAX_REFERENCES_CHARS. The answered id is always kept: threading hangs on it."""
    newest = [answered.message_id] if answered.message_id else []
    chain = list(dict.fromkeys([*(i for i in answered.references if i not in newest), *newest]))
    if len(chain) <= 2:
        return tuple(chain)
    kept = [chain[-1]]
    size = _written_size(chain[0]) + _written_size(chain[-1])
    for ident in reversed(chain[1:-1]):
        size += _written_size(ident)
        if len(kept) + 2 > MAX_REPLY_REFERENCES or size > MAX_REFERENCES_CHARS:
            break
        kept.append(ident)
    return (chain[0], *reversed(kept))


def _written_size(ident: str) -> int:
    """Characters the id takes in the header: brackets and a separating space."""
    return len(ident) + 3


def make_message_id(domain: str) -> str:
    """A new Message-ID without brackets; known before sending, so sync can recognise the sent
    copy. Random (uuid4), so two processes never collide."""
    domain = domain.strip().lower()
    if not domain or re.search(r"[\s<>@\[\]]", domain):
        raise ValueError(f"not a mail domain: {domain!r}")
    return f"tandem.{uuid.uuid4().hex}@{domain}"


@dataclass(frozen=True, slots=True)
class OutgoingAttachment:
    """A file the agent attached; sent as-is, base64-encoded."""

    filename: str
    content_type: str
    data: bytes


def build_reply(
    *,
    from_address: str,
    from_name: str,
    to: Sequence[str],
    cc: Sequence[str],
    bcc: Sequence[str],
    subject: str,
    message_id: str,
    in_reply_to: str | None,
    references: Sequence[str],
    body_text: str,
    body_html: str | None,
    signature: str = "",
    attachments: Sequence[OutgoingAttachment] = (),
    date: datetime,
    extra_headers: Mapping[str, str] = _NO_HEADERS,
) -> bytes:
    """The RFC 822 bytes (CRLF, RFC 2047 for non-ASCII) for Gmail's messages.send.

    Always multipart/alternative so every client shows the reply well; HTML is derived from
    the text when the agent wrote none. Bcc stays in the bytes: Gmail reads it and strips it.
    Raises ValueError for an address, header or date that cannot be written (a line break in
    a header included: what comes from outside is put on one line before it gets here).
    """
    if date.tzinfo is None:
        raise ValueError("the Date of a reply must be timezone-aware")
    message = EmailMessage(policy=SMTP_WHOLE_WORDS)
    message["From"] = Address(display_name=from_name, addr_spec=from_address)
    for name, people in (("To", to), ("Cc", cc), ("Bcc", bcc)):
        if people:
            message[name] = _addresses(people)
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = " ".join(f"<{ident}>" for ident in references)
    for name, value in extra_headers.items():
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"{name} is set by build_reply, not by extra_headers")
        message[name] = value
    _set_body(message, body_text, body_html, signature)
    for attachment in attachments:
        _attach(message, attachment)
    return message.as_bytes()


def _addresses(people: Sequence[str]) -> list[Address]:
    found: list[Address] = []
    for person in people:
        pairs = parse_addresses(person)
        if not pairs:
            raise ValueError(f"not an email address: {person!r}")
        found.extend(Address(display_name=name, addr_spec=address) for name, address in pairs)
    return found


def _set_body(message: EmailMessage, text: str, body_html: str | None, signature: str) -> None:
    """Quoted-printable keeps the whole message 7-bit: Gmail's multipart upload (and any relay)
    takes it as is, whatever the script of the text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    signature = signature.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    html_body = body_html if body_html is not None else _text_as_html(text)
    if signature:
        text = f"{text}\n\n-- \n{signature}" if text else f"-- \n{signature}"
        html_body = _with_html_signature(html_body, signature)
    message.set_content(text + "\n", cte="quoted-printable")
    message.add_alternative(html_body, subtype="html", cte="quoted-printable")


def _text_as_html(text: str) -> str:
    """Paragraphs for blank-line breaks, <br> for single ones; the text is escaped."""
    paragraphs = [part for part in _PARAGRAPH_BREAK.split(text) if part.strip()]
    return "".join(f"<p>{_lines_html(part)}</p>\n" for part in paragraphs) or "<p></p>\n"


def _lines_html(text: str) -> str:
    return "<br>\n".join(html.escape(line) for line in text.split("\n"))


def _with_html_signature(body_html: str, signature: str) -> str:
    """The signature block goes inside the agent's <body> when there is one."""
    block = f'<div class="signature">{_lines_html(signature)}</div>\n'
    at = body_html.lower().rfind("</body>")
    return body_html + block if at < 0 else body_html[:at] + block + body_html[at:]


def _attach(message: EmailMessage, attachment: OutgoingAttachment) -> None:
    """Composite types (multipart/*, message/*) cannot be base64 parts, so such a file goes as
    application/octet-stream; its bytes and name are kept either way."""
    maintype, _, subtype = attachment.content_type.strip().lower().partition("/")
    if not maintype or not subtype or maintype in ("multipart", "message") or " " in subtype:
        maintype, subtype = "application", "octet-stream"
    message.add_attachment(
        attachment.data,
        maintype=maintype,
        subtype=subtype,
        filename=" ".join(attachment.filename.split()) or "attachment",
    )
