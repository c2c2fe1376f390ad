"""Text no database can store is refused at the door: a lone UTF-16 surrogate (JSON's
`"\\ud800"`) or a NUL character in a JSON body, a form body or the query string is a 422 naming
the field, before any route runs, so nothing is stored half-way and no storage error surfaces
as a 500. Multipart bodies carry files, whose bytes are no text: their text fields are checked
where they are read.

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


def _problems(scope: Scope, content_type: str, body: bytes) -> list[dict[str, Any]]:
    found: list[tuple[tuple[str | int, ...], str]] = [
        (("query", name), value)
        for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    ]
    if content_type.startswith("application/json"):
        with suppress(ValueError):  # the route's own parsing reports malformed JSON
            found += _strings(json.loads(body), ("body",))
    elif content_type.startswith("application/x-www-form-urlencoded"):
        fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        found += [(("body", name), value) for name, value in fields]
    return [
        {"loc": list(loc), "msg": reason, "type": "string_unstorable"}
        for loc, value in found
        if (reason := why_unstorable(value)) is not None
    ]


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
