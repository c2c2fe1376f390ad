"""The language a text, or a client's mail, is written in: what the reply check compares a
reply with, and what Tandem's own automatic mail answers a client in.

Tandem's languages differ by alphabet (Cyrillic for Russian, Latin for English), so the language
of a paragraph is the alphabet most of its letters are in; paragraphs too short to tell (a name,
"OK", a product name) are left out, and so are links, addresses and everything quoted. It only
reads; it never decides what to do with the answer.
"""

import re

from sqlmodel import Session, col, select

from app.core.models import Conversation, Direction, Message

#: Fewer letters than this and a paragraph says nothing about its language.
_ENOUGH_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Links and addresses are Latin in any language.
_LINKS = re.compile(r"\S+://\S+|\S+@\S+")
#: How many of the client's latest messages are read before giving up.
_LATEST = 3


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


def client_writes_in(session: Session, conversation: Conversation) -> str | None:
    """The language of the client's latest mail that says (the last paragraph long enough to
    tell), or None when none of their latest messages does."""
    latest = session.exec(
        select(Message.visible_text)
        .where(
            Message.conversation_id == conversation.id,
            Message.direction == Direction.INBOUND,
        )
        .order_by(col(Message.id).desc())
        .limit(_LATEST)
    ).all()
    for text in latest:
        languages = text_languages(text)
        if languages:
            return languages[-1]
    return None
