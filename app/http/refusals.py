"""A refused change, shown to the person again rather than as an error: a web form drawn again
with the message beside it, an add-on card with a notification. What the attempt wrote is undone
first, so the request's commit (`SessionDep`) has nothing half-done to store and what is shown
is what is stored. The edges' one hand-written rollback lives here.
"""

from typing import Any

from fastapi import status
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlmodel import Session

from app.core.errors import TandemError
from app.core.i18n import gettext as _
from app.core.i18n import ngettext


def refused(session: Session, exc: Exception) -> str:
    """A form the domain refused: what the attempt wrote is undone here, before the page that
    shows the form again reads the database, so that page shows what is stored and the
    request's commit has nothing half-done to store. Returns the message for the page: a
    refused form model reads as its messages, not as pydantic's report for developers."""
    session.rollback()
    if isinstance(exc, ValidationError):
        return "; ".join(error_message(error) for error in exc.errors())
    return str(exc)


def error_message(error: ErrorDetails) -> str:
    """What one refusal of a request model says to a person: Tandem's own validators wrote
    theirs in the reader's language already; pydantic's checks of a type or a limit are said
    again through the catalog, in pydantic's English words when the reader reads English."""
    context: dict[str, Any] = dict(error.get("ctx") or {})
    kind = error["type"]
    if kind == "value_error":
        return str(context.get("error") or error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return _("Field required")
    if kind in ("int_parsing", "int_type"):
        return _("Input should be a valid integer, unable to parse string as an integer")
    if kind == "greater_than":
        return _("Input should be greater than %(gt)s") % context
    if kind == "greater_than_equal":
        return _("Input should be greater than or equal to %(ge)s") % context
    if kind == "less_than_equal":
        return _("Input should be less than or equal to %(le)s") % context
    if kind == "string_too_short":
        count = int(context["min_length"])
        return ngettext(
            "String should have at least %(min_length)s character",
            "String should have at least %(min_length)s characters",
            count,
        ) % {"min_length": count}
    if kind == "string_too_long":
        count = int(context["max_length"])
        return ngettext(
            "String should have at most %(max_length)s character",
            "String should have at most %(max_length)s characters",
            count,
        ) % {"max_length": count}
    if kind == "too_short":
        count = int(context["min_length"])
        return ngettext(
            "List should have at least %(min_length)s item after validation, not %(actual)s",
            "List should have at least %(min_length)s items after validation, not %(actual)s",
            count,
        ) % {"min_length": count, "actual": context["actual_length"]}
    if kind in ("enum", "literal_error"):
        return _("Input should be %(expected)s") % context
    return str(error["msg"])


def refusal_status(exc: Exception) -> int:
    """The status of the page that shows a refused form again: the domain's own (404, 409...),
    else 422 for what a person typed wrong."""
    if isinstance(exc, TandemError):
        return exc.status_code
    return status.HTTP_422_UNPROCESSABLE_CONTENT
