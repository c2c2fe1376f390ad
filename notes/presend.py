"""The pre-send check: a reply (or a canned reply) that repeats a sentence of one of the
conversation's internal notes, or @mentions a teammate, is probably internal context about to
reach the client, so it is held until the agent confirms.

Only sentences of four words or more count, compared without regard to case, spacing or the
punctuation around them, so "Thanks!" in a note never holds a reply. They are compared as they
read (`notes.lookalikes`): a zero-width space, a soft hyphen, a fullwidth form or a Cyrillic
letter standing in for a Latin one does not get a note's sentence past the check.
"""

import re

from sqlmodel import Session

from app.core.i18n import gettext as _
from notes.lookalikes import skeleton, visible
from notes.mentions import mentioned_members
from notes.notes import note_texts

MIN_WORDS = 4
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def _normalized(text: str) -> str:
    return " ".join(text.casefold().split())


def note_sentences(note: str) -> list[str]:
    """The note's sentences worth guarding, normalized; list markers and quotes dropped."""
    sentences = []
    for part in _SENTENCE_END.split(note):
        sentence = _EDGE.sub("", _normalized(part))
        if len(sentence.split()) >= MIN_WORDS:
            sentences.append(sentence)
    return sentences


def reply_warnings(
    session: Session, *, workspace_id: int, conversation_id: int | None, text: str
) -> list[str]:
    """Why `text` should not go to the client as it is; empty when it may."""
    warnings = []
    said = skeleton(text)
    notes = note_texts(session, conversation_id) if conversation_id is not None else []
    repeated = [s for note in notes for s in note_sentences(note) if skeleton(s) in said]
    for sentence in dict.fromkeys(repeated):
        warnings.append(_("it repeats an internal note: “%(sentence)s”") % {"sentence": sentence})
    for user in mentioned_members(session, workspace_id=workspace_id, text=visible(text)):
        warnings.append(
            _("it @mentions your teammate %(name)s") % {"name": user.name or user.email}
        )
    return warnings
