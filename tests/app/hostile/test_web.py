"""Every text field of every web form refuses a lone surrogate (as the bytes a browser would
send for it), a NUL, a line break where the field is one line, and a 1 MB string: a 4xx,
nothing stored, nothing logged as an error.

The forms are read from the application's routes (their `Form()` fields), so a new form is
covered the moment it is added; it must then say what a valid post looks like in `VALID`."""

from collections.abc import Iterator
from typing import Any, get_args
from urllib.parse import quote_plus

import pytest
from fastapi import params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from app.core.models import (
    ApiToken,
    Conversation,
    Mailbox,
    Message,
    Template,
    WebhookSubscription,
    utcnow,
)
from inbox.rating_links import RatingLinks
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
from tests.conftest import TEST_SECRET

LATER = "2099-01-01T10:00"

#: Forms a route reads itself rather than through `Form()` parameters: their text fields.
READ_BY_THE_ROUTE = {
    "/c/{id}/update": ("assignee", "status", "priority", "tags"),
    "/c/{id}/reply": (
        "body_text",
        "mode",
        "reason",
        "cc",
        "exclude",
        "template_id",
        "promise",
        "promise_custom",
        "seen_at",
        "then",
    ),
}

#: A post each form accepts (or refuses only for what it is, like a wrong password); each
#: hostile post changes one text field of it.
VALID: dict[str, dict[str, str]] = {
    "/login": {"email": "admin@acme.test", "password": "correct horse battery", "next": "/"},
    "/password/forgot": {"email": "admin@acme.test"},
    "/password/reset": {
        "token": "a-link-token",
        "new_password": "a new password",
        "repeat_password": "a new password",
    },
    "/account/password": {
        "current_password": "correct horse battery",
        "new_password": "a new password",
        "repeat_password": "a new password",
    },
    "/account/preferences": {"language": "en", "timezone": "Europe/Berlin"},
    "/tokens": {"name": "CRM"},
    "/settings/tokens": {"name": "CRM"},
    "/inbox/bulk": {"action": "close", "ids": "{conversation}", "back": "/inbox?view=open"},
    "/c/{id}/update": {
        "assignee": "",
        "status": "pending",
        "priority": "high",
        "tags": "billing, vip",
    },
    "/c/{id}/snooze": {"when": "custom", "custom": LATER},
    "/c/{id}/close": {"from": "view=open"},
    "/c/{id}/resolve": {"template_id": ""},
    "/rate/{token}": {"choice": "5", "comment": "Quick and clear, thank you."},
    "/c/{id}/promise": {"when": "custom", "custom": LATER},
    "/c/{id}/reminders": {
        "when": "custom",
        "custom": LATER,
        "whom": "{admin}",
        "text": "Call Anna about the refund",
    },
    "/c/{id}/reply": {
        "body_text": "Hello, the refund went out.",
        "mode": "sender",
        "reason": "A private matter",
        "cc": "Finance <finance@client.test>",
        "exclude": "boris@client.test",
        "template_id": "",
        "promise": "custom",
        "promise_custom": LATER,
        "seen_at": "2026-11-20T09:00:00+00:00",
        "then": "pending",
    },
    "/c/{id}/notes": {"body": "Client wants a call on Monday."},
    "/c/{id}/presence": {"tab": "tab-1"},
    "/settings/mailboxes": {"email": "help@acme.test"},
    "/settings/mailboxes/{id}": {
        "display_name": "Acme Support",
        "auto_ack_text": "Thank you, we got your message.",
        "auto_ack_window_minutes": "1440",
        "language": "",
    },
    "/settings/team": {
        "email": "new@acme.test",
        "name": "New Member",
        "role": "agent",
        "password": "a long password",
    },
    "/settings/team/password": {"user_id": "{admin}", "password": "a temporary password"},
    "/settings/team/{id}": {"role": "agent", "is_active": "true", "is_available": "true"},
    "/settings/sla": {
        "timezone": "Europe/Berlin",
        "first_response_minutes": "60",
        "next_response_minutes": "120",
        "urgent_response_minutes": "30",
        "max_response_minutes": "1440",
        **{day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": "",
        "sun": "",
        "holidays": "2026-12-25",
        "holiday_country": "DE",
        "working_days": "2026-12-27",
        "max_response_clock": "working_days",
    },
    "/settings/templates/preview": {
        "id": "",
        "name": "Greeting",
        "body_text": "Hello",
        "body_html": "",
    },
    "/settings/templates": {"id": "", "name": "Greeting", "body_text": "Hello", "body_html": ""},
    "/settings/templates/{id}": {
        "id": "{id}",
        "name": "Greeting",
        "body_text": "Hello",
        "body_html": "",
    },
    "/settings/workspace": {"name": "Acme", "timezone": "Europe/Berlin", "language": "en"},
    "/settings/mail": {
        "host": "smtp.acme.test",
        "port": "587",
        "security": "starttls",
        "username": "tandem",
        "password": "app password",
        "sender": "tandem@acme.test",
    },
    "/settings/webhooks": {"url": "https://hooks.example/x", "events": "conversation.created"},
    "/settings/webhooks/{id}": {"url": "https://hooks.example/x", "events": "message.sent"},
}

#: Forms that count a wrong password towards the sign-in delays, a refusal that is stored.
COUNTED = {"/login": "sign_in_attempt", "/account/password": "sign_in_attempt"}

#: The table behind `{id}`, by the path's first segment (the second one under /settings).
OBJECTS = {
    "c": Conversation,
    "mailboxes": Mailbox,
    "templates": Template,
    "webhooks": WebhookSubscription,
    "tokens": ApiToken,
}


def _body_params(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.body_params
    for child in dependant.dependencies:
        yield from _body_params(child)


def _is_text(annotation: Any) -> bool:
    return annotation is str or any(
        _is_text(arg) for arg in get_args(annotation) if arg is not type(None)
    )


def _text_fields(route: APIRoute) -> list[str]:
    names = []
    for param in _body_params(route.dependant):
        if not isinstance(param.field_info, params.Form):
            continue
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = annotation.model_fields.items()
            names += [name for name, field in fields if _is_text(field.annotation)]
        elif _is_text(annotation):
            names.append(param.alias or param.name)
    return names


def _forms() -> dict[str, list[str]]:
    forms: dict[str, list[str]] = {}
    for context in iter_route_contexts(APP.router.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or "POST" not in (context.methods or ()):
            continue
        names = list(READ_BY_THE_ROUTE.get(context.path, ())) or _text_fields(route)
        if names:
            forms[context.path] = names
    return forms


FORMS = _forms()


def _url(world: World, path: str) -> str:
    segments = path.strip("/").split("/")
    if segments[0] == "rate":
        return path.replace("{token}", _rating_token(world))
    segment = segments[1] if segments[0] == "settings" else segments[0]
    if segment == "team":
        return path.replace("{id}", str(world.admin.user_id))
    return path.replace("{id}", str(world.ids[OBJECTS[segment]])) if "{id}" in path else path


def _rating_token(world: World) -> str:
    """A genuine link's token, so each field is judged on its own, not refused with the link."""
    return RatingLinks(TEST_SECRET, "http://testserver").token(
        conversation_id=world.ids[Conversation],
        message_id=world.ids[Message],
        agent_id=None,
        now=utcnow(),
    )


def _valid(world: World, path: str) -> dict[str, str]:
    places = {
        "{conversation}": str(world.ids[Conversation]),
        "{admin}": str(world.admin.user_id),
        "{id}": _url(world, path).rsplit("/", 1)[-1],
    }
    return {name: places.get(value, value) for name, value in VALID[path].items()}


def _hostile(name: str) -> Iterator[tuple[str, str]]:
    """Each value percent-encoded as a browser posts it."""
    yield SURROGATE, "%ED%A0%80"
    yield NUL, "nul%00here"
    if name not in MULTI_LINE:
        yield BREAK, quote_plus(BREAK_TEXT)
    yield HUGE, HUGE_TEXT


def test_every_form_says_what_a_valid_post_is() -> None:
    assert len(FORMS) > 20
    for path, names in FORMS.items():
        assert path in VALID, f"{path}: say what a valid post is in VALID"
        assert set(names) <= set(VALID[path]), f"{path}: {set(names) - set(VALID[path])}"


@pytest.mark.parametrize("path", sorted(FORMS))
def test_every_form_field_refuses_hostile_text(
    path: str, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    valid = {**_valid(world, path), "csrf_token": world.csrf}
    for name in FORMS[path]:
        for kind, encoded in _hostile(name):
            fields = [f"{quote_plus(key)}={quote_plus(value)}" for key, value in valid.items()]
            fields = [field for field in fields if not field.startswith(f"{name}=")]
            fields.append(f"{name}={encoded}")
            what = f"POST {path} {name} {kind}"
            before = row_counts(world.engine)
            response = world.client.post(
                _url(world, path),
                content="&".join(fields).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
            assert_refused(response, what, before, world, caplog, counted=COUNTED.get(path))
