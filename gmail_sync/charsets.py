# ruff: noqa: RUF001 - Russian letters in the patterns are intended
"""Bytes of mail text -> str, whatever charset the mail claims or forgets to claim.

Owns charset names, recovery from mislabelled and undeclared 8-bit text, and RFC 2047 encoded
words. It never raises for any input and never returns surrogates or NUL characters (databases
reject them); it knows nothing of MIME structure.
"""

from __future__ import annotations

import codecs
import functools
import re
from email.errors import HeaderParseError
from email.header import decode_header

import charset_normalizer

_SAMPLE = 64 * 1024
_SCORE_SAMPLE = 16 * 1024
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CYRILLIC = re.compile("[А-Яа-яЁё]")
_CYRILLIC_LOWER = re.compile("[а-яё]")
_FREQUENT_RUSSIAN = re.compile("[оеаинтсрвлОЕАИНТСРВЛ]")
_CYRILLIC_CODECS = ("cp1251", "koi8_r", "iso8859_5", "cp866")
_LATIN_CODECS = frozenset({"ascii", "iso8859_1", "cp1252", "iso8859_15", "iso8859_2", "cp1250"})
# Names seen in real mail that Python does not know, or knows as a stricter subset.
_ALIASES = {
    "x-user-defined": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "ascii",
    "ks_c_5601-1987": "cp949",
    "iso-8859-8-i": "iso8859_8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac_cyrillic",
    "unicode-1-1-utf-7": "utf_7",
    "cp-850": "cp850",
    "utf8": "utf_8",
}
# What charset_normalizer may answer: the charsets real mail uses, so that a short undeclared
# text is not read as some exotic code page that happens to decode it.
_DETECTABLE = [
    "utf_8", "cp1251", "koi8_r", "cp866", "iso8859_5", "cp1252", "iso8859_2", "cp1250",
    "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "gb18030", "big5", "shift_jis",
    "euc_jp", "euc_kr",
]  # fmt: skip
_MULTIBYTE_PROBE = b"\xc3\xa9\xb0\xa1\x88\x9f\x81\x40"
_ENCODED_WORD = "=?"
_ENCODED_WORDS = re.compile(r"(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def codec_name(charset: str | None) -> str | None:
    """Python's codec for a MIME charset label, or None when the label is missing or unknown."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    return _text_codec(_ALIASES.get(label, label))


@functools.lru_cache(maxsize=256)
def _text_codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name.replace("-", "_")
        b"".decode(name)  # refuses bytes-to-bytes codecs such as base64 or zlib
        return name if _decodes_bytes(name) else None
    except (LookupError, ValueError):
        return None


def _decodes_bytes(codec: str) -> bool:
    try:
        bytes(range(256)).decode(codec, "replace")
    except (UnicodeError, ValueError, LookupError):
        return False
    return True


def decode_bytes(data: bytes, charset: str | None, *, hint: str | None = None) -> str:
    """Text of `data`: the declared charset when it fits, else the best recovery.

    `hint` is a charset to try before detection when nothing is declared (for 8-bit headers,
    the charset of the message's body). The result is always clean text.
    """
    codec = codec_name(charset)
    text = _declared(data, codec) if codec else None
    if text is None:
        text = _recover(data, codec_name(hint))
    return clean_text(text.removeprefix("\ufeff"))


def clean_text(text: str) -> str:
    """`text` without NUL characters and lone surrogates, which no database column accepts."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def decode_header_text(value: str, *, hint: str | None = None) -> str:
    """A header value as a person reads it: unfolded, 8-bit bytes and encoded words decoded."""
    if value.isascii() and "\n" not in value and _ENCODED_WORD not in value:
        return clean_text(value)  # most header values: nothing to unfold, restore or decode
    value = _FOLD.sub("", restore_8bit(value, hint=hint))
    if _ENCODED_WORD not in value:
        return clean_text(value)
    return clean_text(_decode_words(value))


def _decode_words(value: str) -> str:
    try:
        return "".join(_chunk_text(chunk, charset) for chunk, charset in decode_header(value))
    except (HeaderParseError, ValueError, LookupError):
        pass
    # One broken word fails the stdlib's decode of the whole header: decode word by word,
    # dropping the white space between adjacent words as RFC 2047 says.
    pieces = _ENCODED_WORDS.split(value)
    last = len(pieces) - 1
    return "".join(
        _decode_word(piece) if index % 2 else piece
        for index, piece in enumerate(pieces)
        if index % 2 or not (piece.isspace() and 0 < index < last)
    )


def _decode_word(word: str) -> str:
    try:
        return "".join(_chunk_text(chunk, charset) for chunk, charset in decode_header(word))
    except (HeaderParseError, ValueError, LookupError):
        return word


def restore_8bit(value: str, *, hint: str | None = None) -> str:
    """Raw 8-bit bytes the stdlib parser kept as surrogate escapes, decoded with a guess."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return decode_bytes(value.encode("utf-8", "surrogateescape"), None, hint=hint)
    return value


def _chunk_text(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    if charset is None:
        # decode_header returns the unencoded runs between encoded words this way.
        try:
            return chunk.decode("raw-unicode-escape")
        except UnicodeDecodeError:
            return chunk.decode("latin_1")
    return decode_bytes(chunk, charset)


def _declared(data: bytes, codec: str) -> str | None:
    text = _strict(data, codec)
    if text is not None:
        return _correct_mislabel(data, codec, text) if _single_byte(codec) else text
    return None if _single_byte(codec) else _mostly_right(data, codec)


@functools.lru_cache(maxsize=256)
def _single_byte(codec: str) -> bool:
    """Single-byte charsets decode nearly any bytes, so a wrong label never fails by itself.

    The probe holds lead/trail pairs of UTF-8, GB18030, Big5, Shift_JIS and EUC-KR: a
    multi-byte charset reads at least one pair as one character.
    """
    return len(_MULTIBYTE_PROBE.decode(codec, "replace")) == len(_MULTIBYTE_PROBE)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_right(data: bytes, codec: str) -> str | None:
    """A multi-byte charset with a few broken bytes is still the right charset."""
    text = data.decode(codec, "replace")
    broken = text.count("\ufffd")
    foreign = len(text) - len(text.encode("ascii", "ignore"))
    return text if broken <= max(2, foreign // 100) else None


def _correct_mislabel(data: bytes, codec: str, text: str) -> str:
    """The declared single-byte charset decoded `data`; catch the common wrong labels."""
    if data.isascii():
        return text
    utf8 = _strict(data, "utf_8")
    if utf8 is not None:
        return utf8
    if codec in _CYRILLIC_CODECS:
        better = _cyrillic_codec(data, declared=codec)
        return data.decode(better, "replace") if better else text
    if codec in _LATIN_CODECS and _dense_high_bytes(data):
        guess = _cyrillic_codec(data, declared=None)
        return data.decode(guess, "replace") if guess else text
    return text


def _recover(data: bytes, hint: str | None) -> str:
    if data.isascii():
        return data.decode("ascii")
    text = _strict(data, "utf_8")
    if text is None and hint is not None and hint != "utf_8":
        text = _strict(data, hint)
        if text is not None:
            text = _correct_mislabel(data, hint, text)
    if text is None and _dense_high_bytes(data):
        guess = _cyrillic_codec(data, declared=None)
        text = data.decode(guess, "replace") if guess else None
    if text is None:
        match = charset_normalizer.from_bytes(data[:_SAMPLE], cp_isolation=_DETECTABLE).best()
        text = data.decode(match.encoding if match else "cp1252", "replace")
    return text


def _dense_high_bytes(data: bytes) -> bool:
    """Whole words of 8-bit bytes (Cyrillic, Greek, ...) rather than accents in Latin text."""
    sample = data[:_SAMPLE]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    letters = len(sample) - len(sample.translate(None, _ASCII_LETTERS))
    return high >= 4 and high >= 0.3 * (high + letters)


def _cyrillic_codec(data: bytes, *, declared: str | None) -> str | None:
    """The Cyrillic charset whose decoding reads most like Russian, if clearly better.

    KOI8-R and Windows-1251 both decode any byte, so a wrong label never fails; the wrong
    one yields rare letters in inverted case, which letter frequency and case expose.
    """
    sample = data[:_SCORE_SAMPLE]
    scores = {codec: _russian_score(sample, codec) for codec in _CYRILLIC_CODECS}
    best = max(scores, key=lambda codec: scores[codec])
    if declared is None:
        return best if scores[best] >= 0.55 else None
    enough = len(sample) - len(sample.translate(None, _HIGH_BYTES)) >= 6
    return best if enough and scores[best] >= scores.get(declared, 0.0) + 0.25 else None


def _russian_score(sample: bytes, codec: str) -> float:
    text = sample.decode(codec, "replace")
    letters = len(_CYRILLIC.findall(text))
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if letters < 3 or high == 0:
        return 0.0
    coverage = min(1.0, letters / high)
    frequent = len(_FREQUENT_RUSSIAN.findall(text)) / letters
    lower = len(_CYRILLIC_LOWER.findall(text)) / letters
    return coverage * frequent + 0.2 * lower
