"""Errors as pages for people: a browser that follows a stale link or a mistyped address gets
a page with the way back to the inbox, not the JSON meant for integrations, which the API, the
add-on and htmx requests keep getting."""

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse

from app.web.pages import is_htmx, render

_TITLES = {
    403: "Not allowed",
    404: "Not found",
    405: "Not found",
    409: "Not possible right now",
    422: "That is not right",
    500: "Something went wrong",
}


def for_a_person(request: Request) -> bool:
    """A page request from a browser: HTML accepted, outside the API and the add-on."""
    machine = request.url.path.startswith(("/api/", "/addon/")) or is_htmx(request)
    return not machine and "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """The message reads as a sentence: API messages are lowercase fragments."""
    title = _TITLES.get(status_code, "Something is not right")
    sentence = message[:1].upper() + message[1:].rstrip(".") + "."
    context = {"title": title, "message": sentence, "status_code": status_code}
    return render(request, None, None, "error.html", context, status_code)


def malformed_page(request: Request, exc: RequestValidationError) -> HTMLResponse:
    """A field of a posted form that no page would send so (a hidden field changed, a value
    longer than its input allows) is a 422 naming it; a malformed address is no page (404)."""
    for error in exc.errors():
        loc = error.get("loc", ())
        if len(loc) > 1 and loc[0] == "body":
            message = str(error["msg"]).removeprefix("Value error, ")
            return error_page(request, 422, f"the form's field “{loc[1]}” {_as_clause(message)}")
    return error_page(request, 404, f"There is no page at {request.url.path}.")


def _as_clause(message: str) -> str:
    """Pydantic's "String should have at most 32 characters" as "should have at most..."."""
    first, _, rest = message.partition(" ")
    return rest if first in ("String", "Input", "Value") else message
