"""The conversation page: the timeline of messages and internal notes (also alone, for the
open page to fetch again as things arrive), the controls (assignee, status, priority, tags,
snooze, promise), the client's ratings of its resolutions, the contact's other conversations,
the sandboxed frame that shows an email's
HTML (who else is looking is `app.web.presence`'s).

The timeline is read by `inbox.timeline`, as the API and the add-on read it, and changes go
through `inbox.changes` and `inbox.promises`, as in the API; this module never imports the API
nor commits (the request does).

Email HTML is never put in Tandem's page: it is served to a frame under a policy of its own that
runs no script and loads no remote image until the agent asks for them. The frame is sized to
its content by the page (conversation.js reads the framed document's height), which needs the
frame's document to be same-origin: the frame is `sandbox="allow-same-origin"` and never
`allow-scripts`, so the mail's own script stays dead by the sandbox as well as by the policy
(`script-src` falls back to `default-src 'none'`), and only Tandem's page reaches in. A size
worked out on the server could not know the fonts, the width or the images. The framed
document gets Tandem's font and a base style that keeps images and tables inside the width,
and shows only the new part of a reply (`new_part`) when the rest is the quoted history the
page offers under "Show quoted history", so the history shows once.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from app.core.db import get_scoped
from app.core.errors import NotFound, TandemError
from app.core.i18n import gettext as _
from app.core.models import (
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Mailbox,
    Message,
    MessageState,
    Priority,
    ReminderState,
    Template,
    User,
    Workspace,
    utcnow,
)
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.http.reader import reader_zone
from app.http.refusals import refusal_status, refused
from app.web.inbox import members
from app.web.next_conversation import came_from
from app.web.pages import render
from app.web.when import picked_time, presets, snooze_presets
from gmail_sync.html_text import new_part
from gmail_sync.mime_headers import bare_address
from gmail_sync.thread_people import reply_preview
from inbox.changes import change_conversation
from inbox.csat import conversation_ratings
from inbox.notifications import mark_all_read
from inbox.promises import make_promise
from inbox.reading import mark_read, mark_unread
from inbox.reminders import find_reminders
from inbox.templates import client_language
from inbox.timeline import Timeline, TimelineMessage, contact_history, read_timeline
from notes.markup import render_note

router = APIRouter()

_FRAME_BASE = (
    "default-src 'none'; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; "
    "form-action 'none'; img-src data: cid:"
)
FRAME_POLICY = _FRAME_BASE
FRAME_POLICY_WITH_IMAGES = _FRAME_BASE + " https: http:"
OUTBOX = (MessageState.QUEUED, MessageState.SENDING, MessageState.FAILED)


@dataclass
class Draft:
    """What the agent typed, shown back when a send is refused so nothing is lost; `held` when
    the pre-send check asks first, `sending` naming the teammates whose replies are about to
    go when that is why."""

    body_text: str = ""
    mode: str = "all"
    reason: str = ""
    cc: str = ""
    template_id: str = ""
    promise: str = ""
    promise_custom: str = ""
    note: str = ""
    then: str = ""
    held: bool = False
    sending: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def framed_html(message: Message) -> str | None:
    """The HTML the frame shows: without the quoted history when the message has one the page
    shows apart (`quoted_text`) and it can be cut off the HTML; the whole HTML otherwise."""
    if not message.html_body:
        return None
    if message.quoted_text:
        return new_part(message.html_body) or message.html_body
    return message.html_body


def _quote_apart(message: Message) -> bool:
    """Whether "Show quoted history" adds anything: the history is not in the frame."""
    if not message.quoted_text:
        return False
    return not message.html_body or framed_html(message) != message.html_body


def _timeline(timeline: Timeline) -> list[dict[str, Any]]:
    """The template's entries, in the order they happened; notes carry their rendered HTML."""
    return [
        {
            "kind": "message",
            "at": entry.at,
            "item": entry.message,
            "files": entry.attachments,
            "quote_apart": _quote_apart(entry.message),
        }
        if isinstance(entry, TimelineMessage)
        else {
            "kind": "note",
            "at": entry.created_at,
            "item": entry,
            "html": render_note(entry.body),
        }
        for entry in timeline.in_order()
    ]


def _recipients(session: Session, conversation: Conversation) -> dict[str, Any] | None:
    """Who reply-all and a reply to the sender would reach, worked out exactly as a send is
    (`reply_preview`), and whom reply-all brings in new; None when there is nothing to answer."""
    preview = reply_preview(session, conversation)
    if preview is None:
        return None
    everyone = (*preview.everyone.to, *preview.everyone.cc)
    return {
        "to": preview.everyone.to,
        "cc": preview.everyone.cc,
        "sender_to": preview.sender.to,
        "dropped": preview.sender.dropped,
        "new": [person for person in everyone if bare_address(person) in preview.new],
    }


