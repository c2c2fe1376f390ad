"""A refused change, shown to the person again rather than as an error: a web form drawn again
with the message beside it, an add-on card with a notification. What the attempt wrote is undone
first, so the request's commit (`SessionDep`) has nothing half-done to store and what is shown
is what is stored. The edges' one hand-written rollback lives here.
"""

from fastapi import status
from pydantic import ValidationError
from sqlmodel import Session

from app.core.errors import TandemError


def refused(session: Session, exc: Exception) -> str:
    """A form the domain refused: what the attempt wrote is undone here, before the page that
    shows the form again reads the database, so that page shows what is stored and the
    request's commit has nothing half-done to store. Returns the message for the page: a
    refused form model reads as its messages, not as pydantic's report for developers."""
    session.rollback()
    if isinstance(exc, ValidationError):
        return "; ".join(str(error["msg"]) for error in exc.errors())
    return str(exc)


def refusal_status(exc: Exception) -> int:
    """The status of the page that shows a refused form again: the domain's own (404, 409...),
    else 422 for what a person typed wrong."""
    if isinstance(exc, TandemError):
        return exc.status_code
    return status.HTTP_422_UNPROCESSABLE_CONTENT
