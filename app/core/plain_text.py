"""Rules for text that crosses a boundary. A database stores UTF-8, which has no form for a lone
UTF-16 surrogate (JSON can still write one, `"\\ud800"`), and PostgreSQL refuses NUL in text:
such input is refused where it enters (`app.http.text_input`, the multipart readers), never
left to fail at storage. A mail header is one line: a subject or a name that came with line
breaks (a client's encoded subject can carry them) is written on one line, so it can neither
inject a header nor make the message unwritable. Text that is one line by nature (a name, a
subject, an address, a URL) is refused with line breaks where it enters (`ONE_LINE`), so a
request can never smuggle a header through it."""

import re

from pydantic import AfterValidator

from app.core.i18n import gettext as _

_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def why_unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains a lone surrogate (\\u{ord(text[exc.start]):04x}), which is no text"
    return None


def one_line(text: str) -> str:
    """`text` for a mail header: line breaks, NUL and other control characters become one
    space each run, and the ends are trimmed."""
    return _BREAKS.sub(" ", text).strip()


def is_one_line(text: str) -> bool:
    """Whether `text` fits a mail header as it is: no line break, no control character."""
    return _BREAKS.search(text) is None


def _refuse_breaks(text: str) -> str:
    if not is_one_line(text):
        raise ValueError(_("must be one line, without line breaks or control characters"))
    return text


ONE_LINE = AfterValidator(_refuse_breaks)
"""Marks a str of a request schema as one line by nature. It goes last, after the field's
length limits (`Annotated[str, Field(max_length=200), ONE_LINE]`), so those are checked as a
string's and read "String should have at most 200 characters"."""
