"""The conversation page: the timeline of messages and internal notes, the controls (assignee,
status, priority, tags, snooze, promise), the contact's other conversations, the sandboxed
frame that shows an email's HTML, and who else is looking.

Changes go through `inbox.changes` and `inbox.promises`, as in the API. Email HTML is
never put in Tandem's page: it is served to a `sandbox=""` frame under a policy of its own that
runs no script and loads no remote image until the agent asks for them.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from app.api.reminders import list_reminders
from app.core.db import get_scoped
from app.core.errors import NotFound, TandemError
from app.core.models import (
    Attachment,
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
    id_of,
    utcnow,
)
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.web import presence
from app.web.inbox import members
from app.web.pages import render
from app.web.when import PRESETS, picked_time
from gmail_sync.compose import Answered, reply_recipients
from gmail_sync.send import answered_message, own_addresses
from inbox.changes import change_conversation
from inbox.promises import make_promise
from inbox.reading import mark_read, mark_unread
from notes.markup import render_note
from notes.notes import list_notes

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
    """What the agent typed, shown back when a send is refused so nothing is lost."""

    body_text: str = ""
    mode: str = "all"
    reason: str = ""
    cc: str = ""
    template_id: str = ""
    promise: str = ""
    promise_custom: str = ""
    note: str = ""
    held: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _timeline(session: Session, conversation: Conversation) -> list[dict[str, Any]]:
    """Messages and notes in the order they happened; notes carry their rendered HTML."""
    messages = session.exec(
        select(Message)
        .where(Message.conversation_id == conversation.id, col(Message.duplicate_of_id).is_(None))
        .order_by(col(Message.date), col(Message.id))
    ).all()
    files: dict[int, list[Attachment]] = {}
    for attachment in session.exec(
        select(Attachment).where(col(Attachment.message_id).in_([m.id for m in messages]))
    ):
        files.setdefault(attachment.message_id, []).append(attachment)
    entries: list[dict[str, Any]] = [
        {"kind": "message", "at": m.date or m.created_at, "item": m, "files": files.get(m.id or 0)}
        for m in messages
    ]
    entries += [
        {"kind": "note", "at": n.created_at, "item": n, "html": render_note(n.body)}
        for n in list_notes(session, id_of(conversation))
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def _recipients(session: Session, conversation: Conversation) -> dict[str, Any] | None:
    """Who reply-all and a reply to the sender would reach, worked out exactly as the send path
    does (`answered_message` + `reply_recipients`); None when there is nothing to answer."""
    try:
        answered = answered_message(session, conversation, None)
    except TandemError:
        return None
    mailbox = session.get(Mailbox, answered.mailbox_id)
    own = own_addresses(mailbox) if mailbox else set()
    everyone = reply_recipients(Answered.of(answered), own_addresses=own, mode="all")
    sender = reply_recipients(Answered.of(answered), own_addresses=own, mode="sender")
    return {"to": everyone.to, "cc": everyone.cc, "sender_to": sender.to, "dropped": sender.dropped}


def _history(session: Session, conversation: Conversation) -> list[Conversation]:
    if conversation.contact_id is None:
        return []
    return list(
        session.exec(
            select(Conversation)
            .where(
                Conversation.workspace_id == conversation.workspace_id,
                Conversation.contact_id == conversation.contact_id,
                Conversation.id != conversation.id,
            )
            .order_by(col(Conversation.last_message_at).desc())
            .limit(20)
        )
    )


def _outbox(session: Session, conversation: Conversation) -> list[Message]:
    return list(
        session.exec(
            select(Message).where(
                Message.conversation_id == conversation.id,
                Message.direction == Direction.OUTBOUND,
                col(Message.state).in_(OUTBOX),
            )
        )
    )


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
    team = members(session, user)
    flash: dict[str, Any] = request.session.pop("flash", None) or {}
    templates = session.exec(
        select(Template).where(Template.workspace_id == user.workspace_id).order_by(Template.name)
    ).all()
    context = {
        "c": conversation,
        "contact": contact,
        "timeline": _timeline(session, conversation),
        "recipients": _recipients(session, conversation),
        "history": _history(session, conversation),
        "outbox": _outbox(session, conversation),
        "team": team,
        "people": {member.id: member for member in team},
        "templates": templates,
        "statuses": list(ConversationStatus),
        "priorities": list(Priority),
        "presets": PRESETS,
        "reminders": list_reminders(
            user, session, state=ReminderState.PENDING, conversation_id=id, limit=50
        ),
        "draft": draft or Draft(),
        "flash": flash,
        "sent": session.get(Message, flash["sent"]) if flash.get("sent") else None,
        "error": error,
        "now": utcnow(),
    }
    return render(request, session, user, "conversation.html", context, status_code)


@router.get("/c/{id}")
def show(id: int, request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """Opening it is reading it, for the whole team (see `inbox.reading`)."""
    mark_read(session, get_scoped(session, Conversation, id, user.workspace_id))
    session.commit()
    return conversation_page(request, session, user, id)


@router.post("/c/{id}/unread")
def unread(id: int, user: WebUser, session: SessionDep) -> RedirectResponse:
    """Leaves it for a teammate to pick up: unread again, and back to the inbox."""
    mark_unread(session, get_scoped(session, Conversation, id, user.workspace_id))
    session.commit()
    return RedirectResponse("/inbox", status_code=status.HTTP_303_SEE_OTHER)


def _changes(
    form: dict[str, str], conversation: Conversation, zone: str, now: datetime
) -> dict[str, Any]:
    """The controls form as `change_conversation` changes; raises ValueError on bad input."""
    assignee = form.get("assignee", "")
    if assignee and not assignee.isdigit():
        raise ValueError("Unknown assignee.")
    changes: dict[str, Any] = {
        "status": ConversationStatus(form.get("status", conversation.status)),
        "assignee_id": int(assignee) if assignee else None,
        "priority": Priority(form.get("priority", conversation.priority)),
        "tags": [tag.strip() for tag in form.get("tags", "").split(",")],
    }
    if form.get("snooze"):
        changes["snoozed_until"] = picked_time(
            form["snooze"], form.get("snooze_custom", ""), zone_name=zone, now=now
        )
    return changes


@router.post("/c/{id}/update")
async def update(id: int, request: Request, user: WebUser, session: SessionDep) -> Response:
    """Assignee, status, priority, tags and snooze in one form; only real changes are audited."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    now = utcnow()
    try:
        changes = _changes(form, conversation, workspace_zone(session, user), now)
        change_conversation(
            session=session, conversation=conversation, actor=user, changes=changes, now=now
        )
    except (ValueError, TandemError) as exc:
        session.rollback()
        return conversation_page(
            request, session, user, id, error=str(exc), status_code=_status_of(exc)
        )
    session.commit()
    return RedirectResponse(f"/c/{id}", status_code=status.HTTP_303_SEE_OTHER)


