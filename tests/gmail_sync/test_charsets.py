# ruff: noqa: RUF001 - Russian text is the point
"""gmail_sync.charsets: declared, mislabelled and missing charsets all come out as the text the
sender typed."""

from __future__ import annotations

import base64

import pytest

from gmail_sync.charsets import clean_text, codec_name, decode_bytes, decode_header_text

RUSSIAN = "Здравствуйте! Не могу войти в личный кабинет, пишет что пароль неверный."


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UTF-8", "utf_8"),
        ('"koi8-r"', "koi8_r"),
        ("windows-1251", "cp1251"),
        ("iso-8859-1", "cp1252"),
        ("ks_c_5601-1987", "cp949"),
        ("x-unknown", None),
        ("base64", None),
        ("", None),
        (None, None),
    ],
)
def test_mime_labels_map_to_text_codecs(label: str | None, codec: str | None) -> None:
    assert codec_name(label) == codec


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8", "utf-8"),
        ("koi8_r", "koi8-r"),
        ("cp1251", "windows-1251"),
        ("iso8859_5", "iso-8859-5"),
        ("koi8_r", "windows-1251"),
        ("cp1251", "koi8-r"),
        ("cp1251", "iso-8859-1"),
        ("cp1251", "us-ascii"),
        ("cp1251", "utf-8"),
        ("utf-8", "windows-1251"),
        ("koi8_r", None),
        ("cp1251", None),
        ("cp1251", "x-no-such-charset"),
    ],
)
def test_russian_text_survives_any_label(encoding: str, label: str | None) -> None:
    assert decode_bytes(RUSSIAN.encode(encoding), label) == RUSSIAN


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        ("Grüße aus München", "cp1252", None),
        ("Grüße aus München", "utf-8", "iso-8859-1"),
        ("Ça coûte 10 €", "cp1252", "iso-8859-1"),
        ("Καλημέρα", "cp1253", "windows-1253"),
        ("日本語のメール", "iso2022_jp", "iso-2022-jp"),
        ("你好", "gb2312", "gb2312"),
    ],
)
def test_other_scripts_read_right(text: str, encoding: str, label: str | None) -> None:
    assert decode_bytes(text.encode(encoding), label) == text


def test_a_stray_byte_in_utf8_costs_one_character_not_the_text() -> None:
    data = "Grüße aus München, Straße".encode() + b"\xff"

    assert decode_bytes(data, "utf-8") == "Grüße aus München, Straße\ufffd"


def test_bytes_undefined_in_the_recovered_charset_are_replaced() -> None:
    data = RUSSIAN.encode("cp1251") + b"\x98"

    assert decode_bytes(data, None) == RUSSIAN + "\ufffd"
    assert decode_bytes(data, "iso-8859-1") == RUSSIAN + "\ufffd"


def test_short_koi8r_subjects_use_the_body_charset_hint() -> None:
    assert decode_bytes("СРОЧНО".encode("koi8_r"), None) == "СРОЧНО"
    assert decode_bytes("Анна".encode("koi8_r"), None, hint="koi8-r") == "Анна"


def test_output_is_always_storable() -> None:
    assert clean_text("a\x00b\udcff") == "ab?"
    assert decode_bytes(b"\xef\xbb\xbfhello\x00", "utf-8") == "hello"


def encoded_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def test_encoded_words_in_any_charset() -> None:
    koi8, cp1251 = encoded_word("Привет", "koi8-r"), encoded_word(", мир", "cp1251")

    assert (
        decode_header_text(f"{koi8} {cp1251} and =?utf-8?q?caf=C3=A9?=") == "Привет, мир and café"
    )


def test_a_broken_encoded_word_spoils_only_itself() -> None:
    value = "=?utf-8?B?abcde?= =?x-unknown?Q?caf=E9?= =?utf-8?Q?_ok?="

    assert decode_header_text(value) == "=?utf-8?B?abcde?=café ok"


def test_raw_8bit_header_bytes_are_decoded() -> None:
    raw = "Счёт за март".encode("cp1251").decode("ascii", "surrogateescape")

    assert decode_header_text(raw, hint="windows-1251") == "Счёт за март"
    assert decode_header_text(raw) == "Счёт за март"


def test_folded_headers_are_unfolded() -> None:
    assert decode_header_text("A long\r\n subject") == "A long subject"
