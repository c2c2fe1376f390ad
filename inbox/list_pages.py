"""A page of a view (or of a search) with the opaque cursor of the page after it: the one
paging that `GET /api/v1/conversations` and the inbox page share, so both walk every
conversation of a view the same way and a cursor of one works in the other.

A view pages by key, urgent conversations first and then the rest, each by (last activity, id),
so its pages stay stable while new mail arrives; a search pages by offset in rank order, as
rank has no key to resume from. The cursor is opaque to callers; a cursor that is not one of
ours is refused as Invalid.

A view's cursor names the part its last row was in, that row's key and the urgent
conversations shown so far (up to MAX_SHOWN; past that, "*"): with them, a walk shows every
conversation once even when one is raised to urgent or lowered between its pages (see
`inbox.views.Resume`). A cursor of the earlier form (key only, from before urgent came first)
is still accepted: it goes on with the rest of the walk it began, every priority by activity.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Conversation, User
from inbox.search import search_conversations
from inbox.views import InboxFilter, Resume, list_view

# Past this many urgent conversations shown, a cursor stops carrying them (at most about
# 1,500 characters of cursor, within the API's 2,000): the rest then leaves out every urgent
# one, each page showing the priorities as they are when it is read.
MAX_SHOWN = 100


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
    listed = list_view(session=session, user=user, inbox=inbox, limit=limit + 1, after=after)
    more = len(listed.rows) > limit
    return ListPage(listed.rows[:limit], {}, _encode_cursor(listed.after(limit)) if more else None)


def _encode_cursor(walk: Resume) -> str:
    shown = walk.shown
    carried = "*" if shown is None or len(shown) > MAX_SHOWN else ",".join(map(str, sorted(shown)))
    stamp, ident = (walk.key[0].isoformat(), str(walk.key[1])) if walk.key else ("", "")
    text = f"{'urgent' if walk.urgent else 'rest'}|{stamp}|{ident}|{carried}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode_cursor(cursor: str) -> Resume:
    try:
        fields = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        if len(fields) == 2:  # the earlier form: a walk by activity alone
            return Resume(urgent=False, key=_key(*fields), shown=frozenset())
        part, stamp, ident, carried = fields
        if part in ("urgent", "rest"):
            return Resume(urgent=part == "urgent", key=_key(stamp, ident), shown=_shown(carried))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise Invalid(_("invalid cursor: pass back the next_cursor of a previous page"))


def _key(stamp: str, ident: str) -> tuple[datetime, int]:
    return datetime.fromisoformat(stamp), _ident(ident)


def _ident(text: str) -> int:
    """A row id as the cursor wrote it: digits that fit a database integer."""
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise ValueError("not a row id")
    return int(text)


def _shown(carried: str) -> frozenset[int] | None:
    if carried == "*":
        return None
    ids = frozenset(_ident(ident) for ident in carried.split(",") if carried)
    if len(ids) > MAX_SHOWN:
        raise ValueError("more urgent conversations than a cursor carries")
    return ids


def _encode_search_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"search|{offset}".encode()).decode()


def _decode_search_cursor(cursor: str) -> int:
    try:
        kind, _sep, offset = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        if kind == "search" and offset.isdigit() and len(offset) <= 9:
            return int(offset)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise Invalid(_("invalid cursor: pass back the next_cursor of a previous search page"))
