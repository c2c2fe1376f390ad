# ruff: noqa: RUF001, RUF003 - Russian quote headers and closings are intended
"""The part of a reply its author wrote: plain text split into visible text, quoted history and
signature.

Owns the quote headers of Gmail, Outlook, Apple Mail, Thunderbird, Yandex, Mail.ru, Zoho and
Android mail clients in English, Russian, German and French, ">" blocks (above or below the
answer), and signature detection. It is conservative by contract: a header is trusted only in
the shape a client writes it (followed by a ">" block, or naming an address), inline answers and
forwarded messages stay visible, and only a message that is nothing but quoted history has an
empty visible part. Work is capped, so a huge body costs no more than its head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Quote headers are looked for in this much of the text; the rest follows the verdict.
SCAN_CHARS = 100_000
_MAX_HEADER_LINES = 3
_MAX_CANDIDATE = 400
_SIGNATURE_WINDOW = 20
# A dash header is looked for this far around its verb, so a line of dashes costs little.
_DASH_WINDOW = 400

_ATTRIBUTIONS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # Gmail, Apple Mail, Thunderbird (EN): "On Mon, 3 Mar 2025 at 10:00, Anna <a@b> wrote:"
        r"on\b(?=\D{0,300}\d).{3,300}\b(?:wrote|writes|said)\s*:",
        # Gmail, Apple Mail, Thunderbird (DE): "Am Mo., 3. März 2025 um 10:00 Uhr schrieb Anna:"
        r"am\b(?=\D{0,40}\d).{3,300}\bschrieb\b.{0,300}:",
        # Gmail, Apple Mail, Thunderbird (FR): "Le lun. 3 mars 2025 à 10:00, Anna a écrit :"
        r"le\b(?=\D{0,40}\d).{3,300}\ba\s+écrit\s*:",
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
# An address in a quote header: what makes it a client's header rather than a sentence.
_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:]+@[^\s<>()\[\]\"',;:]+\.[^\s<>()\[\]\"',;:]+")
# Zoho and Android clients: "---- On Mon, 03 Mar 2025 10:00 Anna <a@b> wrote ----" or
# "---- Anna wrote ----", on their own line or run into the text when line breaks were lost.
_DASH_VERB = re.compile(
    r"\b(?:wrote|schrieb|a\s+écrit|написал\(а\)|написала|написал|пишет)", re.IGNORECASE
)
_DASH_ATTRIBUTION = re.compile(
    r"-{3,}[ \t]*[^\s-][^\n]{0,300}?[ \t](?:wrote|schrieb|a\s+écrit|написал\(а\)|написала"
    r"|написал|пишет)[ \t]*-{3,}",
    re.IGNORECASE,
)
# "Anna wrote:" without a date: trusted only right above a ">" block.
_WEAK_ATTRIBUTION = re.compile(
    r".{1,300}(?:\bwrote|\bwrites|\bschrieb|a\s+écrit|пишет|написал|написала|написал\(а\)"
    r"|<[^<>@\s]+@[^<>\s]+>)\s*:",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"-{3,}\s*(?:original message|исходное сообщение|ursprüngliche nachricht"
    r"|message d'origine)\s*-{3,}",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"_{10,}")
_FROM_LINE = re.compile(r"\*?(?:from|от|von|de)\s*:\*?\s*\S.*", re.IGNORECASE)
_SENT_LINE = re.compile(r"\*?(?:sent|date|отправлено|дата|gesendet|envoyé)\s*:", re.IGNORECASE)
_TO_LINE = re.compile(r"\*?(?:to|subject|кому|тема|an|betreff|à|objet)\s*:", re.IGNORECASE)
_FORWARD = re.compile(
    r"-{2,}\s*(?:forwarded message|пересылаемое сообщение|пересланное сообщение"
    r"|перенаправленное сообщение|weitergeleitete nachricht|message transféré)\s*-{2,}"
    r"|(?:begin forwarded message|начало переадресованного сообщения)\s*:",
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
    """`visible` is empty only when the message is nothing but quoted history."""

    visible: str
    quoted: str
    signature: str


@dataclass(frozen=True, slots=True)
class Quote:
    """Where the quoted history is: from `column` of `line` to the line `end` (exclusive), or
    to the end of the text when `end` is None. A dash header can start mid-line."""

    line: int
    column: int
    end: int | None


def split_reply(text: str, *, forwarded: bool = False) -> Reply:
    """Visible text, quoted history and signature of a plain-text body.

    A forwarded message (`forwarded`, or a forward marker above any quote header) is content,
    so nothing is cut as quoted history then; only a trailing signature is separated. The
    answer of a bottom-posted reply is visible whether it is above or below the quote.
    """
    head = text[:SCAN_CHARS]
    lines = head.split("\n")
    quote = None if forwarded else find_quote(lines, complete=len(head) == len(text))
    if quote is None:
        visible, quoted = text, ""
    else:
        start = _offset(lines, quote.line) + quote.column
        stop = len(text) if quote.end is None else _offset(lines, quote.end)
        visible, quoted = _joined(text[:start], text[stop:]), text[start:stop]
    body, signature = split_signature(visible)
    return Reply(body, quoted.strip("\n"), signature)


def starts_with_forward(text: str) -> bool:
    """Whether the first line of `text` is a forwarded-message marker."""
    first = text.lstrip().split("\n", 1)[0].strip()
    return bool(_FORWARD.match(first))


def _offset(lines: list[str], index: int) -> int:
    return sum(len(line) + 1 for line in lines[:index])


def _joined(above: str, below: str) -> str:
    return "\n\n".join(part for part in (above.rstrip(), below.strip("\n")) if part.strip())


def find_quote(lines: list[str], *, complete: bool = True) -> Quote | None:
    """Where the quoted history is, or None to keep everything visible.

    `complete` says `lines` reach the end of the text, so a ">" block that runs to the end of
    `lines` without a header above it can be judged.
    """
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">"):
            return _quote_block(lines, _weak_start(lines, index), index, complete=complete)
        if _FORWARD.match(stripped):
            return None
        column = _dash_attribution(line)
        if column is not None:
            return Quote(index, column, None)
        if _SEPARATOR.fullmatch(stripped) or _is_outlook_header(lines, index):
            return Quote(index, 0, None)
        span = _attribution_span(lines, index)
        if not span:
            continue
        following = _next_nonblank(lines, index + span)
        if following is not None and lines[following].lstrip().startswith(">"):
            return _quote_block(lines, index, following, complete=complete)
        if _ADDRESS.search(" ".join(lines[index : index + span])):
            return Quote(index, 0, None)
    return None


def _dash_attribution(line: str) -> int | None:
    """Where a "---- … wrote ----" header starts in `line`, if it has one."""
    for verb in _DASH_VERB.finditer(line):
        low = max(0, verb.start() - _DASH_WINDOW)
        found = _DASH_ATTRIBUTION.search(line, low, verb.end() + _DASH_WINDOW)
        if found:
            return found.start()
    return None


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


def _weak_start(lines: list[str], first: int) -> int:
    """The first line of an undated header ("Anna wrote:") right above the ">" line `first`,
    else `first` itself."""
    above = first
    while above and not lines[above - 1].strip():
        above -= 1
    for span in range(1, _MAX_HEADER_LINES + 1):
        chunk = lines[max(0, above - span) : above]
        if above - span < 0 or not chunk[0].strip():
            break
        if _WEAK_ATTRIBUTION.fullmatch(" ".join(line.strip() for line in chunk)):
            return above - span
    return first


def _quote_block(lines: list[str], start: int, first: int, *, complete: bool) -> Quote | None:
    """The ">" block from line `first` (its header from `start`), judged by what surrounds it.

    Nothing written below: the quote runs to the end (a top-posted reply, or only a quote).
    An answer below and nothing above: a bottom-posted reply, the quote is only the block.
    Text on both sides, or more ">" lines below the answer: inline answers, nothing is cut.
    """
    last = first
    for position in range(first, len(lines)):
        stripped = lines[position].strip()
        if stripped.startswith(">"):
            last = position
        elif stripped:
            break
    below = _above_signature(lines[last + 1 :])
    if not any(line.strip() for line in below):
        if last + 1 + len(below) < len(lines):
            return Quote(start, 0, last + 1)  # the author's signature under the quote
        return Quote(start, 0, None) if complete or start < first else None
    if any(line.lstrip().startswith(">") for line in below):
        return None
    if "".join(lines[:start]).strip():
        return None
    return Quote(start, 0, last + 1)


def _above_signature(lines: list[str]) -> list[str]:
    """`lines` up to a "-- " signature delimiter."""
    for index, line in enumerate(lines):
        if _DELIMITER.fullmatch(line.rstrip("\r")):
            return lines[:index]
    return lines


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
