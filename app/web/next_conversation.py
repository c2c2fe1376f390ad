"""`e` on the conversation page: close it and go on to the next conversation of the list the
agent came from, so a queue is worked through without going back to it each time.

The list is the inbox's query string (view, search, filters), carried as `from`: taken from the
inbox page that linked here (its address is the Referer: Tandem's pages send it within the
site), or passed along in `?from=` from one conversation to the next. It is read back only into
`InboxQuery`'s fields, so it can name a list and nothing else; a list it cannot read is the open
view. The next one is found before closing, in the list's own order; with none left, the agent
is back on the list.
"""

from typing import Annotated
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from app.core.db import get_scoped
from app.core.errors import Invalid
from app.core.models import Conversation, ConversationStatus, Priority, User, id_of, utcnow
from app.core.plain_text import ONE_LINE
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.web.inbox import PAGE_SIZE, InboxQuery
from inbox.changes import change_conversation
from inbox.search import search_conversations
from inbox.views import Resume, list_view

router = APIRouter()

_FIELDS = tuple(InboxQuery.__dataclass_fields__)


def listing(text: str) -> InboxQuery:
    """The list a query string names; the open view when it names none that can be read."""
    values = {name: found[0] for name, found in parse_qs(text).items() if name in _FIELDS}
    query = InboxQuery(**values)
    try:
        query.to_filter()
    except ValueError:
        return InboxQuery()
    return query


def query_string(query: InboxQuery) -> str:
    """The list as the inbox's own query string, without the fields left at their default."""
    default = InboxQuery()
    return urlencode(
        {
            name: getattr(query, name)
            for name in _FIELDS
            if getattr(query, name) != getattr(default, name)
        }
    )


def came_from(request: Request) -> str:
    """The list the page was opened from: `?from=`, else the inbox page (or the conversation
    page that carried one) in the Referer; "" when the agent came from elsewhere."""
    if "from" in request.query_params:
        return query_string(listing(request.query_params["from"]))
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return ""
    if referer.path == "/inbox":
        return query_string(listing(referer.query))
    if referer.path.startswith("/c/"):
        carried = parse_qs(referer.query).get("from")
        return query_string(listing(carried[0])) if carried else ""
    return ""


def next_in(
    session: Session, user: User, conversation: Conversation, query: InboxQuery
) -> int | None:
    """The conversation after this one in the list's order (urgent first, then by activity; or
    by best match for a search), never this one."""
    inbox = query.to_filter()
    current = id_of(conversation)
    if query.q.strip():
        try:
            rows = search_conversations(
                session=session, user=user, inbox=inbox, q=query.q[:200], limit=PAGE_SIZE, offset=0
            ).items
        except Invalid:  # a search with nothing to search for lists nothing
            return None
        ids = [id_of(row) for row in rows]
        rest = ids[ids.index(current) + 1 :] if current in ids else ids
        return next((found for found in rest if found != current), None)
    key = (conversation.last_message_at, current) if conversation.last_message_at else None
    after = Resume(urgent=conversation.priority == Priority.URGENT, key=key)
    rows = list_view(session=session, user=user, inbox=inbox, limit=2, after=after).rows
    return next((id_of(row) for row in rows if row.id != current), None)


@router.post("/c/{id}/close")
def close_and_next(
    id: int,
    user: WebUser,
    session: SessionDep,
    came: Annotated[str, Form(alias="from", max_length=2000), ONE_LINE] = "",
) -> RedirectResponse:
    """Closes the conversation and opens the next of the list (keeping the list for the next
    `e`), or goes back to the list when it was the last."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    query = listing(came)
    following = next_in(session, user, conversation, query)
    change_conversation(
        session=session,
        conversation=conversation,
        actor=user,
        changes={"status": ConversationStatus.CLOSED},
        now=utcnow(),
    )
    carried = query_string(query)
    if following is None:
        target = f"/inbox?{carried}" if carried else "/inbox"
    else:
        target = f"/c/{following}?" + urlencode({"from": carried}) if carried else f"/c/{following}"
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