def workspace_zone(session: Session, user: User) -> str:
    """Where the picked times (\"today 17:00\") are read."""
    workspace = session.get(Workspace, user.workspace_id)
    return workspace.timezone if workspace else "UTC"


def _status_of(exc: Exception) -> int:
    if isinstance(exc, TandemError):
        return exc.status_code
    return status.HTTP_422_UNPROCESSABLE_CONTENT


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
        due = picked_time(when, custom, zone_name=workspace_zone(session, user), now=now)
        make_promise(session, conversation=conversation, user=user, due_at=due, now=now)
    except (ValueError, TandemError) as exc:
        session.rollback()
        return conversation_page(
            request, session, user, id, error=str(exc), status_code=_status_of(exc)
        )
    session.commit()
    return RedirectResponse(f"/c/{id}", status_code=status.HTTP_303_SEE_OTHER)


def _frame_document(html: str, policy: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        "<style>body{font:14px/1.5 system-ui,sans-serif;margin:8px;color:#1f2933;"
        "overflow-wrap:anywhere}img{max-width:100%}</style></head>"
        f"<body>{html}</body></html>"
    )


@router.get("/c/{id}/messages/{message_id}/html")
def message_html(
    id: int, message_id: int, user: WebUser, session: SessionDep, images: bool = False
) -> HTMLResponse:
    """The sanitized HTML for the sandboxed frame; remote images only with `images=1`."""
    message = get_scoped(session, Message, message_id, user.workspace_id)
    if message.conversation_id != id or not message.html_body:
        raise NotFound(f"message {message_id} has no HTML in conversation {id}")
    policy = FRAME_POLICY_WITH_IMAGES if images else FRAME_POLICY
    response = HTMLResponse(_frame_document(message.html_body, policy))
    response.headers["Content-Security-Policy"] = policy + "; frame-ancestors 'self'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/c/{id}/presence")
def who_else(
    id: int, request: Request, user: WebUser, session: SessionDep, typing: bool = False
) -> HTMLResponse:
    """Polled by the page: records this agent's visit and lists the teammates also here."""
    get_scoped(session, Conversation, id, user.workspace_id)
    visit = presence.Visit(id_of(user), user.name or user.email, typing, utcnow())
    others = presence.visit(id, visit)
    return render(request, session, user, "_presence.html", {"others": others, "cid": id})
