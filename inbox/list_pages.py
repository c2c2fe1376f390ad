"""A page of a view (or of a search) with the opaque cursor of the page after it: the one
paging that `GET /api/v1/conversations` and the inbox page share, so both walk every
conversation of a view the same way and a cursor of one works in the other.

A view pages by key on (last activity, id), so its pages stay stable while new mail
arrives; a search pages by offset in rank order, as rank has no key to resume from. The
cursor is opaque to callers; a cursor that is not one of ours is refused as Invalid.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.core.errors import Invalid
from app.core.models import Conversation, User
from inbox.search import search_conversations
from inbox.views import InboxFilter, list_view


@dataclass(frozen=True)
class ListPage:
    items: list[Conversation]
    #: Search only: each match's highlighted passage (escaped HTML with <mark>).
    highlights: dict[int, str]
    next_cursor: str | None


def list_page(
    *,
    session: Session,
    user: User,
    inbox: InboxFilter,
    q: str | None,
    cursor: str | None,
    limit: int,
) -> ListPage:
    """The page of the view (of its matches for `q`) that `cursor` points at; the first
    without one."""
    if q:
        offset = _decode_search_cursor(cursor) if cursor else 0
        found = search_conversations(
            session=session, user=user, inbox=inbox, q=q, limit=limit, offset=offset
        )
        following = found.next_offset
        return ListPage(
            found.items,
            found.highlights,
            None if following is None else _encode_search_cursor(following),
        )
    after = _decode_cursor(cursor) if cursor else None
    rows = list_view(session=session, user=user, inbox=inbox, limit=limit + 1, after=after)
    page = rows[:limit]
    return ListPage(page, {}, _encode_cursor(page[-1]) if len(rows) > limit else None)


def _encode_cursor(conversation: Conversation) -> str:
    stamp = conversation.last_message_at.isoformat() if conversation.last_message_at else ""
    return base64.urlsafe_b64encode(f"{stamp}|{conversation.id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(stamp), int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("invalid cursor: pass back the next_cursor of a previous page") from None


def _encode_search_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"search|{offset}".encode()).decode()


def _decode_search_cursor(cursor: str) -> int:
    try:
        kind, _, offset = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        if kind == "search" and offset.isdigit() and len(offset) <= 9:
            return int(offset)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise Invalid("invalid cursor: pass back the next_cursor of a previous search page")
