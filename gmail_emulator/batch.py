"""The batch endpoint: a multipart/mixed body of up to 100 application/http calls.

Each part is answered independently through `GmailApi` (its own auth header, faults and quota
cost), in order, with the `response-` Content-IDs google-api-python-client pairs them by.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

from gmail_emulator import errors, multipart
from gmail_emulator.gmail_api import ApiRequest, ApiResponse, GmailApi

MAX_PARTS = 100
_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def handle_batch(
    api: GmailApi, body: bytes, content_type: str, outer_headers: dict[str, str]
) -> tuple[int, bytes, str]:
    """Returns (status, body, content type) of the whole batch response."""
    try:
        parts = multipart.split(body, content_type)
        if len(parts) > MAX_PARTS:
            raise errors.invalid_argument(f"A batch may hold at most {MAX_PARTS} calls")
    except errors.ApiError as exc:
        return exc.code, ApiResponse(exc.code, exc.body()).body(), "application/json"
    boundary = "batch_" + secrets.token_hex(12)
    chunks = [_answer(api, part, outer_headers, boundary) for part in parts]
    payload = b"".join(chunks) + f"--{boundary}--\r\n".encode()
    return 200, payload, f"multipart/mixed; boundary={boundary}"


def _answer(api: GmailApi, part: multipart.Part, outer: dict[str, str], boundary: str) -> bytes:
    content_id = part.headers.get("content-id", "<>").strip()
    response_id = "<response-" + content_id[1:] if content_id.startswith("<") else content_id
    try:
        request = _inner_request(part.content, outer)
        response = api.handle(request)
    except errors.ApiError as exc:
        response = ApiResponse(exc.code, exc.body())
    body = response.body()
    reason = _REASONS.get(response.status, "Error")
    lines = [
        f"--{boundary}",
        "Content-Type: application/http",
        f"Content-ID: {response_id}",
        "",
        f"HTTP/1.1 {response.status} {reason}",
        "Content-Type: application/json; charset=UTF-8",
        *(f"{name}: {value}" for name, value in response.headers.items()),
        f"Content-Length: {len(body)}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode() + body + b"\r\n"


def _inner_request(content: bytes, outer: dict[str, str]) -> ApiRequest:
    request_line, _, rest = content.partition(b"\n")
    fields = request_line.decode("latin-1").strip().split(" ")
    if len(fields) < 2:
        raise errors.invalid_argument("Malformed request line in batch part")
    inner = multipart.parse_part(rest)
    headers = dict(inner.headers)
    if "authorization" not in headers and "authorization" in outer:
        headers["authorization"] = outer["authorization"]
    url = urlsplit(fields[1])
    return ApiRequest(fields[0].upper(), url.path, parse_qs(url.query), headers, inner.content)
