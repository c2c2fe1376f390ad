"""Text no database can store is refused at the door: a lone UTF-16 surrogate (JSON's
`"\\ud800"`, or its bytes percent-encoded in a form or a URL, which are no UTF-8) or a NUL
character in a JSON body, a form body or the query string is a 422 naming the field, before any
route runs, so nothing is stored half-way, no storage error surfaces as a 500, and no such text
is quietly turned into replacement characters. Multipart bodies carry files, whose bytes are
no text: their text fields are checked where they are read.

A pure ASGI middleware: it reads a JSON or form body once, checks it, and hands the same bytes
on.
"""

import json
from collections.abc import Iterator
from contextlib import suppress
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.plain_text import why_unstorable

_CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _strings(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*loc, str(key)), str(key)
            yield from _strings(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def _encoded_problems(where: str, encoded: bytes) -> Iterator[tuple[tuple[str, str], str]]:
    """What is wrong with each field of a query string or form body, percent-decoded to the
    bytes it carries and read as UTF-8 (a lone surrogate's bytes are no UTF-8)."""
    pairs = parse_qsl(encoded.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    for raw_name, raw_value in pairs:
        loc = (where, raw_name.encode("latin-1").decode("utf-8", "replace"))
        try:
            reason = why_unstorable(raw_value.encode("latin-1").decode("utf-8"))
        except UnicodeDecodeError:
            reason = "contains bytes that are no UTF-8 text"
        if reason is not None:
            yield loc, reason


def _problems(scope: Scope, content_type: str, body: bytes) -> list[dict[str, Any]]:
    found: list[tuple[tuple[str | int, ...], str]] = list(
        _encoded_problems("query", scope.get("query_string", b""))
    )
    if content_type.startswith("application/json"):
        with suppress(ValueError):  # the route's own parsing reports malformed JSON
            found += [
                (loc, reason)
                for loc, value in _strings(json.loads(body), ("body",))
                if (reason := why_unstorable(value)) is not None
            ]
    elif content_type.startswith("application/x-www-form-urlencoded"):
        found += _encoded_problems("body", body)
    return [{"loc": list(loc), "msg": reason, "type": "string_unstorable"} for loc, reason in found]


class TextInputGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        body = b""
        if content_type.startswith(_CHECKED_BODIES):
            body = await _read_body(receive)
            receive = _replay(body, receive)
        problems = _problems(scope, content_type, body)
        if problems:
            await _refuse(send, problems)
            return
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body once, then the client's own messages (a disconnect, when it comes)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _refuse(send: Send, problems: list[dict[str, Any]]) -> None:
    payload = json.dumps({"detail": problems}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
