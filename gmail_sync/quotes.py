# ruff: noqa: RUF001, RUF003 - Russian quote headers and closings are intended
"""The part of a reply its author wrote: plain text split into visible text, quoted history and
signature.

Owns the quote headers of Gmail, Outlook, Apple Mail, Thunderbird, Yandex and Mail.ru in English
and Russian, ">" blocks, and signature detection. It is conservative by contract: when unsure it
keeps text visible, it never hides a forwarded message, and it never returns an empty visible
part for a message that has text. Work is capped, so a huge body costs no more than its head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Quote headers are looked for in this much of the text; the rest follows the verdict.
SCAN_CHARS = 100_000
_MAX_HEADER_LINES = 3
_MAX_CANDIDATE = 400
_SIGNATURE_WINDOW = 20

_ATTRIBUTIONS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # Gmail, Apple Mail, Thunderbird (EN): "On Mon, 3 Mar 2025 at 10:00, Anna <a@b> wrote:"
        r"on\b(?=\D{0,300}\d).{3,300}\b(?:wrote|writes|said)\s*:",
        # Gmail (RU): "пн, 3 мар. 2025 г. в 10:00, Анна <a@b>:"
        r"(?:пн|вт|ср|чт|пт|сб|вс),?\s*\d{1,2}\s+\S{3,9}\s+\d{4}\s*г\.?,?\s*(?:в\s+)?\d{1,2}:\d{2}"
        r".{1,300}:",
        # Apple Mail (RU): "3 марта 2025 г., в 10:00, Анна <a@b> написал(а):"
        r"\d{1,2}\s+\S{3,9}\s+\d{4}\s*г\.?,?\s*(?:в\s+)?\d{1,2}:\d{2}.{0,300}"
        r"\s(?:пишет|написал|написала|написал\(а\))\s*:",
        # Thunderbird (RU and EN with dotted dates): "03.03.2025 10:00, Анна пишет:"
        r"\d{1,2}[./]\d{1,2}[./]\d{2,4},?\s+(?:в\s+)?\d{1,2}:\d{2}.{0,300}"
        r"\s(?:пишет|написал|написала|написал\(а\)|wrote)\s*:",
        # Yandex: "03.03.2025, 10:00, "Анна" <a@b>:"
        r"\d{1,2}\.\d{1,2}\.\d{2,4},\s*\d{1,2}:\d{2},\s*.{1,300}:",
        # Mail.ru: "Понедельник, 3 марта 2025, 10:00 +03:00 от Анна <a@b>:"
        r"(?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье),\s*\d{1,2}\s+\S{3,9}"
        r"\s+\d{4},?\s+(?:в\s+)?\d{1,2}:\d{2}(?:\s*[+-]\d{2}:?\d{2})?,?\s+от\s.{1,300}:",
    )
)
# "Anna wrote:" without a date: trusted only right above a ">" block.
_WEAK_ATTRIBUTION = re.compile(
    r".{1,300}(?:\bwrote|\bwrites|пишет|написал|написала|написал\(а\)|<[^<>@\s]+@[^<>\s]+>)\s*:",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"-{3,}\s*(?:original message|исходное сообщение|ursprüngliche nachricht)\s*-{3,}",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"_{10,}")
_FROM_LINE = re.compile(r"\*?(?:from|от|von|de)\s*:\*?\s*\S.*", re.IGNORECASE)
_SENT_LINE = re.compile(r"\*?(?:sent|date|отправлено|дата|gesendet)\s*:", re.IGNORECASE)
_TO_LINE = re.compile(r"\*?(?:to|subject|кому|тема|an|betreff)\s*:", re.IGNORECASE)
_FORWARD = re.compile(
    r"-{2,}\s*(?:forwarded message|пересылаемое сообщение|пересланное сообщение"
    r"|перенаправленное сообщение)\s*-{2,}|(?:begin forwarded message"
    r"|начало переадресованного сообщения)\s*:",
    re.IGNORECASE,
)
_DELIMITER = re.compile(r"--\s?")
_MOBILE = re.compile(
    r"(?:sent from my \w+.{0,40}|sent from (?:outlook|mail|yandex|mail\.ru)\b.{0,40}"
    r"|get outlook for \w+.{0,20}|отправлено (?:с|из) .{1,40})",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"(?:best regards|kind regards|warm regards|regards|best wishes|best|cheers|sincerely"
    r"|yours sincerely|yours truly|с уважением|с наилучшими пожеланиями|всего доброго"
    r"|всего наилучшего)\s*[,.!]?",
    re.IGNORECASE,
)
_POSTSCRIPT = re.compile(r"p\.?\s?s\b|п\.?\s?с\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reply:
    visible: str
    quoted: str
    signature: str


def split_reply(text: str, *, forwarded: bool = False) -> Reply:
    """Visible text, quoted history and signature of a plain-text body.

    A forwarded message (`forwarded`, or a forward marker above any quote header) is content,
    so nothing is cut as quoted history then; only a trailing signature is separated.
    """
    head = text[:SCAN_CHARS]
    lines = head.split("\n")
    cut = None if forwarded else find_quote_start(lines, complete=len(head) == len(text))
    if cut is None:
        visible, quoted = text, ""
    else:
        offset = sum(len(line) + 1 for line in lines[:cut])
        visible, quoted = text[:offset], text[offset:]
    if not visible.strip():
        visible, quoted = text, ""
    quoted, late_signature = _split_trailing_signature(quoted) if quoted else ("", "")
    body, signature = split_signature(visible)
    signature = "\n\n".join(part for part in (signature, late_signature) if part)
    return Reply(body, quoted.strip("\n"), signature)


def starts_with_forward(text: str) -> bool:
    """Whether the first line of `text` is a forwarded-message marker."""
    first = text.lstrip().split("\n", 1)[0].strip()
    return bool(_FORWARD.match(first))


def find_quote_start(lines: list[str], *, complete: bool = True) -> int | None:
    """Index of the first line of quoted history, or None to keep everything visible.

    `complete` says `lines` reach the end of the text, so a trailing ">" block can be judged.
    """
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        if _FORWARD.match(stripped):
            return None
        if _SEPARATOR.fullmatch(stripped) or _is_outlook_header(lines, index):
            return index
        span = _attribution_span(lines, index)
        if span and not _reply_below(lines, index + span):
            return index
    return _trailing_quote_start(lines) if complete else None


def _is_outlook_header(lines: list[str], index: int) -> bool:
    """A "From: / Sent: / To: / Subject:" block, alone or under a line of underscores."""
    start: int | None = index
    if _UNDERSCORES.fullmatch(lines[index].strip()):
        start = _next_nonblank(lines, index + 1)
    if start is None or not _FROM_LINE.fullmatch(lines[start].strip()):
        return False
    following = [line.strip() for line in lines[start + 1 : start + 7]]
    sent = any(_SENT_LINE.match(line) for line in following)
    return sent and any(_TO_LINE.match(line) for line in following)


def _next_nonblank(lines: list[str], index: int) -> int | None:
    for position in range(index, min(len(lines), index + 3)):
        if lines[position].strip():
            return position
    return None


def _attribution_span(lines: list[str], index: int) -> int:
    """How many lines (clients wrap long ones) form a dated quote header starting here."""
    candidate = ""
    for span in range(1, _MAX_HEADER_LINES + 1):
        if index + span > len(lines):
            return 0
        line = lines[index + span - 1].strip()
        if span > 1 and (not line or line.startswith(">")):
            return 0
        candidate = f"{candidate} {line}".strip()
        if len(candidate) > _MAX_CANDIDATE:
            return 0
        if candidate.endswith(":") and any(p.fullmatch(candidate) for p in _ATTRIBUTIONS):
            return span
    return 0


def _reply_below(lines: list[str], start: int) -> bool:
    """Whether the author wrote below quoted lines (bottom-posting or inline answers); a
    signature placed under the quote does not count."""
    seen_quote = False
    for line in lines[start:]:
        stripped = line.strip()
        if stripped.startswith(">"):
            seen_quote = True
        elif _DELIMITER.fullmatch(line.rstrip("\r")):
            return False
        elif stripped and seen_quote:
            return True
    return False


def _split_trailing_signature(quoted: str) -> tuple[str, str]:
    """A "-- " signature the author's client put under the quoted history."""
    lines = quoted.split("\n")
    for index in range(len(lines) - 1, max(0, len(lines) - _SIGNATURE_WINDOW), -1):
        if _DELIMITER.fullmatch(lines[index].rstrip("\r")):
            if any(line.lstrip().startswith(">") for line in lines[:index]):
                return "\n".join(lines[:index]).rstrip(), "\n".join(lines[index:]).strip()
            break
    return quoted, ""


