"""Error categories every package raises; the edge maps each category to one HTTP status.

Domain code never raises HTTP exceptions and never lets a library's error type escape.
"""


class TandemError(Exception):
    """Base of the categories; `str(error)` is the message shown to the caller."""

    status_code = 500


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
