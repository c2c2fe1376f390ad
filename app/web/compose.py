"""The reply and note composers, and the outbox buttons (undo, retry).

A reply takes the path of `POST /api/v1/conversations/{id}/reply`, through the same use case
(`inbox.replying.queue_agent_reply`): `ReplyIn` validates it (the reply-all chips the agent
struck out become its `exclude`), `app.http.uploads` takes its files, the pre-send check holds
one that looks internal, or that a teammate's reply still waiting to go out would double (409),
until the agent confirms ("Ben Carter is sending a reply: send anyway?"), and a reply with no
undo window goes to the outbox job after the response (`app.http.outbox`). "Send and close" and
"Send and mark pending" set the status with the reply, and Undo takes it back
(`inbox.send_and_mark`). A refused send shows the page again with everything typed, so no draft
is lost; files cannot be put back in a file input, so the error says to choose them again.
Nothing here sends, commits or imports the API.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from pydantic import AwareDatetime, BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from app.core.db import get_scoped
from app.core.errors import Conflict, Invalid, TandemError
from app.core.i18n import gettext as _
from app.core.models import (
    Conversation,
    ConversationStatus,
    Message,
    Template,
    User,
    id_of,
    utcnow,
)
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.http.outbox import OutboxDep
from app.http.refusals import refusal_status, refused
from app.http.uploads import read_attachments, text_fields
from app.web.conversation import Draft, agent_zone, conversation_page
from app.web.inbox import members
from app.web.pages import render
from app.web.when import picked_time
from gmail_sync.compose import OutgoingAttachment
from gmail_sync.send import outgoing_message, retry_reply
from gmail_sync.thread_people import ANSWERABLE
from inbox import note_taking
from inbox.presence import TeammateSending
from inbox.replying import ReplyIn, queue_agent_reply
from inbox.send_and_mark import cancel_and_unmark, mark_with_reply
from inbox.templates import render_for

router = APIRouter()


class ReplyForm(BaseModel):
    body_text: str = ""
    mode: str = "all"
    reason: str = ""
    cc: str = ""
    exclude: list[str] = Field(default_factory=list)
    template_id: str = ""
    promise: str = ""
    promise_custom: str = ""
    then: Literal["", "pending", "closed"] = ""
    confirm: bool = False
    seen_at: AwareDatetime | None = None

    def draft(self, *, held: bool = False, sending: list[str] | None = None) -> Draft:
        fields = self.model_dump(exclude={"confirm", "seen_at", "exclude"})
        return Draft(**fields, held=held, sending=sending or [], extra={"exclude": self.exclude})

    def reply_in(self) -> ReplyIn:
        """The API's validation of the same fields (`ReplyIn`); raises its ValidationError,
        which the page shows as every problem (`refused`)."""
        return ReplyIn(
            body_text=self.body_text,
            mode=self.mode,
            reason=self.reason.strip() or None,
            cc=[item.strip() for item in self.cc.split(",") if item.strip()],
            exclude=self.exclude,
            template_id=int(self.template_id) if self.template_id.isdigit() else None,
            confirm=self.confirm,
        )


@dataclass(frozen=True)
class PostedReply:
    """The reply form as posted: its fields, its files, and why the files were refused (too
    many, too large) if they were, so the page can still keep what was typed."""

    form: ReplyForm
    files: list[OutgoingAttachment]
    file_problem: str | None


async def posted_reply(request: Request) -> PostedReply:
    """Reads the form (multipart with files, or urlencoded without); `exclude` repeats, one
    per struck-out chip. The files are read into memory and the form closed here, since no
    route parameter makes FastAPI close it."""
    async with request.form() as form:
        values: dict[str, Any] = {"exclude": []}
        if "then" in request.query_params:  # "Send anyway" after "Send and close" was held
            values["then"] = request.query_params["then"]
        for name, value in text_fields(form):
            if name == "exclude":
                values["exclude"].append(value)
            elif name in ReplyForm.model_fields:
                values[name] = value
        try:
            reply_form = ReplyForm.model_validate(values)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise Invalid(
                _("the reply form is malformed: %(problem)s") % {"problem": problem}
            ) from None
        try:
            files = await read_attachments(form.getlist("attachments"))
        except Invalid as exc:
            return PostedReply(reply_form, [], str(exc))
    return PostedReply(reply_form, files, None)


def _text(session: Session, body: ReplyIn, user: User) -> ReplyIn:
    """Choosing a canned reply puts its rendered text in the box, so the text as posted (typed
    or edited) wins; the template itself is sent only into an empty box."""
    if body.template_id is None or not body.body_text.strip():
        return body
    get_scoped(session, Template, body.template_id, user.workspace_id)
    return body.model_copy(update={"template_id": None})


def _check_news(session: Session, conversation: Conversation, form: ReplyForm) -> None:
    """Mail that reached the conversation after the page was shown may change the answer. The
    page's time, not its message count, tells: a reply already on its way then (the agent's
    own, a minute ago) is no news when Gmail takes it while the agent types."""
    if form.confirm or form.seen_at is None:
        return
    newer = session.exec(
        select(Message.id)
        .where(
            Message.conversation_id == conversation.id,
            col(Message.duplicate_of_id).is_(None),
            col(Message.state).in_(ANSWERABLE),
            col(Message.created_at) > form.seen_at,
        )
        .limit(1)
    ).first()
    if newer is not None:
        raise Conflict(_("a new message arrived in this conversation while you were typing"))


def _queue(
    session: Session, conversation: Conversation, user: User, posted: PostedReply, delay: timedelta
) -> dict[str, Any]:
    """The reply queued as the API queues it; returns the outcome to show (recipient diff,
    detected promise)."""
    form = posted.form
    if posted.file_problem:
        raise Invalid(posted.file_problem)
    body = _text(session, form.reply_in(), user)
    _check_news(session, conversation, form)
    now = utcnow()
    if form.promise:
        zone = agent_zone(session, user)
        promised = picked_time(form.promise, form.promise_custom, zone_name=zone, now=now)
        body = body.model_copy(update={"promise_by": promised})
    queued, found = queue_agent_reply(
        session,
        conversation=conversation,
        user=user,
        body=body,
        attachments=posted.files,
        now=now,
        delay=delay,
    )
    if form.then:
        mark_with_reply(
            session,
            conversation=conversation,
            user=user,
            message=queued.message,
            status=ConversationStatus(form.then),
            now=now,
        )
    outcome: dict[str, Any] = {
        "sent": id_of(queued.message),
        "dropped": queued.dropped,
        "then": form.then,
    }
    if found is not None:
        outcome["detected"] = {"due_at": found.due_at.isoformat(), "phrase": found.phrase}
    return outcome


@router.post("/c/{id}/reply")
def reply(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    outbox: OutboxDep,
    posted: Annotated[PostedReply, Depends(posted_reply)],
) -> Response:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    try:
        outcome = _queue(session, conversation, user, posted, outbox.undo_window)
    except (ValueError, TandemError) as exc:
        return _refused_reply(request, session, user, id, posted, exc)
    outbox.send_new_after_response()
    request.session["flash"] = outcome
    return RedirectResponse(f"/c/{id}#outcome", status_code=status.HTTP_303_SEE_OTHER)


def _refused_reply(
    request: Request,
    session: Session,
    user: User,
    id: int,
    posted: PostedReply,
    exc: ValueError | TandemError,
) -> Response:
    error: str | None = refused(session, exc)
    sending = exc.names if isinstance(exc, TeammateSending) else None
    files_lost = _("Your text is kept, but attached files are not: choose them again.")
    if sending:  # the composer asks "… is sending a reply: send anyway?" in its own words
        error = files_lost if posted.files or posted.file_problem else None
    elif posted.files or posted.file_problem:
        error = _("%(error)s. %(files_lost)s") % {"error": error, "files_lost": files_lost}
    draft = posted.form.draft(held=isinstance(exc, Conflict), sending=sending)
    code = refusal_status(exc)
    return conversation_page(request, session, user, id, draft=draft, error=error, status_code=code)


@router.get("/templates/{id}/text")
def template_text(
    id: int, user: WebUser, session: SessionDep, conversation_id: int | None = None
) -> PlainTextResponse:
    """A canned reply rendered for one conversation, as the API's preview renders it, for the
    composer to put in the reply box (the session, not a token)."""
    template = get_scoped(session, Template, id, user.workspace_id)
    if conversation_id is None:
        raise Invalid(_("say which conversation to render the template for: ?conversation_id="))
    conversation = get_scoped(session, Conversation, conversation_id, user.workspace_id)
    text, _html = render_for(session, template, conversation, user)
    return PlainTextResponse(text)


@router.post("/c/{id}/notes")
def add_note(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    body: Annotated[str, Form()] = "",
) -> Response:
    """Mentioned teammates are notified, as from the API (`inbox.note_taking.add_note`)."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    try:
        note = note_taking.add_note(
            session=session, conversation=conversation, author=user, body=body, now=utcnow()
        )
    except TandemError as exc:
        return conversation_page(
            request,
            session,
            user,
            id,
            draft=Draft(note=body),
            error=refused(session, exc),
            status_code=exc.status_code,
        )
    return RedirectResponse(f"/c/{id}#note-{note.id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/outbox/{id}/cancel")
