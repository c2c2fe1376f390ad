"""Every text field of the REST API, read from the application's own OpenAPI schema, refuses a
lone surrogate, a NUL, a line break where the field is one line, and a 1 MB string: a 4xx that
names the field, nothing stored, nothing logged as an error.

A valid request is built from the schema's examples, then one field at a time is made hostile,
so a new operation or field is covered the moment it is added."""

import copy
import itertools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from app.core.models import (
    ApiToken,
    Conversation,
    Mailbox,
    Message,
    Note,
    Reminder,
    Rule,
    Template,
    User,
    WebhookSubscription,
)
from tests.app.hostile.conftest import (
    APP,
    BREAK,
    BREAK_TEXT,
    HUGE,
    HUGE_TEXT,
    MULTI_LINE,
    NUL,
    SURROGATE,
    World,
    assert_refused,
    row_counts,
)

SPEC = APP.openapi()
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

#: The first path segment after /api/v1 names the table behind `{id}`.
OBJECTS = {
    "users": User,
    "tokens": ApiToken,
    "mailboxes": Mailbox,
    "conversations": Conversation,
    "webhooks": WebhookSubscription,
    "outbox": Message,
    "messages": Message,
    "templates": Template,
    "notes": Note,
    "reminders": Reminder,
    "rules": Rule,
}

Path = tuple[str | int, ...]

#: As long as a URL's value gets: clients and servers refuse longer URLs before any route.
LONG_URL_TEXT = "x" * 60_000


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema behind a $ref, or the first non-null branch of an anyOf."""
    if "$ref" in schema:
        return _resolved(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    if "anyOf" in schema:
        return _resolved(next(item for item in schema["anyOf"] if item.get("type") != "null"))
    return schema


def _example(schema: dict[str, Any]) -> Any:
    """The schema's first example, else an object of its properties' examples (required ones
    built from their own schema)."""
    examples = schema.get("examples") or _resolved(schema).get("examples")
    if examples:
        return copy.deepcopy(examples[0])
    model = _resolved(schema)
    body: dict[str, Any] = {}
    for name, field in model.get("properties", {}).items():
        if field.get("examples") or name in model.get("required", ()):
            body[name] = _example(field)
    return body


def _text_fields(body: Any, schema: dict[str, Any], at: Path = ()) -> Iterator[Path]:
    """Where the body holds text: its own strings, and every text property of the schema it
    leaves out (added to it), inside the objects it sends too."""
    model = _resolved(schema)
    if isinstance(body, str):
        yield at
    elif isinstance(body, list):
        for index, item in enumerate(body):
            yield from _text_fields(item, model.get("items", {}), (*at, index))
    elif isinstance(body, dict):
        properties = model.get("properties", {})
        for name, value in body.items():
            yield from _text_fields(value, properties.get(name, {}), (*at, name))
        for name, field in properties.items():
            if name in body:
                continue
            kind = _resolved(field)
            if kind.get("type") == "string":
                yield (*at, name)
            elif _resolved(kind.get("items", {})).get("type") == "string":
                yield (*at, name, 0)


def _with(body: Any, at: Path, value: str) -> Any:
    changed = copy.deepcopy(body)
    parent = changed
    for step, following in itertools.pairwise(at):
        if isinstance(parent, dict) and step not in parent:
            parent[step] = [] if isinstance(following, int) else {}
        parent = parent[step]
    if isinstance(parent, list):
        parent[:] = [*parent[: at[-1]], value, *parent[at[-1] + 1 :]]
    else:
        parent[at[-1]] = value
    return changed


def _hostile(at: Path) -> Iterator[tuple[str, str]]:
    yield SURROGATE, "\ud800"
    yield NUL, "nul\x00here"
    if not any(step in MULTI_LINE for step in at):
        yield BREAK, BREAK_TEXT
    yield HUGE, HUGE_TEXT


def _json_body(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    return content["application/json"]["schema"] if "application/json" in content else None


def _body_texts(operation: dict[str, Any]) -> tuple[Any, list[Path]]:
    """A valid body from the examples, and where it holds text."""
    schema = _json_body(operation)
    if schema is None:
        return None, []
    valid = _example(schema)
    return valid, list(_text_fields(valid, schema))


def _operations() -> Iterator[tuple[str, str]]:
    """Every operation that takes text, in its body or its query string."""
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            if _body_texts(operation)[1] or _query_texts(operation):
                yield method.upper(), path


def _query_texts(operation: dict[str, Any]) -> list[str]:
    return [
        parameter["name"]
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and _resolved(parameter["schema"]).get("type") == "string"
    ]


def _url(world: World, path: str) -> str:
    segment = path.removeprefix("/api/v1/").split("/")[0]
    return path.replace("{id}", str(world.ids[OBJECTS[segment]])) if "{id}" in path else path


def _names_the_field(detail: Any, at: Path) -> bool:
    """The refusal names the field (or the object it is in), in a location (pydantic, the text
    guard) or in its text."""
    names = {step for step in at if isinstance(step, str)}
    if isinstance(detail, list):
        return any(names & {str(step) for step in error["loc"]} for error in detail)
    return any(name in str(detail) for name in names)


@pytest.mark.parametrize(("method", "path"), sorted(_operations()))
def test_every_text_field_refuses_hostile_text(
    method: str, path: str, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    operation = SPEC["paths"][path][method.lower()]
    url = _url(world, path)
    valid, texts = _body_texts(operation)
    for at in texts:
        for kind, value in _hostile(at):
            what = f"{method} {path} {'.'.join(map(str, at))} {kind}"
            before = row_counts(world.engine)
            response = world.client.request(
                method,
                url,
                content=json.dumps(_with(valid, at, value)).encode(),
                headers={**world.admin.headers, "Content-Type": "application/json"},
            )
            assert_refused(response, what, before, world, caplog)
            assert _names_the_field(response.json()["detail"], at), what
    for name in _query_texts(operation):
        for kind, encoded in ((SURROGATE, "%ED%A0%80"), (NUL, "a%00b"), (HUGE, LONG_URL_TEXT)):
            what = f"{method} {path}?{name} {kind}"
            before = row_counts(world.engine)
            response = world.client.request(
                method, f"{url}?{quote(name)}={encoded}", headers=world.admin.headers
            )
            assert_refused(response, what, before, world, caplog)
            assert _names_the_field(response.json()["detail"], (name,)), what
