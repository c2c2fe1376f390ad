"""The control API under /_emulator: mailboxes, sign-in accounts, delivery, faults, quota, push
subscriptions.

Tests, the demo seed and benchmarks drive the emulator through it; it bypasses OAuth and quota
and answers JSON. Failures raise `ApiError`, which the app renders in Google's error shape.
Besides the paths Tandem relies on it serves GET /mailboxes, ?labelIds= on delivery,
GET /faults, DELETE /quota, POST /push_subscriptions and POST/GET /accounts (see the package
docstring).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gmail_emulator import errors
from gmail_emulator.backend import Backend
from gmail_emulator.faults import FaultError
from gmail_emulator.messages import b64url
from gmail_emulator.push import Subscription
from gmail_emulator.quota import TABLES
from gmail_emulator.seed import INCOMING_LABELS, mbox_messages
from gmail_emulator.store import DATE_HEADER, RECEIVED_TIME


def load_mbox(backend: Backend, email: str, data: bytes, date_source: str) -> list[str]:
    """Delivers every message of an mbox as incoming mail; returns the new Gmail ids."""
    store = backend.store
    store.mailbox(email)
    with store.bulk():
        return [
            store.add_message(email, raw, INCOMING_LABELS, date_source=date_source).id
            for raw in mbox_messages(data)
        ]


def _date_source(request: Request) -> str:
    """Delivered mail is mail Gmail receives now; `?internalDateSource=dateHeader` seeds history
    dated by each message's Date header, as Gmail's messages.import does."""
    source = request.query_params.get("internalDateSource", RECEIVED_TIME)
    if source not in (RECEIVED_TIME, DATE_HEADER):
        raise errors.invalid_argument(f"Invalid value at 'internalDateSource': {source}")
    return source


class ControlEndpoints:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def routes(self) -> list[Route]:
        prefix = "/_emulator"
        box = prefix + "/mailboxes/{email}"
        return [
            Route(prefix + "/mailboxes", self.create_mailbox, methods=["POST"]),
            Route(prefix + "/mailboxes", self.list_mailboxes, methods=["GET"]),
            Route(prefix + "/accounts", self.create_account, methods=["POST"]),
            Route(prefix + "/accounts", self.list_accounts, methods=["GET"]),
            Route(box + "/messages", self.deliver, methods=["POST"]),
            Route(box + "/mbox", self.deliver_mbox, methods=["POST"]),
            Route(box + "/sent", self.sent, methods=["GET"]),
            Route(prefix + "/faults", self.set_faults, methods=["POST"]),
            Route(prefix + "/faults", self.get_faults, methods=["GET"]),
            Route(prefix + "/certs", self.certs, methods=["GET", "POST"]),
            Route(prefix + "/quota", self.quota, methods=["GET"]),
            Route(prefix + "/quota", self.clear_quota, methods=["DELETE"]),
            Route(prefix + "/push_subscriptions", self.subscribe, methods=["POST"]),
            Route(prefix + "/reset", self.reset, methods=["POST"]),
        ]

    async def create_mailbox(self, request: Request) -> Response:
        body = await _json(request)
        email, aliases = body.get("email"), body.get("aliases") or []
        if not isinstance(email, str) or "@" not in email or not isinstance(aliases, list):
            raise errors.invalid_argument("Give an email and a list of aliases")
        name = str(body.get("name") or email.split("@")[0])
        created = self.backend.store.create_mailbox(email, name, map(str, aliases))
        return JSONResponse(_mailbox_json(created), status_code=201)

    async def list_mailboxes(self, request: Request) -> Response:
        boxes = [_mailbox_json(m) for m in self.backend.store.mailboxes.values()]
        return JSONResponse({"mailboxes": boxes})

    async def create_account(self, request: Request) -> Response:
        """A person who can sign in with Google here but has no mailbox; adding again renames."""
        body = await _json(request)
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email.strip():
            raise errors.invalid_argument("Give an email")
        name = str(body.get("name") or email.strip().split("@")[0])
        key = self.backend.accounts.add(email, name)
        return JSONResponse({"email": key, "name": name}, status_code=201)

    async def list_accounts(self, request: Request) -> Response:
        """Everyone who can sign in: the added people and every mailbox."""
        accounts = self.backend.accounts
        listing = [{"email": e, "name": accounts.name_of(e)} for e in accounts.emails()]
        return JSONResponse({"accounts": listing})

    async def certs(self, request: Request) -> Response:
        """How often `/oauth2/v1/certs` was fetched, and its max-age; a POST of
        `{"max_age": N}` sets that and zeroes the count."""
        accounts = self.backend.accounts
        if request.method == "POST":
            max_age = (await _json(request)).get("max_age")
            if not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 0:
                raise errors.invalid_argument("max_age must be a whole number of seconds")
            accounts.certs_max_age, accounts.certs_fetches = max_age, 0
        return JSONResponse({"fetches": accounts.certs_fetches, "max_age": accounts.certs_max_age})

    async def deliver(self, request: Request) -> Response:
        raw = await request.body()
        labels = request.query_params.get("labelIds")
        chosen = labels.split(",") if labels else INCOMING_LABELS
        message = self.backend.store.add_message(
            request.path_params["email"], raw, chosen, date_source=_date_source(request)
        )
        body = {"id": message.id, "threadId": message.thread_id}
        return JSONResponse({**body, "historyId": str(message.history_id)}, status_code=201)

    async def deliver_mbox(self, request: Request) -> Response:
        data = await request.body()
        ids = load_mbox(self.backend, request.path_params["email"], data, _date_source(request))
        return JSONResponse({"count": len(ids), "ids": ids}, status_code=201)

    async def sent(self, request: Request) -> Response:
        mailbox = self.backend.store.mailbox(request.path_params["email"])
        sent = sorted((m for m in mailbox.messages.values() if m.sent), key=lambda m: m.seq)
        items = [{"id": m.id, "threadId": m.thread_id, "raw": b64url(m.raw)} for m in sent]
        return JSONResponse({"messages": items})

    async def set_faults(self, request: Request) -> Response:
        body = await _json(request)
        tokens = self.backend.tokens
        try:
            if body:
                self.backend.faults.update({k: v for k, v in body.items() if k in _FAULT_KEYS})
            else:
                self.backend.faults.clear()
        except FaultError as exc:
            raise errors.invalid_argument(str(exc)) from exc
        for email in _emails(body.get("revoke")):
            tokens.revoke_mailbox(email)
        for email in _emails(body.get("expire_access_tokens")):
            tokens.expire_access(email)
        return JSONResponse(self.backend.faults.describe())

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse(self.backend.faults.describe())

    async def quota(self, request: Request) -> Response:
        table = request.query_params.get("table", "current")
        if table not in TABLES:
            raise errors.invalid_argument(f"table must be one of {sorted(TABLES)}")
        return JSONResponse(self.backend.quota.report(table))

    async def clear_quota(self, request: Request) -> Response:
        self.backend.quota.clear()
        return Response(status_code=204)

    async def subscribe(self, request: Request) -> Response:
        body = await _json(request)
        topic, url = body.get("topic"), body.get("url")
        if not isinstance(topic, str) or not isinstance(url, str):
            raise errors.invalid_argument("Give a topic and a url")
        project = topic.split("/")[1] if topic.startswith("projects/") else "emulator"
        default_name = f"projects/{project}/subscriptions/{topic.rsplit('/', 1)[-1]}-push"
        subscription = Subscription(str(body.get("subscription") or default_name), topic, url)
        self.backend.subscribe(subscription)
        return JSONResponse(
            {"subscription": subscription.name, "topic": topic, "url": url}, status_code=201
        )

    async def reset(self, request: Request) -> Response:
        self.backend.reset()
        return JSONResponse({})


_FAULT_KEYS = ("error_rates", "latency_ms", "history_window", "seed")


async def _json(request: Request) -> dict[str, Any]:
    """The JSON object body (an empty body is `{}`)."""
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise errors.invalid_argument(f"Invalid JSON body: {exc}") from exc
    if not isinstance(body, dict):
        raise errors.invalid_argument("The body must be a JSON object")
    return body


def _emails(value: object) -> list[str]:
    return [str(v).lower() for v in value] if isinstance(value, list) else []


def _mailbox_json(mailbox: Any) -> dict[str, Any]:
    return {
        "email": mailbox.email,
        "name": mailbox.name,
        "aliases": mailbox.aliases,
        "messagesTotal": len(mailbox.messages),
        "historyId": str(mailbox.history_id),
    }
