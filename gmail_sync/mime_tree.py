"""The MIME tree of one message as a flat list of leaves, from either input Tandem gets.

Owns the leaves and their header fields, and the walk over the stdlib's parse of raw RFC 822
bytes (mime_payload walks Gmail's format=full payload into the same leaves): partIds, the bytes
of text parts, and attachment sizes. Of an attachment it keeps the bytes only when Tandem needs
them and they are not huge: an inline image (to show it in the HTML) and a TNEF container (to
list the files inside). It never recurses (a 200-level multipart is data, not a stack), and
leaves charsets and the meaning of headers to its callers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import errors as email_errors
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import Compat32
from email.utils import collapse_rfc2231_value, unquote
from functools import lru_cache
from typing import cast

# A text part bigger than this is kept as an attachment: no one reads 5 MB of inline text,
# and storing it would bloat every conversation view.
MAX_BODY_BYTES = 5 * 1024 * 1024
# An attachment's bytes are kept up to this size (a TNEF container up to Gmail's message size).
MAX_KEPT_BYTES = 5 * 1024 * 1024
MAX_TNEF_BYTES = 25 * 1024 * 1024
BODY_TYPES = frozenset({"text/plain", "text/html"})
TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
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


# A MIME parameter as the stdlib gives it: a string, or (charset, language, value) for RFC 2231.
Param = str | tuple[str | None, str | None, str]


class Headers:
    """One part's header fields, indexed once by lowercased name.

    `email.message.Message` lowercases and scans every field on each lookup and re-parses the
    parameters on each get_param; a message is asked ~17 times per part, which made header
    access most of the parse's CPU. The answers are the stdlib's own: parameters still come
    from `Message.get_params` (cached per distinct header value, as a mailbox repeats a few
    Content-Types), and the content-type, charset and filename rules are those of `Message`.
    A failed parse is not cached, so it raises again wherever the stdlib method would have.
    """

    __slots__ = ("_default_type", "_index")

    def __init__(self, fields: Iterable[tuple[str, str]], default_type: str = "text/plain"):
        index: dict[str, list[str]] = {}
        for name, value in fields:
            index.setdefault(name.lower(), []).append(value)
        self._index = index
        self._default_type = default_type

    def get(self, name: str) -> str | None:
        """The first field called `name` (any case), as Message.get."""
        values = self._index.get(name.lower())
        return values[0] if values else None

    def get_all(self, name: str) -> Sequence[str]:
        return self._index.get(name.lower(), ())

    @property
    def content_type(self) -> str:
        value = self.get("content-type")
        return self._default_type if value is None else _content_type(value)

    @property
    def content_disposition(self) -> str | None:
        value = self.get("content-disposition")
        return None if value is None else value.partition(";")[0].strip().lower()

    @property
    def content_charset(self) -> str | None:
        """Message.get_content_charset: RFC 2231 charsets decoded, non-ASCII names refused."""
        charset = self.get_param("charset")
        if charset is None:
            return None
        if isinstance(charset, tuple):
            try:
                charset = str(charset[2].encode("raw-unicode-escape"), charset[0] or "us-ascii")
            except (LookupError, UnicodeError):
                charset = charset[2]
        return charset.lower() if charset.isascii() else None

    @property
    def filename(self) -> str | None:
        """Message.get_filename: filename= of Content-Disposition, else name= of Content-Type."""
        name = self.get_param("filename", "content-disposition")
        if name is None:
            name = self.get_param("name")
        return None if name is None else collapse_rfc2231_value(name).strip()

    def get_param(self, param: str, header: str = "content-type") -> Param | None:
        """Message.get_param for a lowercase `param` of Content-Type or Content-Disposition."""
        value = self.get(header)
        for key, found in _params(value, header) if value is not None else ():
            if key.lower() == param:
                if isinstance(found, tuple):
                    return found[0], found[1], unquote(found[2])
                return unquote(found)
        return None


def _content_type(value: str) -> str:
    content_type = value.partition(";")[0].strip().lower()
    return content_type if content_type.count("/") == 1 else "text/plain"


@lru_cache(maxsize=4096)
def _params(value: str, header: str) -> tuple[tuple[str, Param], ...]:
    holder = Message(policy=HEADER_POLICY)
    holder[header] = value
    # typeshed says str values; RFC 2231 parameters come back as (charset, language, value).
    return tuple(cast("list[tuple[str, Param]]", holder.get_params(header=header, unquote=False)))


def message_headers(part: Message) -> Headers:
    """A stdlib-parsed part's fields (values as stored: see `HEADER_POLICY`)."""
    return Headers(part.items(), part.get_default_type())


@dataclass(frozen=True, slots=True)
class Leaf:
    """A part without children: a body text, an attachment, or an embedded message.

    `embedded_subject` is the Subject header, as written, of a message/rfc822 part of raw
    mail (Gmail's format=full keeps an embedded message's headers behind its attachmentId).
    `content` is an attachment's bytes when they are kept (see the module docstring).
    """

    part_id: str
    content_type: str
    headers: Headers
    parent_type: str
    size: int
    body: bytes | None
    attachment_id: str | None = None
    gmail_filename: str = ""
    defect: str | None = None
    embedded_subject: str = ""
    content: bytes | None = None