def _outbox(timeline: Timeline) -> list[Message]:
    """Replies not in Gmail yet: in their undo window, on their way, or failed."""
    return [
        entry.message
        for entry in timeline.messages
        if entry.message.direction == Direction.OUTBOUND and entry.message.state in OUTBOX
    ]


def _shown(session: Session, user: User, conversation: Conversation) -> dict[str, Any]:
    """What the timeline fragment shows, on the page and when fetched again alone."""
    timeline = read_timeline(session=session, conversation=conversation)
    team = members(session, user)
    return {
        "c": conversation,
        "timeline": _timeline(timeline),
        "outbox": _outbox(timeline),
        "team": team,
        "people": {member.id: member for member in team},
        "now": utcnow(),
    }


def conversation_page(
    request: Request,
    session: Session,
    user: User,
    id: int,
    *,
    draft: Draft | None = None,
    error: str | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    flash: dict[str, Any] = request.session.pop("flash", None) or {}
    templates = session.exec(
        select(Template).where(Template.workspace_id == user.workspace_id).order_by(Template.name)
    ).all()
    context = {
        **_shown(session, user, conversation),
        "contact": contact,
        "recipients": _recipients(session, conversation),
        "history": contact_history(session=session, conversation=conversation),
        "ratings": conversation_ratings(session, conversation),
        "templates": templates,
        "statuses": list(ConversationStatus),
        "priorities": list(Priority),
        "presets": presets(),
        "snooze_presets": snooze_presets(),
        "reminders": find_reminders(
            session,
            workspace_id=user.workspace_id,
            state=ReminderState.PENDING,
            conversation_id=id,
            limit=50,
        ),
        "draft": draft or Draft(),
        "flash": flash,
        "sent": session.get(Message, flash["sent"]) if flash.get("sent") else None,
        "sent_id": flash.get("sent"),
        "detected_at": _detected_at(flash),
        "reply_language": _reply_language(session, conversation),
        "came_from": came_from(request),
        "error": error,
    }
    return render(request, session, user, "conversation.html", context, status_code)


def _reply_language(session: Session, conversation: Conversation) -> str:
    """The language the mailbox writes to clients in, which the reply and note boxes are
    spell-checked in."""
    mailbox = get_scoped(session, Mailbox, conversation.mailbox_id, conversation.workspace_id)
    return client_language(session, mailbox)


def _detected_at(flash: dict[str, Any]) -> datetime | None:
    """When the promise the reply seemed to make falls due (kept as text between the redirect
    and the page), for the page to show in the reader's zone."""
    detected = flash.get("detected")
    return datetime.fromisoformat(detected["due_at"]) if detected else None


@router.get("/c/{id}")
def show(id: int, request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """Opening it is reading it, for the whole team (see `inbox.reading`)."""
    mark_read(session, get_scoped(session, Conversation, id, user.workspace_id))
    mark_all_read(session=session, user=user, now=utcnow(), conversation_id=id)
    return conversation_page(request, session, user, id)


@router.get("/c/{id}/timeline")
def timeline_part(
    id: int, request: Request, user: WebUser, session: SessionDep, sent: int | None = None
) -> HTMLResponse:
    """The timeline alone, fetched again by the open page when a message, a note or a reply's
    step arrives; `sent` is the reply the page's outcome box already shows."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    context = {**_shown(session, user, conversation), "sent_id": sent}
    return render(request, session, user, "_timeline.html", context)


@router.post("/c/{id}/unread")
def unread(id: int, user: WebUser, session: SessionDep) -> RedirectResponse:
    """Leaves it for a teammate to pick up: unread again, and back to the inbox."""
    mark_unread(session, get_scoped(session, Conversation, id, user.workspace_id))
    return RedirectResponse("/inbox", status_code=status.HTTP_303_SEE_OTHER)


def _changes(form: dict[str, str], conversation: Conversation) -> dict[str, Any]:
    """The controls form as `change_conversation` changes; raises ValueError on bad input."""
    assignee = form.get("assignee", "")
    if assignee and not assignee.isdigit():
        raise ValueError(_("Unknown assignee."))
    changes: dict[str, Any] = {
        "status": ConversationStatus(form.get("status", conversation.status)),
        "assignee_id": int(assignee) if assignee else None,
        "priority": Priority(form.get("priority", conversation.priority)),
        "tags": [tag.strip() for tag in form.get("tags", "").split(",")],
    }
    return changes


async def _controls(request: Request) -> dict[str, str]:
    """The controls form's text fields: reading a body awaits, so it is read here and the
    route, whose database work blocks, runs in the thread pool."""
    return {name: value for name, value in (await request.form()).items() if isinstance(value, str)}


@router.post("/c/{id}/update")
def update(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    form: Annotated[dict[str, str], Depends(_controls)],
) -> Response:
    """Assignee, status, priority and tags in one form; only real changes are audited."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    now = utcnow()
    try:
        changes = _changes(form, conversation)
        change_conversation(
            session=session, conversation=conversation, actor=user, changes=changes, now=now
        )
    except (ValueError, TandemError) as exc:
        error = refused(session, exc)
        return conversation_page(
            request, session, user, id, error=error, status_code=refusal_status(exc)
        )
    return RedirectResponse(f"/c/{id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/c/{id}/snooze")
def snooze(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    when: Annotated[str, Form()] = "",
    custom: Annotated[str, Form()] = "",
) -> Response:
    """Its own small form, so a snooze never depends on the status picked beside it: snoozed
    until the preset or the custom time, read in the agent's zone."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    now = utcnow()
    try:
        until = picked_time(when, custom, zone_name=agent_zone(session, user), now=now)
        change_conversation(
            session=session,
            conversation=conversation,
            actor=user,
            changes={"snoozed_until": until},
            now=now,
        )
    except (ValueError, TandemError) as exc:
        error = refused(session, exc)
        draft = Draft(extra={"snooze": when, "snooze_custom": custom})
        return conversation_page(
            request, session, user, id, draft=draft, error=error, status_code=refusal_status(exc)
        )
    return RedirectResponse(f"/c/{id}", status_code=status.HTTP_303_SEE_OTHER)


def agent_zone(session: Session, user: User) -> str:
    """Where the picked times ("today 17:00", a custom time) are read: the agent's own zone,
    else the team's, the zone the page shows times in (`reader_zone`)."""
    return reader_zone(user, session.get(Workspace, user.workspace_id)).key


@router.post("/c/{id}/promise")
def promise(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    when: Annotated[str, Form()] = "",
    custom: Annotated[str, Form()] = "",
) -> Response:
    """ "I'll reply by…": the owner is reminded before it lapses (`make_promise`)."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    now = utcnow()
    try:
        due = picked_time(when, custom, zone_name=agent_zone(session, user), now=now)
        make_promise(session, conversation=conversation, user=user, due_at=due, now=now)
    except (ValueError, TandemError) as exc:
        error = refused(session, exc)
        return conversation_page(
            request, session, user, id, error=error, status_code=refusal_status(exc)
        )
    return RedirectResponse(f"/c/{id}", status_code=status.HTTP_303_SEE_OTHER)


#: The framed mail's defaults, before its own styles: the page's font and colour, no margin to
#: leave a blank band, nothing wider than the frame.
_FRAME_STYLE = (
    'html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2933;'
    "background:#fff}body{margin:0;padding:1px 0;overflow-wrap:anywhere}"
    "img{max-width:100%;height:auto}table{max-width:100%}pre{white-space:pre-wrap}"
    "blockquote{margin:0 0 0 .8em;padding-left:.8em;border-left:3px solid #cbd2d9}"
)


def _frame_document(html: str, policy: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f'<meta name="viewport" content="width=device-width"><style>{_FRAME_STYLE}</style>'
        f"</head><body>{html}</body></html>"
    )


@router.get("/c/{id}/messages/{message_id}/html")
def message_html(
    id: int, message_id: int, user: WebUser, session: SessionDep, images: bool = False
) -> HTMLResponse:
    """The sanitized HTML for the sandboxed frame; remote images only with `images=1`."""
    message = get_scoped(session, Message, message_id, user.workspace_id)
    html = framed_html(message)
    if message.conversation_id != id or html is None:
        raise NotFound(
            _("message %(message)s has no HTML in conversation %(conversation)s")
            % {"message": message_id, "conversation": id}
        )
    policy = FRAME_POLICY_WITH_IMAGES if images else FRAME_POLICY
    response = HTMLResponse(_frame_document(html, policy))
    sandbox = "; frame-ancestors 'self'; sandbox allow-same-origin"
    response.headers["Content-Security-Policy"] = policy + sandbox
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
