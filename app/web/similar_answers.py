"""Answers that worked before, on the conversation page: the panel of similar closed
conversations (`inbox.similar_answers`, fetched by the page after it is shown, so the search
never slows the page), a closing reply put in the reply box as a draft, and "Save as template"
on a sent reply (`inbox.canned_replies.save_reply_as_template`, as the API saves it).

A draft is only text in the box: nothing is sent until the agent sends it. With script, the
page's `similar_answers.js` puts the text in the box at once (asking before it replaces what
was typed); without, the form comes here and the page comes back with the text in the box.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.core.db import get_scoped
from app.core.errors import Conflict, Invalid, TandemError
from app.core.i18n import gettext as _
from app.core.models import Conversation, Message, utcnow
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.http.refusals import refused
from app.web.conversation import Draft, conversation_page
from app.web.pages import render
from inbox.canned_replies import ReplyTemplateIn, save_reply_as_template
from inbox.similar_answers import closing_answer, similar_answers

router = APIRouter()


@router.get("/c/{id}/similar")
def similar_panel(id: int, request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    answers = similar_answers(session, conversation=conversation)
    context = {"c": conversation, "answers": answers}
    return render(request, session, user, "_similar_answers.html", context)


@router.post("/c/{id}/similar/{conversation_id}/draft")
def use_answer(
    id: int, conversation_id: int, request: Request, user: WebUser, session: SessionDep
) -> Response:
    """The closed conversation's closing reply, in this conversation's reply box."""
    get_scoped(session, Conversation, id, user.workspace_id)
    answer = closing_answer(
        session, get_scoped(session, Conversation, conversation_id, user.workspace_id)
    )
    if answer is None:
        raise Invalid(_("That conversation has no reply that closed it."))
    request.session["flash"] = {"draft": answer}
    return RedirectResponse(f"/c/{id}#reply", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/messages/{id}/template")
def save_as_template(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    name: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[bool, Form()] = False,
) -> Response:
    """A refusal (a name taken, a text the pre-send check holds) shows the page again with
    the name typed, beside the reply."""
    message = get_scoped(session, Message, id, user.workspace_id)
    try:
        body = ReplyTemplateIn(name=name.strip() or None, confirm=confirm)
        template = save_reply_as_template(
            session=session, author=user, message_id=id, body=body, now=utcnow()
        )
    except (ValueError, TandemError) as exc:
        error = refused(session, exc)
        held = isinstance(exc, Conflict) and exc.field != "name"
        draft = Draft(extra={"template_message": id, "template_name": name, "template_held": held})
        code = exc.status_code if isinstance(exc, TandemError) else 422
        return conversation_page(
            request,
            session,
            user,
            message.conversation_id,
            draft=draft,
            error=error,
            status_code=code,
        )
    request.session["flash"] = {"template_saved": {"message": id, "name": template.name}}
    return RedirectResponse(
        f"/c/{message.conversation_id}#message-{id}", status_code=status.HTTP_303_SEE_OTHER
    )
