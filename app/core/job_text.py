"""What a background job tells a person later: why a reply was not sent, why a webhook was not
delivered, why a mailbox waits. A job has no reader, so it stores the sentence in English, as
the API shows it; every such sentence is a catalog message written through `said`, and a page
writes it again in its reader's language through `readable`, which finds the message and its
values in the stored English. The values (a remote server's own words) stay as they came.

A stored text no message here matches (a remote error as it was, a row from an older
version) is shown as it is. Only these sentences are read back, so a job that tells a person
something new adds its sentence to `_SENTENCES`.
"""

import re
from functools import cache

from app.core.i18n import gettext as _


def N_(message: str) -> str:
    """Marks a message for the catalog; it is translated when read."""
    return message


SEND_INTERRUPTED = N_(
    "sending was interrupted; check the mailbox's Sent folder before sending it again"
)
SEND_FAULT = N_("Tandem could not send it (%(error)s)")
AWAITING_GOOGLE = N_("Waiting for Google authorization")
RECONNECT = N_("Reconnect this mailbox: %(reason)s")
DISCONNECTED = N_("disconnected by an admin")
WEBHOOK_REFUSED = N_("refused: %(reason)s")
WEBHOOK_UNRESOLVED = N_("cannot resolve the webhook's host: %(error)s")
WEBHOOK_INACTIVE = N_("the webhook is inactive")

_SENTENCES = (
    SEND_INTERRUPTED,
    SEND_FAULT,
    AWAITING_GOOGLE,
    RECONNECT,
    DISCONNECTED,
    WEBHOOK_REFUSED,
    WEBHOOK_UNRESOLVED,
    WEBHOOK_INACTIVE,
)
_VALUE = re.compile(r"%\((\w+)\)s")


def said(message: str, **values: str) -> str:
    """The sentence as stored: English, with its values."""
    return message % values if values else message


def readable(text: str | None) -> str:
    """The stored sentence in the reader's language; a value that is itself one of these
    sentences is translated too."""
    if not text:
        return ""
    for message, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found is None:
            continue
        values = {name: readable(value) for name, value in found.groupdict().items()}
        return _(message) % values if values else _(message)
    return text


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    compiled = []
    for message in _SENTENCES:
        parts = _VALUE.split(message)
        regex = "".join(
            f"(?P<{part}>.*)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
        )
        compiled.append((message, re.compile(regex, re.DOTALL)))
    return tuple(compiled)
