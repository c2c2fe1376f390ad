"""Google's JSON error shape for the emulated Gmail API.

Every failure the Gmail endpoints report goes through `ApiError`, so clients see exactly the
`{"error": {"code", "message", "errors": [...], "status"}}` body that google-api-python-client
turns into `HttpError`. It owns no HTTP plumbing.
"""

from __future__ import annotations

from typing import Any

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """A Gmail API failure with Google's code, reason and message."""

    def __init__(self, code: int, reason: str, message: str, domain: str = "global") -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.domain = domain

    def body(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "message": self.message,
            "domain": self.domain,
            "reason": self.reason,
        }
        if self.code == 401:
            detail["location"] = "Authorization"
            detail["locationType"] = "header"
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [detail],
                "status": _STATUS_NAMES.get(self.code, "UNKNOWN"),
            }
        }


def not_found() -> ApiError:
    return ApiError(404, "notFound", "Requested entity was not found.")


def invalid_argument(message: str) -> ApiError:
    return ApiError(400, "invalidArgument", message)


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential.",
    )


def delegation_denied(user_id: str) -> ApiError:
    return ApiError(403, "forbidden", f"Delegation denied for {user_id}")


def injected_fault(code: int) -> ApiError:
    """The error Google returns for each status the fault injector can produce."""
    if code == 429:
        return ApiError(429, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits")
    if code == 403:
        return ApiError(403, "userRateLimitExceeded", "User Rate Limit Exceeded", "usageLimits")
    if code == 503:
        return ApiError(503, "backendError", "The service is currently unavailable.")
    return ApiError(code, "backendError", "Internal error encountered.")
