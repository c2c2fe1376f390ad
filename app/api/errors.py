"""The error body every API route may answer with, documented once for the whole API so the
OpenAPI schema describes what clients really receive."""

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    detail: str | list[dict[str, Any]] = Field(
        description="A message, or for malformed requests the list of what is wrong where.",
        examples=["conversation 42 not found"],
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, invalid or revoked API token"},
    403: {"model": ErrorOut, "description": "Not allowed for this user (e.g. admins only)"},
    404: {"model": ErrorOut, "description": "No such object in your workspace"},
    409: {"model": ErrorOut, "description": "Conflicts with the current state"},
    422: {"model": ErrorOut, "description": "Invalid input, with a message"},
}