@dataclass(slots=True)
class Tree:
    leaves: list[Leaf] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_bytes(raw: bytes) -> Message:
    """The stdlib's parse; raises RecursionError for multiparts nested past Python's limit."""
    return BytesParser(policy=HEADER_POLICY).parsebytes(raw)


def parse_header_block(raw: bytes) -> Headers:
    """Only the top-level headers, for when the body defeats the parser."""
    return message_headers(BytesHeaderParser(policy=HEADER_POLICY).parsebytes(raw))


def is_body_part(headers: Headers, content_type: str, gmail_filename: str = "") -> bool:
    """A text/plain or text/html part meant to be read as the message, not downloaded."""
    if content_type not in BODY_TYPES or headers.content_disposition == "attachment":
        return False
    return not (gmail_filename or headers.filename or headers.get_param("name"))


def is_tnef(headers: Headers, content_type: str, gmail_filename: str = "") -> bool:
    """Outlook's winmail.dat, by its type or (as some gateways send it) by its name."""
    name = gmail_filename or _filename(headers)
    return content_type in TNEF_TYPES or name.lower() == "winmail.dat"


def is_inline_image(headers: Headers, content_type: str) -> bool:
    """An image HTML can reference as `cid:`: one with a Content-ID."""
    return content_type.startswith("image/") and bool((headers.get("Content-ID") or "").strip())


def _filename(headers: Headers) -> str:
    try:
        name = headers.filename
    except (ValueError, LookupError):  # an RFC 2231 charset that is no codec name at all
        return ""
    return name or ""


def raw_tree(
    message: Message, root: Headers, attachment_ids: Mapping[str, str] | None = None
) -> Tree:
    """The leaves of a stdlib-parsed message; `root` is `message_headers(message)`;
    `attachment_ids` (partId -> Gmail attachmentId) when the same message came as format=full:
    then a part Gmail has no attachmentId for keeps its bytes, the only way to offer it."""
    ids = attachment_ids or {}
    gmail = attachment_ids is not None
    tree = Tree()
    stack: list[tuple[Message, str, str]] = [(message, "", "")]
    while stack:
        part, part_id, parent_type = stack.pop()
        headers = root if part is message else message_headers(part)
        content_type = headers.content_type
        if content_type.startswith("multipart/") and part.is_multipart():
            children = [child for child in part.get_payload() if isinstance(child, Message)]
            stack.extend(
                (child, _child_id(part_id, index), content_type)
                for index, child in reversed(list(enumerate(children)))
            )
            continue
        try:
            attachment_id = ids.get(part_id)
            unserved = gmail and attachment_id is None
            leaf = _raw_leaf(part, headers, part_id, parent_type, attachment_id, unserved=unserved)
            tree.leaves.append(leaf)
        except (ValueError, LookupError, TypeError) as error:  # hostile charset or encoding
            tree.errors.append(f"part {part_id or 'root'} unreadable: {error!r}")
    return tree


def _child_id(parent: str, index: int) -> str:
    return f"{parent}.{index}" if parent else str(index)


def _raw_leaf(
    part: Message,
    headers: Headers,
    part_id: str,
    parent_type: str,
    attachment_id: str | None,
    *,
    unserved: bool,
) -> Leaf:
    """`unserved`: Gmail offers no attachmentId for the part, so its bytes are kept."""
    content_type = headers.content_type
    if content_type.startswith("multipart/"):
        # A multipart without a usable boundary: its text is all that can be shown.
        body = _decoded(part)
        defect = _defect(part, content_type)
        return Leaf(part_id, "text/plain", headers, parent_type, len(body), body, defect=defect)
    if part.is_multipart():
        size, subject = _embedded_size(part), _embedded_subject(part)
        return Leaf(
            part_id,
            content_type,
            headers,
            parent_type,
            size,
            None,
            attachment_id,
            embedded_subject=subject,
        )
    size = _encoded_size(part, headers)
    if is_body_part(headers, content_type) and size <= MAX_BODY_BYTES:
        body = _decoded(part)
        defect = _defect(part, content_type)
        return Leaf(part_id, content_type, headers, parent_type, len(body), body, defect=defect)
    kept = max(_kept_limit(headers, content_type), MAX_KEPT_BYTES if unserved else -1)
    content = _decoded(part) if size <= kept else None
    return Leaf(
        part_id, content_type, headers, parent_type, size, None, attachment_id, content=content
    )


def _kept_limit(headers: Headers, content_type: str) -> int:
    """Up to how many bytes of this attachment are kept (-1: none)."""
    if is_tnef(headers, content_type):
        return MAX_TNEF_BYTES
    return MAX_KEPT_BYTES if is_inline_image(headers, content_type) else -1


def _decoded(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _defect(part: Message, content_type: str) -> str | None:
    for defect in part.defects:
        if isinstance(defect, _DAMAGING_DEFECTS):
            return f"part {content_type}: {type(defect).__name__}"
    return None


def _encoded_size(part: Message, headers: Headers) -> int:
    """The decoded size, computed for base64 from the encoded text so no copy is made."""
    encoding = (headers.get("Content-Transfer-Encoding") or "").strip().lower()
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


def _embedded_subject(part: Message) -> str:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    subject = inner.get("Subject") if isinstance(inner, Message) else None
    return subject if isinstance(subject, str) else ""
