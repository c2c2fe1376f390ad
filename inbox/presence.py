"""Collision detection, so two agents do not answer one client twice: who is looking at (or
typing in) a conversation right now, and whether a teammate's reply to it is still waiting to
go out (`hold_double_reply`, one of the reply's pre-send checks).

Presence is rows (`Presence`), one per browser tab, that expire `TTL` after the tab's last
refresh, so every process sees every tab. A change in who is there (someone arrives, starts or
stops typing, leaves, or their tab stops refreshing) is announced to the workspace's tabs as a
`presence` event carrying the whole list; refreshes that change nothing announce nothing.
Functions flush, never commit.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.core.errors import Conflict
from app.core.i18n import ngettext
from app.core.live import Live, publish
from app.core.models import Conversation, Message, MessageState, Presence, User, id_of

#: A tab that has not refreshed its presence for this long has gone.
TTL = timedelta(seconds=20)
#: A reply in one of these states has not reached the client yet.
UNSENT = (MessageState.QUEUED, MessageState.SENDING)


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    typing: bool


class TeammateSending(Conflict):
    """The double-reply hold: names whose replies are about to go, so a page can ask in its
    own words ("Ben Carter is sending a reply: send anyway?")."""

    def __init__(self, message: str, names: list[str]) -> None:
        super().__init__(message)
        self.names = names


@dataclass(frozen=True)
class PendingReply:
    message_id: int
    author_id: int
    author_name: str
    send_after: datetime | None


def refresh(
    session: Session,
    *,
    conversation: Conversation,
    user: User,
    tab: str = "",
    typing: bool,
    now: datetime,
) -> list[Viewer]:
    """Records that the tab shows the conversation (for `TTL` more); returns the teammates
    there, the user's own other tabs left out."""
    conversation_id = id_of(conversation)
    before = viewers(session, conversation_id=conversation_id, now=now)
    values = {
        "workspace_id": conversation.workspace_id,
        "conversation_id": conversation_id,
        "user_id": id_of(user),
        "tab": tab,
        "typing": typing,
        "expires_at": now + TTL,
    }
    session.execute(_upsert(session, values))
    after = _announce_change(session, conversation, before, now)
    return [viewer for viewer in after if viewer.user_id != user.id]


def leave(
    session: Session, *, conversation: Conversation, user: User, tab: str = "", now: datetime
) -> None:
    """The tab closed or moved on: gone at once rather than when it expires."""
    conversation_id = id_of(conversation)
    before = viewers(session, conversation_id=conversation_id, now=now)
    session.execute(
        delete(Presence).where(
            col(Presence.conversation_id) == conversation_id,
            col(Presence.user_id) == user.id,
            col(Presence.tab) == tab,
        )
    )
    _announce_change(session, conversation, before, now)


def expire(session: Session, *, now: datetime) -> int:
    """Deletes the rows of tabs that stopped refreshing and announces who is left in each
    conversation they were in; returns how many rows went. Run by the scheduler: a row deleted
    by another process first is simply not returned here."""
    gone = session.execute(
        delete(Presence)
        .where(col(Presence.expires_at) <= now)
        .returning(col(Presence.conversation_id), col(Presence.workspace_id))
    ).all()
    for conversation_id, workspace_id in sorted(set(gone)):
        _publish(
            session,
            workspace_id,
            conversation_id,
            viewers(session, conversation_id=conversation_id, now=now),
        )
    return len(gone)


def viewers(session: Session, *, conversation_id: int, now: datetime) -> list[Viewer]:
    """Everyone with a live tab on the conversation, each once (typing in any of their tabs)."""
    rows = session.exec(
        select(Presence.user_id, User.name, User.email, Presence.typing)
        .join(User, col(User.id) == col(Presence.user_id))
        .where(col(Presence.conversation_id) == conversation_id, col(Presence.expires_at) > now)
    ).all()
    people: dict[int, Viewer] = {}
    for user_id, name, email, typing in rows:
        seen = people.get(user_id)
        people[user_id] = Viewer(user_id, name or email, typing or bool(seen and seen.typing))
    return [people[user_id] for user_id in sorted(people)]


def teammates_sending(
    session: Session, *, conversation_id: int, user_id: int
) -> list[PendingReply]:
    """Replies of other agents to the conversation that have not gone out yet (in their undo
    window, or being sent right now)."""
    rows = session.execute(
        sa_select(
            col(Message.id),
            col(User.id),
            col(User.name),
            col(User.email),
            col(Message.send_after),
        )
        .join(User, col(User.id) == col(Message.sent_by_user_id))
        .where(
            col(Message.conversation_id) == conversation_id,
            col(Message.state).in_(UNSENT),
            col(Message.sent_by_user_id) != user_id,
        )
        .order_by(col(Message.id))
    ).all()
    return [
        PendingReply(message_id, author_id, name or email, send_after)
        for message_id, author_id, name, email, send_after in rows
        if message_id is not None and author_id is not None
    ]


def hold_double_reply(
    session: Session, *, conversation_id: int | None, user: User, confirmed: bool = False
) -> None:
    """Raises TeammateSending (a Conflict, 409) naming the teammate whose reply is about to go,
    unless the agent confirmed (the same `confirm` that lets a reply past the internal-context
    check)."""
    if confirmed or conversation_id is None:
        return
    pending = teammates_sending(session, conversation_id=conversation_id, user_id=id_of(user))
    if pending:
        names = list(dict.fromkeys(reply.author_name for reply in pending))
        said = ngettext(
            "%(names)s is sending a reply to this conversation: send yours anyway? If so, send "
            'it again with "confirm": true.',
            "%(names)s are sending a reply to this conversation: send yours anyway? If so, send "
            'it again with "confirm": true.',
            len(names),
        )
        raise TeammateSending(said % {"names": ", ".join(names)}, names)


def _announce_change(
    session: Session, conversation: Conversation, before: list[Viewer], now: datetime
) -> list[Viewer]:
    after = viewers(session, conversation_id=id_of(conversation), now=now)
    if after != before:
        _publish(session, conversation.workspace_id, id_of(conversation), after)
    return after


def _publish(
    session: Session, workspace_id: int, conversation_id: int, present: list[Viewer]
) -> None:
    publish(
        session,
        workspace_id=workspace_id,
        kind=Live.PRESENCE,
        conversation_id=conversation_id,
        data={"viewers": [asdict(viewer) for viewer in present]},
    )


def _upsert(session: Session, values: dict[str, Any]) -> Any:
    """One row per tab, whichever process refreshes it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Presence).values(**values)
    return statement.on_conflict_do_update(
        index_elements=["conversation_id", "user_id", "tab"],
        set_={"typing": values["typing"], "expires_at": values["expires_at"]},
    )