def _trailing_quote_start(lines: list[str]) -> int | None:
    """Start of a ">" block that ends the text, with the attribution line above it."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (not lines[start - 1].strip() or lines[start - 1].lstrip().startswith(">")):
        start -= 1
    while start < end and not lines[start].strip():
        start += 1
    if start >= end:
        return None
    for span in range(1, _MAX_HEADER_LINES + 1):
        above = " ".join(line.strip() for line in lines[max(0, start - span) : start])
        if start - span >= 0 and _WEAK_ATTRIBUTION.fullmatch(above):
            return start - span
    return start


def split_signature(text: str) -> tuple[str, str]:
    """(body, signature): a "-- " block, a "Sent from my iPhone" line or a short closing.

    Only the last lines are searched, and a cut that would leave no body is not made.
    """
    lines = text.rstrip().split("\n")
    first = max(1, len(lines) - _SIGNATURE_WINDOW)
    for index in range(first, len(lines)):
        if _is_signature_start(lines, index) and "".join(lines[:index]).strip():
            body = "\n".join(lines[:index]).strip("\n").rstrip()
            return body, "\n".join(lines[index:]).strip()
    return text.strip("\n").rstrip(), ""


def _is_signature_start(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    delimiter = bool(_DELIMITER.fullmatch(lines[index].rstrip("\r")))
    mobile = bool(_MOBILE.fullmatch(line))
    closing = bool(_CLOSING.fullmatch(line))
    if not (delimiter or mobile or closing):
        return False  # most lines: the lines below need not be looked at
    rest = [other.strip() for other in lines[index + 1 :] if other.strip()]
    if (delimiter and len(rest) <= 15) or (mobile and len(rest) <= 3):
        return True
    if not closing or len(rest) > 6:
        return False
    return not any(_POSTSCRIPT.match(other) or len(other) > 80 for other in rest)
