"""Who an @mention names, and telling them.

A mention must name exactly one active member of the note's workspace: an unknown, outside or
ambiguous one is refused (Invalid, naming the candidates) before anything is stored, so a note
never silently mentions nobody, nor the wrong person. Email matches the login exactly; a name
matches a full name, or failing that a first name, without regard to case.
"""

import re
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.core import notice_text
from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Note, User, id_of
from app.core.notice_text import new_notification
from app.core.notices import notify
from notes.lookalikes import skeleton
from notes.markup import Mention, find_mentions

_NAME_JOINERS = re.compile(r"[._-]+")


def resolve_mentions(session: Session, *, workspace_id: int, mentions: list[Mention]) -> list[User]:
    """The users named, in order and each once; every problem is reported in one message."""
    members = _members(session, workspace_id)
    found: dict[int, User] = {}
    problems = []
    for mention in mentions:
        candidates = _candidates(members, mention)
        if len(candidates) == 1:
            found.setdefault(id_of(candidates[0]), candidates[0])
        elif not candidates:
            problems.append(
                _("%(mention)s is not a member of this workspace") % {"mention": mention.text}
            )
        else:
            names = ", ".join(f"{user.name} <{user.email}>" for user in candidates)
            problems.append(
                _("%(mention)s is ambiguous (%(names)s): mention by email")
                % {"mention": mention.text, "names": names}
            )
    if problems:
        raise Invalid("; ".join(problems))
    return list(found.values())


def mentioned_members(session: Session, *, workspace_id: int, text: str) -> list[User]:
    """Active members an @mention in `text` names, without judging the rest: the pre-send check
    asks whether a reply addresses a teammate, not whether every @word is a person."""
    members = _members(session, workspace_id)
    named: dict[int, User] = {}
    for mention in find_mentions(text):
        for user in _candidates(members, mention):
            named.setdefault(id_of(user), user)
    return list(named.values())


def _members(session: Session, workspace_id: int) -> Sequence[User]:
    return session.exec(
        select(User)
        .where(User.workspace_id == workspace_id, col(User.is_active).is_(True))
        .order_by(col(User.id))
    ).all()


def _folded(name: str) -> str:
    """A name as it reads, with `.`, `_` and `-` between its parts read as spaces, so
    `@anna.petrova`, and `@Anna` written with a Cyrillic A, both name Anna Petrova."""
    return skeleton(_NAME_JOINERS.sub(" ", name))


def _candidates(members: Sequence[User], mention: Mention) -> list[User]:
    """A full name beats a first name, so "@Anna" names a user called just "Anna" even when
    there is also an "Anna Petrova"."""
    if mention.is_email:
        address = skeleton(mention.handle)
        return [user for user in members if skeleton(user.email) == address]
    wanted = _folded(mention.handle)
    full = [user for user in members if _folded(user.name) == wanted]
    if full:
        return full
    return [user for user in members if _folded(user.name).partition(" ")[0] == wanted]


def notify_mentioned(
    session: Session,
    *,
    note: Note,
    users: list[User],
    author: User,
    subject: str,
    now: datetime,
) -> None:
    """One notification per user; the author is never told about their own mention."""
    for user in users:
        if user.id == author.id:
            continue
        notice = new_notification(
            workspace_id=note.workspace_id,
            user_id=id_of(user),
            conversation_id=note.conversation_id,
            kind=notice_text.MENTION,
            params=notice_text.mentioned(subject.strip(), author.name),
            now=now,
        )
        notify(session, notice, now=now)
