"""Raw RFC 822 messages shaped as the mailers that send them, for the mail-correctness tests.

Each builder returns bytes as they arrive at Gmail: Outlook's winmail.dat (a TNEF writer that
follows MS-OXTNEF, since no library writes TNEF), inline images as Apple Mail, Outlook and
Gmail reference them, raw 8-bit headers (RFC 6532 UTF-8 and legacy cp1251) and format=flowed
text from Thunderbird and Apple Mail.
"""

from __future__ import annotations

import base64
import struct
import textwrap
from dataclasses import dataclass

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201d0d2e2b00000000049454e44ae426082"
)
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")

# TNEF attribute ids (MS-OXTNEF 2.1.3): type << 16 | id.
_TNEF_SIGNATURE = 0x223E9F78
_ATT_TNEF_VERSION = 0x00089006
_ATT_OEM_CODEPAGE = 0x00069007
_ATT_MESSAGE_CLASS = 0x00078008
_ATT_ATTACH_REND_DATA = 0x00069002
_ATT_ATTACH_TITLE = 0x00018010
_ATT_ATTACH_DATA = 0x0006800F
_ATT_ATTACHMENT = 0x00069005
_PT_LONG, _PT_STRING8, _PT_UNICODE = 0x0003, 0x001E, 0x001F
_PR_ATTACH_METHOD, _PR_LONG_FILENAME, _PR_MIME_TAG = 0x3705, 0x3707, 0x370E


@dataclass(frozen=True)
class TnefFile:
    short_name: str
    data: bytes
    long_name: str | None = None
    mime_tag: str | None = None


def tnef_container(files: list[TnefFile], *, codepage: int = 1252) -> bytes:
    """A winmail.dat as Outlook writes it: version, code page, class, then per file its
    rendering, 8.3 title, bytes and MAPI properties (long Unicode name, MIME tag)."""
    encoding = f"cp{codepage}"
    out = struct.pack("<IH", _TNEF_SIGNATURE, 0x1234)
    out += _attribute(1, _ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += _attribute(1, _ATT_OEM_CODEPAGE, struct.pack("<II", codepage, 0))
    out += _attribute(1, _ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\x00")
    for file in files:
        out += _attribute(2, _ATT_ATTACH_REND_DATA, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))
        out += _attribute(2, _ATT_ATTACH_TITLE, file.short_name.encode(encoding) + b"\x00")
        out += _attribute(2, _ATT_ATTACH_DATA, file.data)
        out += _attribute(2, _ATT_ATTACHMENT, _mapi_properties(file))
    return out


def _attribute(level: int, attribute: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", checksum)


def _mapi_properties(file: TnefFile) -> bytes:
    properties = [struct.pack("<HHI", _PT_LONG, _PR_ATTACH_METHOD, 1)]
    if file.long_name is not None:
        name = file.long_name.encode("utf-16-le") + b"\x00\x00"
        properties.append(struct.pack("<HH", _PT_UNICODE, _PR_LONG_FILENAME) + _values(name))
    if file.mime_tag is not None:
        tag = file.mime_tag.encode("ascii") + b"\x00"
        properties.append(struct.pack("<HH", _PT_STRING8, _PR_MIME_TAG) + _values(tag))
    return struct.pack("<I", len(properties)) + b"".join(properties)


def _values(value: bytes) -> bytes:
    return struct.pack("<II", 1, len(value)) + value + b"\x00" * (-len(value) % 4)


def _base64(data: bytes) -> str:
    return "\r\n".join(textwrap.wrap(base64.b64encode(data).decode(), 76))


def tnef_message(container: bytes, *, subject: str = "Contract", number: int = 1) -> bytes:
    """Outlook/Exchange mail whose files travel only inside winmail.dat."""
    return (
        "From: Old Outlook <old.outlook@example.com>\r\n"
        "To: support@acme.test\r\n"
        f"Subject: {subject}\r\n"
        "Date: Fri, 7 Mar 2025 12:00:00 +0000\r\n"
        f"Message-ID: <tnef-{number}@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "X-MS-Has-Attach: yes\r\n"
        f"X-MS-TNEF-Correlator: <tnef-{number}@example.com>\r\n"
        'Content-Type: multipart/mixed; boundary="tnef"\r\n\r\n'
        '--tnef\r\nContent-Type: text/plain; charset="us-ascii"\r\n\r\n'
        "Please see the attached files.\r\n\r\n"
        '--tnef\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="winmail.dat"\r\n\r\n'
        f"{_base64(container)}\r\n--tnef--\r\n"
    ).encode("ascii")


@dataclass(frozen=True)
class Image:
    content_id: str
    content_type: str
    data: bytes
    filename: str | None = None
    reference: str | None = None  # how the HTML writes cid: (default: the Content-ID)


def related_message(html: str, images: list[Image], *, sender: str, number: int = 1) -> bytes:
    """multipart/related HTML with its images, as Apple Mail, Outlook and Gmail send it."""
    parts = [f'Content-Type: text/html; charset="utf-8"\r\n\r\n{html}\r\n']
    for image in images:
        name = f'; name="{image.filename}"' if image.filename else ""
        disposition = (
            f'Content-Disposition: inline; filename="{image.filename}"\r\n'
            if image.filename
            else ""
        )
        parts.append(
            f"Content-Type: {image.content_type}{name}\r\n"
            f"Content-ID: <{image.content_id}>\r\n{disposition}"
            f"Content-Transfer-Encoding: base64\r\n\r\n{_base64(image.data)}\r\n"
        )
    body = "".join(f"--rel\r\n{part}" for part in parts) + "--rel--\r\n"
    return (
        f"From: {sender}\r\nTo: support@acme.test\r\nSubject: Screenshot {number}\r\n"
        f"Date: Fri, 7 Mar 2025 13:00:00 +0000\r\nMessage-ID: <inline-{number}@example.com>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="rel"\r\n\r\n' + body
    ).encode()


def eight_bit_message(
    *, sender: str, subject: str, to: str, body: str, charset: str, number: int = 1
) -> bytes:
    """Headers written as raw 8-bit bytes in `charset` (RFC 6532 when it is UTF-8)."""
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Mon, 3 Mar 2025 10:00:00 +0300\r\nMessage-ID: <eight-bit-{number}@example.ru>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return (head + body + "\r\n").encode(charset)


def flowed_message(
    body: str, *, delsp: bool = False, charset: str = "utf-8", number: int = 1
) -> bytes:
    """Thunderbird (DelSp=no) or Apple Mail (DelSp=yes) plain text; `body` is sent as is."""
    delsp_param = "; delsp=yes" if delsp else ""
    return (
        "From: Anna Petrova <anna@example.com>\r\nTo: support@acme.test\r\n"
        "Subject: Re: Export\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\n"
        f"Message-ID: <flowed-{number}@example.com>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset={charset}; format=flowed{delsp_param}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + body.replace("\n", "\r\n")
    ).encode(charset)
