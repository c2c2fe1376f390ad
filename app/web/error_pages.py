"""Errors as pages for people: a browser that follows a stale link or a mistyped address gets
a page with the way back to the inbox, not the JSON meant for integrations, which the API, the
add-on and htmx requests keep getting."""

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse

from app.core.i18n import gettext as _
from app.http.refusals import error_message
from app.web.pages import is_htmx, render


def for_a_person(request: Request) -> bool:
    """A page request from a browser: HTML accepted, outside the API and the add-on."""
    machine = request.url.path.startswith(("/api/", "/addon/")) or is_htmx(request)
    return not machine and "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """The message reads as a sentence: API messages are lowercase fragments."""
    titles = {
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Not possible right now"),
        422: _("That is not right"),
        500: _("Something went wrong"),
    }
    title = titles.get(status_code, _("Something is not right"))
    sentence = message[:1].upper() + message[1:].rstrip(".") + "."
    context = {"title": title, "message": sentence, "status_code": status_code}
    return render(request, None, None, "error.html", context, status_code)


def malformed_page(request: Request, exc: RequestValidationError) -> HTMLResponse:
    """A field of a posted form that no page would send so (a hidden field changed, a value
    longer than its input allows) is a 422 naming it; a malformed address is no page (404)."""
    for error in exc.errors():
        loc = error.get("loc", ())
        if len(loc) > 1 and loc[0] == "body":
            said = error_message(error)
            problem = {"field": loc[1], "problem": said[:1].lower() + said[1:]}
            message = _("the form's field “%(field)s”: %(problem)s") % problem
            return error_page(request, 422, message)
    return no_page(request)


def no_page(request: Request) -> HTMLResponse:
    """An address that leads nowhere, or leads somewhere only with another method."""
    return error_page(request, 404, _("There is no page at %(path)s.") % {"path": request.url.path})
