"""Errors as pages for people: a browser that follows a stale link or a mistyped address gets
a page with the way back to the inbox, not the JSON meant for integrations, which the API, the
add-on and htmx requests keep getting."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.web.pages import is_htmx, render

_TITLES = {
    403: "Not allowed",
    404: "Not found",
    405: "Not found",
    409: "Not possible right now",
    422: "That address is not right",
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
