"""A reply in another language than the client's is pointed out before it goes: the usual cause
is a canned reply in the wrong language (an English template in a Russian conversation), or one
pasted into a reply written in the other language.

The languages are told apart by `inbox.written_language`.
"""

from sqlmodel import Session

from app.core.errors import Conflict
from app.core.i18n import gettext as _
from app.core.models import Conversation
from inbox.templates import answering_language
from inbox.written_language import text_languages


def hold_other_language(
    session: Session, *, conversation: Conversation, text: str, confirmed: bool
) -> None:
    """Raises Conflict (409) naming the languages, unless the agent confirmed: a reply that mixes
    two languages, or is written in another language than the client's last message (or, before
    the client wrote anything long enough, than the mailbox writes in)."""
    if confirmed:
        return
    written = list(dict.fromkeys(text_languages(text)))
    if not written:
        return
    client = answering_language(session, conversation)
    if len(written) > 1:
        raise Conflict(_mixed(written[0]))
    if written[0] != client:
        raise Conflict(_other(written[0]))


def _mixed(first: str) -> str:
    """Whole sentences for each case, so a language names the two in its own grammar."""
    if first == "ru":
        return _(
            "held before it reaches the client: the reply is partly in Russian and English (a "
            'canned reply in another language?). If that is meant, send it again with "confirm": '
            "true."
        )
    return _(
        "held before it reaches the client: the reply is partly in English and Russian (a "
        'canned reply in another language?). If that is meant, send it again with "confirm": '
        "true."
    )


def _other(written: str) -> str:
    if written == "ru":
        return _(
            "held before it reaches the client: the reply is in Russian, but the client writes in "
            "English (a canned reply in another language?). If that is meant, send it again with "
            '"confirm": true.'
        )
    return _(
        "held before it reaches the client: the reply is in English, but the client writes in "
        "Russian (a canned reply in another language?). If that is meant, send it again with "
        '"confirm": true.'
    )
