"""What a reply says before it is sent: its recipients, sender, subject, threading headers and
the RFC 822 bytes.

Pure functions over the answered message's headers. Reply-all is the default the product
promises, so `reply_recipients` is the one place that decides who a reply reaches. It never
touches the database or the network, and a note cannot reach it: it only sees the headers of
the message being answered and the text the agent wrote.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from app.core.plain_text import one_line
from gmail_sync.mime_headers import bare_address, format_address, message_ids, parse_addresses

if TYPE_CHECKING:
    from app.core.models import Message
    from gmail_sync.mime import ParsedMessage

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


@dataclass(frozen=True, slots=True)
class Answered:
    """What compose needs of the message being answered (from a Message row or a parsed one).

    Addresses follow `ParsedMessage`: `from_address` bare and lowercased, the lists display
    strings `Name <addr>`; message ids carry no angle brackets.
    """

    from_address: str
    from_name: str
    reply_to: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    mail_followup_to: tuple[str, ...]
    outbound: bool
    message_id: str | None
    references: tuple[str, ...]
    subject: str

    @classmethod
    def of(cls, message: Message) -> Answered:
        """A stored message; its `references` column is the space-separated id list."""
        return cls(
            from_address=message.from_address.lower(),
            from_name=message.from_name,
            reply_to=tuple(message.reply_to),
            to=tuple(message.to),
            cc=tuple(message.cc),
            bcc=tuple(message.bcc),
            mail_followup_to=tuple(message.mail_followup_to),
            outbound=message.direction == "outbound",
            message_id=message.rfc_message_id,
            references=message_ids(message.references or ""),
            subject=message.subject,
        )

    @classmethod
    def of_parsed(cls, parsed: ParsedMessage, *, own_addresses: Collection[str]) -> Answered:
        """A freshly parsed message; it is outbound when one of `own_addresses` sent it, the
        same rule sync applies when it stores a message's direction."""
        return cls(
            from_address=parsed.from_address,
            from_name=parsed.from_name,
            reply_to=parsed.reply_to,
            to=parsed.to,
            cc=parsed.cc,
            bcc=parsed.bcc,
            mail_followup_to=parsed.mail_followup_to,
            outbound=parsed.from_address in _lowered(own_addresses),
            message_id=parsed.message_id,
            references=parsed.references,
            subject=parsed.subject,
        )

    @property
    def sender(self) -> tuple[str, ...]:
        """Whom a plain reply goes to: Reply-To when the author set one, else From."""
        if self.reply_to:
            return self.reply_to
        return (format_address(self.from_name, self.from_address),) if self.from_address else ()


@dataclass(frozen=True, slots=True)
class Recipients:
    """Display strings `Name <addr>`, each address once across `to` and `cc`.

    `dropped` lists, for a reply to the sender only, whom reply-all would have reached too, so
    the agent sees what the choice costs; it is empty for reply-all. `removed` lists whom the
    agent struck out by hand (`exclude`), so the audit trail can say who was left out on purpose.
    """

    to: tuple[str, ...]
    cc: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def reply_recipients(
    answered: Answered,
    *,
    own_addresses: Collection[str],
    mode: Literal["all", "sender"],
    exclude: Collection[str] = (),
) -> Recipients:
    """Who the reply goes to, never the team itself nor anyone in `exclude` (addresses the agent
    removed by hand); empty when nobody else remains.

    Reply-all follows Gmail and Thunderbird: Mail-Followup-To when the author set it (To only);
    otherwise To is the reply target plus the answered To, and Cc the answered Cc. A follow-up
    to the team's own message goes to that message's To and Cc. Nobody from the answered Bcc is
    ever added: a Bcc'd person (often the mailbox itself) must stay hidden.
    """
    chosen = _chosen_recipients(answered, own=_lowered(own_addresses), mode=mode)
    struck = _lowered(exclude)
    if not struck:
        return chosen
    return Recipients(
        to=tuple(person for person in chosen.to if bare_address(person) not in struck),
        cc=tuple(person for person in chosen.cc if bare_address(person) not in struck),
        dropped=chosen.dropped,
        removed=tuple(
            person for person in (*chosen.to, *chosen.cc) if bare_address(person) in struck
        ),
    )


def _chosen_recipients(
    answered: Answered, *, own: frozenset[str], mode: Literal["all", "sender"]
) -> Recipients:
    if answered.outbound:
        everyone = _addressed(answered.to, answered.cc, own=own)
        target = _addressed(answered.to, (), own=own)
    elif answered.mail_followup_to:
        everyone = _addressed(answered.mail_followup_to, (), own=own)
        target = _addressed(answered.sender, (), own=own)
    else:
        everyone = _addressed((*answered.sender, *answered.to), answered.cc, own=own)
        target = _addressed(answered.sender, (), own=own)
    if mode == "all":
        return everyone
    kept = {bare_address(person) for person in target.to}
    left_out = (
        person for person in (*everyone.to, *everyone.cc) if bare_address(person) not in kept
    )
    return Recipients(to=target.to, cc=(), dropped=tuple(left_out))


def _addressed(to: Iterable[str], cc: Iterable[str], *, own: frozenset[str]) -> Recipients:
    """To and Cc without the team's addresses, each address once (where it first appears, as it
    was first spelled) under its first non-empty display name; groups expand to members."""
    first_seen: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    for field, entries in (("to", to), ("cc", cc)):
        for name, address in _people(entries):
            key = address.lower()
            if key not in own:
                first_seen.setdefault(key, (field, address))
                names[key] = names.get(key) or name

    def listed(field: str) -> tuple[str, ...]:
        return tuple(
            format_address(names[key], address)
            for key, (where, address) in first_seen.items()
            if where == field
        )

    return Recipients(to=listed("to"), cc=listed("cc"))


def _people(entries: Iterable[str]) -> list[tuple[str, str]]:
    return [pair for entry in entries for pair in parse_addresses(entry)]


def _lowered(addresses: Iterable[str]) -> frozenset[str]:
    return frozenset(filter(None, (bare_address(address) for address in addresses)))


def reply_from(answered: Answered, *, mailbox_email: str, aliases: Collection[str]) -> str:
    """The address the client wrote to, so the reply comes from where they expect it.

    For an inbound message: the first of the team's addresses (mailbox or send-as alias) in its
    To, then Cc, then Bcc, as Gmail picks it. A follow-up to the team's own message keeps that
    message's sender. Otherwise, the mailbox address.
    """
    spelled = {bare_address(alias): alias for alias in aliases}
    spelled[bare_address(mailbox_email)] = mailbox_email
    if answered.outbound:
        candidates = [answered.from_address]
    else:
        candidates = [
            address for _, address in _people((*answered.to, *answered.cc, *answered.bcc))
        ]
    for address in candidates:
        if address.lower() in spelled:
            return spelled[address.lower()]
    return mailbox_email


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


def diff_recipients(sent: Recipients, participants: Collection[str]) -> tuple[list[str], list[str]]:
    """(added, dropped): bare addresses the reply reaches that the thread had not included, and
    thread participants it leaves out, each sorted. `participants` may be bare addresses or
    display strings; the caller leaves out the team's own addresses."""
    reached = _lowered((*sent.to, *sent.cc))
    known = _lowered(participants)
    return sorted(reached - known), sorted(known - reached)


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
    message = EmailMessage(policy=SMTP)
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
