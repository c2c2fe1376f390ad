# ruff: noqa: RUF001 - Russian mail is part of the samples
"""The text and parts a message shows, class by class: format=flowed, raw 8-bit headers,
inline images, TNEF winmail.dat, and quotes read through the whole parse. Each message is read
the ways sync can get it: raw bytes, Gmail's format=full payload (as the emulator serves it),
and format=full with the raw bytes that gmail_sync.raw_fetch adds when the payload is lossy."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gmail_emulator.messages import attachment_id, payload_of
from gmail_sync.flowed import unflow
from gmail_sync.html_text import MAX_INLINE_IMAGE_BYTES, inline_images
from gmail_sync.mime import ParsedMessage, parse_gmail_message, parse_raw_message
from gmail_sync.raw_fetch import needs_raw
from gmail_sync.tnef import tnef_files
from tests.gmail_sync.mime_samples import (
    GIF,
    JPEG,
    PNG,
    Image,
    TnefFile,
    eight_bit_message,
    flowed_message,
    related_message,
    tnef_container,
    tnef_message,
)

GMAIL_ID = "195a1b2c3d4e5f60"
Parse = Callable[[bytes], ParsedMessage]


def full(raw: bytes) -> dict[str, Any]:
    """messages.get(format=full) as the emulator answers it."""
    return {"id": GMAIL_ID, "threadId": GMAIL_ID, "payload": payload_of(GMAIL_ID, raw)}


def full_and_raw(raw: bytes) -> dict[str, Any]:
    return {**full(raw), "raw": base64.urlsafe_b64encode(raw).decode()}


@pytest.fixture(params=["raw", "full", "full+raw"])
def parse(request: pytest.FixtureRequest) -> Parse:
    if request.param == "raw":
        return parse_raw_message
    if request.param == "full":
        return lambda raw: parse_gmail_message(full(raw))
    return lambda raw: parse_gmail_message(full_and_raw(raw))


@pytest.fixture(params=["raw", "full+raw"])
def parse_bytes(request: pytest.FixtureRequest) -> Parse:
    """The readings that see the bytes as sent (what sync uses when the payload is lossy)."""
    if request.param == "raw":
        return parse_raw_message
    return lambda raw: parse_gmail_message(full_and_raw(raw))


# format=flowed (RFC 3676)


@pytest.mark.parametrize(
    ("flowed", "delsp", "plain"),
    [
        (
            "The export fails every \nmorning at six, right \nafter the backup.\nThanks.",
            False,
            "The export fails every morning at six, right after the backup.\nThanks.",
        ),
        (
            "The export fails every  \nmorning at six.\nThanks.",
            True,
            "The export fails every morning at six.\nThanks.",
        ),
        ("データのエクスポートが \n失敗します。", True, "データのエクスポートが失敗します。"),
        (" From the log: \n >not a quote", False, "From the log: >not a quote"),
        (
            "Yes. \nIt works.\n\n> Does it \n> work now?\n>> Older \n>> question\nBye",
            False,
            "Yes. It works.\n\n> Does it work now?\n>> Older question\nBye",
        ),
        ("> Quoted soft \nAnswer", False, "> Quoted soft\nAnswer"),
        ("Thanks, \nAnna\n-- \nAnna Petrova \nACME", False, "Thanks, Anna\n-- \nAnna Petrova ACME"),
        (">\n> \n>>", False, ">\n>\n>>"),
    ],
)
def test_flowed_text_is_unwrapped(flowed: str, delsp: bool, plain: str) -> None:
    assert unflow(flowed, delsp=delsp) == plain


def test_a_flowed_reply_reads_as_typed_and_its_quote_is_cut(parse: Parse) -> None:
    body = (
        "Restarting the service fixed it, thank you for \nthe quick help.\n\n"
        "On Mon, 3 Mar 2025 at 10:00, Support <support@acme.test> wrote:\n"
        "> Please restart the export service and tell us \n> whether it helps.\n"
    )

    parsed = parse(flowed_message(body))

    assert parsed.visible_text == ("Restarting the service fixed it, thank you for the quick help.")
    assert parsed.quoted_text.endswith(
        "> Please restart the export service and tell us whether it helps."
    )


def test_delsp_yes_and_a_charset_other_than_utf8(parse: Parse) -> None:
    body = "Спасибо, экспорт снова  \nработает.\n"

    parsed = parse(flowed_message(body, delsp=True, charset="koi8-r"))

    assert parsed.visible_text == "Спасибо, экспорт снова работает."


def test_fixed_text_keeps_its_line_breaks(parse: Parse) -> None:
    raw = flowed_message("Line one \nline two").replace(b"; format=flowed", b"; format=fixed")

    assert parse(raw).visible_text == "Line one \nline two"


# Raw 8-bit headers (RFC 6532 UTF-8 and legacy charsets)


EIGHT_BIT = [
    (
        "Иван Петров <ivan@example.ru>",
        "Оплата не прошла",
        "Поддержка <support@acme.test>",
        "Деньги списаны.",
        "utf-8",
    ),
    (
        "Zoë Ångström <zoe@example.se>",
        "Fråga om fakturan – 3 mars",
        '"Support, ACME" <support@acme.test>',
        "Hej!",
        "utf-8",
    ),
    (
        "Иван Петров <ivan@example.ru>",
        "Оплата не прошла",
        "Поддержка <support@acme.test>",
        "Деньги списаны.",
        "cp1251",
    ),
    (
        "Сергей Иванов <sergey@example.ru>",
        "Вопрос по счёту 17 от 3 марта",
        "support@acme.test",
        "Здравствуйте.",
        "koi8-r",
    ),
]


@pytest.mark.parametrize(("sender", "subject", "to", "body", "charset"), EIGHT_BIT)
def test_raw_8bit_headers_read_right(
    sender: str, subject: str, to: str, body: str, charset: str, parse_bytes: Parse
) -> None:
    raw = eight_bit_message(sender=sender, subject=subject, to=to, body=body, charset=charset)

    parsed = parse_bytes(raw)

    name, address = sender.rsplit(" <", 1)
    assert (parsed.subject, parsed.from_name, parsed.from_address) == (
        subject,
        name,
        address.rstrip(">"),
    )
    assert parsed.to == (to,)
    assert parsed.visible_text == body


@pytest.mark.parametrize(("sender", "subject", "to", "body", "charset"), EIGHT_BIT)
def test_a_payload_that_lost_8bit_headers_asks_for_the_raw_bytes(
    sender: str, subject: str, to: str, body: str, charset: str
) -> None:
    raw = eight_bit_message(sender=sender, subject=subject, to=to, body=body, charset=charset)

    assert "\ufffd" in parse_gmail_message(full(raw)).subject
    assert needs_raw(full(raw))
    assert not needs_raw(full_and_raw(raw))


def test_latin1_mojibake_in_a_payload_also_asks_for_the_raw_bytes() -> None:
    resource = full(
        eight_bit_message(sender="a@b.test", subject="x", to="c@d.test", body="b", charset="utf-8")
    )
    resource["payload"]["headers"][2]["value"] = "Ð\x9fÑ\x80Ð¸Ð²ÐµÑ\x82"

    assert needs_raw(resource)


def test_seven_bit_mail_needs_no_raw_bytes(make_mail: Callable[..., bytes]) -> None:
    raw = make_mail(subject="=?utf-8?b?0J/RgNC40LLQtdGC?=", sender="Anna <anna@example.com>")

    assert not needs_raw(full(raw))
    assert parse_gmail_message(full(raw)).subject == "Привет"


def test_a_raw_8bit_filename_reads_right(parse_bytes: Parse) -> None:
    raw = (
        "From: a@b.test\r\nTo: c@d.test\r\nSubject: file\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n\r\nСм. файл\r\n--b\r\n"
        'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="Счёт №17.pdf"'
        "\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--b--\r\n"
    ).encode()

    (attachment,) = parse_bytes(raw).attachments
    assert attachment.filename == "Счёт №17.pdf"
    assert needs_raw(full(raw))


# Inline images (multipart/related, cid:)


INLINE = [
    # Apple Mail: named, inline, referenced by its Content-ID.
    (
        Image("7C9E1F2A-5B3D-4E8F-9A6B-1C2D3E4F5A6B", "image/png", PNG, "Screenshot.png"),
        "image/png",
    ),
    # Outlook: image001.png@01D98... with a JPEG behind a .png-looking id.
    (Image("image001.jpg@01DB8C3A.5F2E4B10", "image/jpeg", JPEG, "image001.jpg"), "image/jpeg"),
    # Gmail: ii_ ids, no filename on the part at all.
    (Image("ii_m7x2k9aq0", "image/gif", GIF), "image/gif"),
    # A reference written percent-encoded and in another case.
    (
        Image("logo@ACME.test", "image/jpg", JPEG, "logo.jpg", reference="LOGO%40acme.test"),
        "image/jpeg",
    ),
]


@pytest.mark.parametrize(("image", "media"), INLINE)
def test_inline_images_show_from_their_own_bytes(
    image: Image, media: str, parse_bytes: Parse
) -> None:
    reference = image.reference or image.content_id
    html = f'<p>The menu overlaps:</p><img src="cid:{reference}" alt="shot">'

    parsed = parse_bytes(related_message(html, [image], sender="Designer <d@example.com>"))

    encoded = base64.b64encode(image.data).decode()
    assert parsed.html is not None and f'src="data:{media};base64,{encoded}"' in parsed.html
    (attachment,) = parsed.attachments
    assert (attachment.content_id, attachment.is_inline, attachment.size) == (
        image.content_id,
        True,
        len(image.data),
    )
    # Downloadable: by Gmail's attachmentId when the part has one, else from its own bytes.
    assert attachment.attachment_id is not None or attachment.data == image.data


def test_format_full_alone_downloads_inline_images_it_carried_inline() -> None:
    image = Image("ii_m7x2k9aq0", "image/gif", GIF)
    raw = related_message('<img src="cid:ii_m7x2k9aq0">', [image], sender="a@b.test")

    (attachment,) = parse_gmail_message(full(raw)).attachments

    assert (attachment.attachment_id, attachment.data) == (None, GIF)


def test_an_image_behind_an_attachment_id_asks_for_the_raw_bytes_only_when_shown() -> None:
    image = Image("shot@x", "image/png", PNG, "shot.png")
    shown = related_message('<img src="cid:shot@x">', [image], sender="a@b.test")
    unused = related_message("<p>No picture here</p>", [image], sender="a@b.test")

    assert needs_raw(full(shown)) and not needs_raw(full(unused))
    (attachment,) = parse_gmail_message(full_and_raw(shown)).attachments
    assert attachment.attachment_id == attachment_id(GMAIL_ID, "1")


@pytest.mark.parametrize(
    "image",
    [
        Image("evil@x", "image/svg+xml", b"<svg onload='alert(1)'/>", "evil.svg"),
        Image("page@x", "text/html", b"<script>alert(1)</script>", "page.html"),
    ],
)
def test_only_images_that_cannot_run_anything_become_data_urls(image: Image) -> None:
    html = f'<img src="cid:{image.content_id}">'

    parsed = parse_raw_message(related_message(html, [image], sender="a@b.test"))

    assert parsed.html is not None and "data:" not in parsed.html
    assert f'src="cid:{image.content_id}"' in parsed.html


def test_inline_images_stop_at_the_budget() -> None:
    big = b"\x89PNG" + bytes(MAX_INLINE_IMAGE_BYTES // 2 - 4)
    images = {name: ("image/png", big) for name in ("a", "b", "c")}
    html = '<img src="cid:a"><img src="cid:b"><img src="cid:c">'

    shown = inline_images(html, images)

    assert shown.count("data:image/png;base64,") == 2 and 'src="cid:c"' in shown


# TNEF (winmail.dat)


CONTAINERS = [
    [
        TnefFile("CONTRA~1.PDF", b"%PDF-1.4 contract", "Contract 2025.pdf", "application/pdf"),
        TnefFile("SCHT~1.XLS", b"PK\x03\x04 sheet", "Счёт за март.xlsx"),
    ],
    [TnefFile("NOTES.TXT", b"plain notes\r\n")],
    [TnefFile("Año.doc", b"\xd0\xcf\x11\xe0 doc", None, "application/msword")],
]


@pytest.mark.parametrize("files", CONTAINERS)
def test_winmail_dat_is_listed_as_its_files(files: list[TnefFile], parse_bytes: Parse) -> None:
    parsed = parse_bytes(tnef_message(tnef_container(files)))

    assert [(a.filename, a.size, a.data) for a in parsed.attachments] == [
        (f.long_name or f.short_name, len(f.data), f.data) for f in files
    ]
    assert all(a.attachment_id is None and not a.is_inline for a in parsed.attachments)
    assert parsed.visible_text == "Please see the attached files."


def test_tnef_file_types_are_declared_or_guessed(parse_bytes: Parse) -> None:
    parsed = parse_bytes(tnef_message(tnef_container(CONTAINERS[0] + CONTAINERS[1])))

    assert [a.content_type for a in parsed.attachments] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/plain",
    ]


def test_format_full_alone_keeps_winmail_dat_and_asks_for_the_raw_bytes() -> None:
    raw = tnef_message(tnef_container(CONTAINERS[1]))

    (container,) = parse_gmail_message(full(raw)).attachments

    assert (container.filename, container.attachment_id) == (
        "winmail.dat",
        attachment_id(GMAIL_ID, "1"),
    )
    assert needs_raw(full(raw))


@pytest.mark.parametrize(
    "container",
    [
        b"",
        b"not tnef at all",
        tnef_container(CONTAINERS[0])[:40],
        tnef_container([TnefFile("EMPTY.TXT", b"")]),
    ],
)
def test_a_container_that_cannot_be_read_whole_stays_one_attachment(container: bytes) -> None:
    parsed = parse_raw_message(tnef_message(container))

    assert tnef_files(container) is None
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("winmail.dat", "application/ms-tnef")
    ]


def test_winmail_dat_sent_as_octet_stream_is_read_too() -> None:
    raw = tnef_message(tnef_container(CONTAINERS[1])).replace(
        b"application/ms-tnef", b"application/octet-stream"
    )

    assert [a.filename for a in parse_raw_message(raw).attachments] == ["NOTES.TXT"]


# Quotes, through the whole parse


def html_reply(html: str) -> bytes:
    return (
        "From: Anna <anna@example.com>\r\nTo: support@acme.test\r\nSubject: Re: Access\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    ).encode()


@pytest.mark.parametrize(
    "html",
    [
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Mar 2025 at 10:00, Support '
        "&lt;support@acme.test&gt; wrote:<br></div><blockquote>Does it work?</blockquote></div>",
        '<div><br></div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> '
        "Support<br><b>Sent:</b> Monday<br></div><div>Does it work?</div>",
        '<blockquote type="cite">Does it work?</blockquote>',
    ],
)
def test_an_html_reply_that_is_only_a_quote_has_no_visible_text(html: str, parse: Parse) -> None:
    parsed = parse(html_reply(html))

    assert parsed.visible_text == ""
    assert "Does it work?" in parsed.quoted_text
    assert parsed.snippet


def test_a_bottom_posted_plain_reply_shows_its_answer(make_mail: Callable[..., bytes]) -> None:
    raw = make_mail(
        body="Am 03.03.2025 um 10:00 schrieb Support <support@acme.test>:\n> Geht es jetzt?\n\n"
        "Ja, danke!\n",
        subject="Re: Zugang",
    )

    parsed = parse_raw_message(raw)

    assert (parsed.visible_text, parsed.quoted_text) == (
        "Ja, danke!",
        "Am 03.03.2025 um 10:00 schrieb Support <support@acme.test>:\n> Geht es jetzt?",
    )


def test_a_part_gmail_has_no_attachment_id_for_keeps_its_bytes() -> None:
    raw = (Path(__file__).parent / "corpus" / "calendar_invite.eml").read_bytes()

    for resource in (full(raw), full_and_raw(raw)):
        (invite,) = [
            a
            for a in parse_gmail_message(resource).attachments
            if a.content_type == "text/calendar"
        ]
        assert invite.attachment_id is None
        assert invite.data is not None and invite.data.startswith(b"BEGIN:VCALENDAR")