def undo(id: int, request: Request, user: WebUser, session: SessionDep) -> Response:
    """Undo within the window: the reply is cancelled, its text comes back to the box and the
    status it was sent with is undone too (`inbox.send_and_mark`)."""
    message = outgoing_message(session, id, user.workspace_id)
    conversation_id = message.conversation_id
    try:
        cancel_and_unmark(session, message=message, actor=user, now=utcnow())
    except TandemError as exc:
        error = refused(session, exc)
        return conversation_page(
            request, session, user, conversation_id, error=error, status_code=exc.status_code
        )
    request.session["flash"] = {"cancelled": id, "draft": message.visible_text}
    return RedirectResponse(f"/c/{conversation_id}#reply", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/outbox/{id}/retry")
def retry(
    id: int, request: Request, user: WebUser, session: SessionDep, outbox: OutboxDep
) -> Response:
    """A failed reply is queued again and sent right after the redirect."""
    message = outgoing_message(session, id, user.workspace_id)
    retry_reply(session=session, message=message, now=utcnow())
    outbox.send_due_after_response()
    request.session["flash"] = {"sent": id}
    return RedirectResponse(
        f"/c/{message.conversation_id}#outcome", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/outbox/{id}/state")
def sent_state(id: int, request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """Polled by the outcome box while the reply just sent is on its way to Gmail."""
    message = outgoing_message(session, id, user.workspace_id)
    return render(request, session, user, "_sent_state.html", {"sent": message, "now": utcnow()})


@router.get("/members.json")
def member_names(user: WebUser, session: SessionDep) -> JSONResponse:
    """Names for the note composer's @mention autocomplete (the session, not a token)."""
    return JSONResponse(
        [{"id": m.id, "name": m.name, "email": m.email} for m in members(session, user)]
    )
