"""A reply in another language than the client's is pointed out before it goes: the usual cause
is a canned reply in the wrong language (an English template in a Russian conversation), or one
pasted into a reply written in the other language.

Tandem's languages differ by alphabet (Cyrillic for Russian, Latin for English), so the language
of a paragraph is the alphabet most of its letters are in; paragraphs too short to tell (a name,
"OK", a product name) are left out, and so are links, addresses and everything quoted.
"""

import re

from sqlmodel import Session, col, select

from app.core.errors import Conflict
from app.core.i18n import gettext as _
from app.core.models import Conversation, Direction, Mailbox, Message
from inbox.templates import client_language

#: Fewer letters than this and a paragraph says nothing about its language.
_ENOUGH_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Links and addresses are Latin in any language.
_LINKS = re.compile(r"\S+://\S+|\S+@\S+")


def text_languages(text: str) -> list[str]:
    """The language of each paragraph long enough to tell, in order ("en", "ru")."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        own = "\n".join(line for line in paragraph.splitlines() if not line.startswith(">"))
        letters = _LETTER.findall(_LINKS.sub(" ", own))
        if len(letters) < _ENOUGH_LETTERS:
            continue
        cyrillic = sum(1 for letter in letters if _CYRILLIC.match(letter))
        found.append("ru" if cyrillic * 2 > len(letters) else "en")
    return found


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
    client = _client_language(session, conversation)
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


def _client_language(session: Session, conversation: Conversation) -> str:
    latest = session.exec(
        select(Message.visible_text)
        .where(
            Message.conversation_id == conversation.id,
            Message.direction == Direction.INBOUND,
        )
        .order_by(col(Message.id).desc())
        .limit(3)
    ).all()
    for text in latest:
        languages = text_languages(text)
        if languages:
            return languages[-1]
    mailbox = session.get(Mailbox, conversation.mailbox_id)
    return client_language(session, mailbox) if mailbox is not None else "en"
