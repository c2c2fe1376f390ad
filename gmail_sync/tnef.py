"""Outlook's TNEF container (winmail.dat) -> the files inside it.

Owns reading a container with tnefparse (a well-kept pure-Python decoder) and finding each
file's name, declared type and bytes. It never raises: a container it cannot read, or one with
a file it cannot name or read, is answered None, so the caller keeps the container itself and
nothing is hidden. It knows nothing of MIME or of how names are made safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from tnefparse import TNEF
from tnefparse.properties import (
    MAPI_ATTACH_LONG_FILENAME,
    MAPI_ATTACH_MIME_TAG,
)


@dataclass(frozen=True, slots=True)
class TnefFile:
    name: str
    content_type: str | None
    data: bytes


def tnef_files(container: bytes) -> list[TnefFile] | None:
    """The files of a TNEF container, or None when it holds none or cannot be read whole."""
    try:
        tnef = TNEF(container, do_checksum=False)
        files = [_file(attachment, tnef.codepage) for attachment in tnef.attachments]
    except Exception:  # a hostile container must cost only its listing
        return None
    if not files or any(found is None for found in files):
        return None
    return [found for found in files if found is not None]


def _file(attachment: object, codepage: str | None) -> TnefFile | None:
    data = getattr(attachment, "data", None)
    name = _property(attachment, MAPI_ATTACH_LONG_FILENAME) or _title(attachment, codepage)
    if not isinstance(data, bytes) or not data or not name:
        return None
    content_type = _property(attachment, MAPI_ATTACH_MIME_TAG)
    return TnefFile(name, content_type.lower() if content_type else None, data)


def _property(attachment: object, name: int) -> str | None:
    """A string MAPI property of the attachment (tnefparse decodes PT_UNICODE and PT_STRING8)."""
    for attribute in getattr(attachment, "mapi_attrs", []):
        if getattr(attribute, "name", None) == name:
            value = attribute.data
            return value.strip("\x00").strip() if isinstance(value, str) else None
    return None


def _title(attachment: object, codepage: str | None) -> str:
    """The 8.3 attAttachTitle, in the container's OEM code page (tnefparse assumes UTF-8)."""
    title = getattr(attachment, "_name", b"")
    if isinstance(title, str):
        return title.strip("\x00").strip()
    if not isinstance(title, bytes):
        return ""
    try:
        return title.decode(codepage or "cp1252").strip("\x00").strip()
    except (LookupError, UnicodeDecodeError):
        return title.decode("cp1252", "replace").strip("\x00").strip()
