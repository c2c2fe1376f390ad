"""The client's rating page, reached from the links in a resolution message: public (the signed
link is the proof, `inbox.rating_links`), written in the mailbox's language, and working
without JavaScript.

Opening a link records nothing: it shows the page with the answer the client clicked already
chosen and a box for a comment, and only the form's POST records it (`inbox.csat.rate`). Mail
scanners and link previews open every link of a message, the "not solved" one too; were a GET
to record, a scanner would rate for the client, and reopen the conversation. One more click is
the price of the client's answer being theirs. The form is checked against the session's CSRF
token like the sign-in form, and the link's signature is checked again on the POST. A forged,
altered or expired link gets a plain page (403; 404 once the conversation is deleted) and
changes nothing. After an answer the page thanks the client and keeps the form, to change it.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.core.errors import Invalid, NotFound
from app.core.models import Mailbox, utcnow
from app.http.dependencies import SessionDep, SettingsDep
from app.http.refusals import refused
from app.web.pages import render
from inbox.csat import MAX_COMMENT, Rated, rate, rated
from inbox.rating_links import (
    CHOICES,
    NOT_SOLVED,
    SCORES,
    ExpiredLink,
    RatingLinks,
    RefusedLink,
)
from inbox.templates import client_language

router = APIRouter()

Token = Annotated[str, Path(max_length=400)]


@router.get("/rate/{token}")
def rating_page(
    token: Token,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    choice: str = "",
    done: bool = False,
) -> HTMLResponse:
    """The form, with `choice` (the link the client clicked) or their earlier answer chosen."""
    try:
        found = rated(session, RatingLinks.of(settings).read(token, now=utcnow()))
    except (RefusedLink, NotFound) as exc:
        return _refused(request, exc)
    return _page(request, session, found, token, choice=choice, done=done)


@router.post("/rate/{token}")
def record_rating(
    token: Token,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    choice: Annotated[str, Form(max_length=10)] = "",
    comment: Annotated[str, Form(max_length=MAX_COMMENT)] = "",
) -> Response:
    try:
        link = RatingLinks.of(settings).read(token, now=utcnow())
        rate(session, link=link, choice=choice, comment=comment, now=utcnow())
    except (RefusedLink, NotFound) as exc:
        return _refused(request, exc)
    except Invalid as exc:
        error = refused(session, exc)
        found = rated(session, link)
        return _page(request, session, found, token, choice=choice, comment=comment, error=error)
    return RedirectResponse(f"/rate/{token}?done=true", status_code=status.HTTP_303_SEE_OTHER)


def _page(
    request: Request,
    session: Session,
    found: Rated,
    token: str,
    *,
    choice: str,
    done: bool = False,
    comment: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    rating = found.rating
    given = (str(rating.score) if rating.solved else NOT_SOLVED) if rating else ""
    mailbox = session.get(Mailbox, found.message.mailbox_id)
    context = {
        "token": token,
        "conversation": found.conversation,
        "mailbox": mailbox,
        "scores": list(reversed(SCORES)),
        "not_solved": NOT_SOLVED,
        "chosen": choice if choice in CHOICES else given,
        "comment": rating.comment if comment is None and rating else (comment or ""),
        "max_comment": MAX_COMMENT,
        "done": done and rating is not None,
        "error": error,
    }
    language = client_language(session, mailbox) if mailbox else None
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK
    return render(request, None, None, "rating.html", context, code, language=language)


def _refused(request: Request, exc: RefusedLink | NotFound) -> HTMLResponse:
    """A plain page in the reader's language: an unreadable link names no mailbox."""
    context = {"expired": isinstance(exc, ExpiredLink), "gone": isinstance(exc, NotFound)}
    return render(request, None, None, "rating_refused.html", context, exc.status_code)
