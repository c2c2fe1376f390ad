"""Error categories every package raises; the edge maps each category to one HTTP status.

Domain code never raises HTTP exceptions and never lets a library's error type escape. A message
is written at raise time through `app.core.i18n.gettext`, so it reads in the language of whoever
is reading (English for the API).
"""


class TandemError(Exception):
    """Base of the categories; `str(error)` is the message shown to the caller. `field` names
    the request field the refusal concerns, when it concerns one, so a form can show it beside
    that field whatever language the message is in."""

    status_code = 500

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(TandemError):
    status_code = 404


class Conflict(TandemError):
    status_code = 409


class Forbidden(TandemError):
    status_code = 403


class Invalid(TandemError):
    status_code = 422


class Unavailable(TandemError):
    status_code = 503


class FieldRule(ValueError):
    """A request model's rule over several fields, refused beside one of them: pydantic gives a
    model-wide refusal no location, so the form finds the field here."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
