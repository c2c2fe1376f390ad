"""Attachment records: what a part is called, how big it is, and where its bytes are.

Owns filename decoding (RFC 2231, RFC 2047 and raw 8-bit names), the names given to unnamed
parts, inline-image detection, and the files of a TNEF container (winmail.dat) listed in its
place. It never returns a filename that is a path, and carries bytes only for what Gmail cannot
serve by an attachmentId.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from email.utils import collapse_rfc2231_value

from gmail_sync.charsets import decode_header_text
from gmail_sync.mime_headers import header_text
from gmail_sync.mime_tree import Headers, Leaf, is_tnef
from gmail_sync.tnef import TnefFile, tnef_files

_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f]")
_MEDIA_TYPE = re.compile(r"[a-z0-9][\w!#$&^.+-]{0,126}/[a-z0-9][\w!#$&^.+-]{0,126}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """One downloadable part. The bytes stay in Gmail: fetch them by `attachment_id` (format=full)
    or by `part_id` from the raw message; `data` holds them when Gmail has no attachmentId for
    them (a file inside winmail.dat, a part Gmail sent inline). `content_id` has no angle
    brackets; an inline image is referenced from the HTML as `cid:<content_id>`."""

    filename: str
    content_type: str
    size: int
    part_id: str
    attachment_id: str | None
    content_id: str | None
    is_inline: bool
    data: bytes | None = None


def attachments_of(leaf: Leaf, *, hint: str | None) -> list[Attachment]:
    """The records of a leaf that is not body text: its own, or the files of a TNEF container
    when every one of them could be read (else the container, so nothing is hidden)."""
    tnef = leaf.content is not None and is_tnef(
        leaf.headers, leaf.content_type, leaf.gmail_filename
    )
    files = tnef_files(leaf.content) if tnef and leaf.content is not None else None
    if files is None:
        return [attachment_of(leaf, hint=hint)]
    return [_tnef_attachment(leaf, found) for found in files]


def _tnef_attachment(leaf: Leaf, found: TnefFile) -> Attachment:
    name = _safe_filename(found.name) or "attachment"
    declared = (
        found.content_type
        if found.content_type and _MEDIA_TYPE.fullmatch(found.content_type)
        else None
    )
    guessed = mimetypes.guess_type(name, strict=False)[0]
    return Attachment(
        filename=name,
        content_type=declared or guessed or "application/octet-stream",
        size=len(found.data),
        part_id=leaf.part_id,
        attachment_id=None,
        content_id=None,
        is_inline=False,
        data=found.data,
    )


def attachment_of(leaf: Leaf, *, hint: str | None) -> Attachment:
    """The record of a leaf that is not body text; names are decoded and made safe."""
    content_id = header_text(leaf.headers, "Content-ID").strip().strip("<>").strip()
    disposition = leaf.headers.content_disposition
    return Attachment(
        filename=_safe_filename(leaf.gmail_filename or _declared_filename(leaf.headers, hint))
        or _default_filename(leaf),
        content_type=leaf.content_type,
        size=leaf.size,
        part_id=leaf.part_id,
        attachment_id=leaf.attachment_id,
        content_id=content_id or None,
        is_inline=bool(content_id) and disposition != "attachment",
        data=leaf.content if leaf.attachment_id is None else None,
    )


def _declared_filename(headers: Headers, hint: str | None) -> str:
    """filename= (RFC 2231 continuations and charsets), else name=; RFC 2047 or raw 8-bit
    names as Outlook and old mailers write them are decoded too."""
    try:
        name = headers.filename or headers.get_param("name")
        if isinstance(name, tuple):
            name = collapse_rfc2231_value(name)
    except (ValueError, LookupError):  # an RFC 2231 charset that is no codec name at all
        return ""
    return decode_header_text(name, hint=hint) if isinstance(name, str) else ""


def _safe_filename(name: str) -> str:
    """The last path component only, without control characters: a name, never a path."""
    name = _UNSAFE_FILENAME.sub("", name.replace("\\", "/")).rsplit("/", 1)[-1]
    return name.strip().strip(".")[:255].strip()


def _default_filename(leaf: Leaf) -> str:
    if leaf.content_type == "message/rfc822":
        subject = decode_header_text(leaf.embedded_subject)
        return f"{_safe_filename(subject) or 'forwarded message'}.eml"
    if leaf.content_type == "text/calendar":
        return "invite.ics"
    if leaf.content_type == "message/delivery-status":
        return "delivery-status.txt"
    return "attachment" + (mimetypes.guess_extension(leaf.content_type, strict=False) or "")
