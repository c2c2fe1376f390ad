"""Routes a Gmail API v1 call to its handler: authentication, "me", faults and quota.

Transport-free (`ApiRequest` in, `ApiResponse` out) so that a plain HTTP request and each part
of a batch take exactly the same path. Every failure leaves as Google's error JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gmail_emulator import errors
from gmail_emulator import mailbox_resources as mailbox_api
from gmail_emulator import message_resources as message_api
from gmail_emulator import thread_resources as thread_api
from gmail_emulator.calls import Call
from gmail_emulator.faults import Faults
from gmail_emulator.model import Mailbox
from gmail_emulator.quota import Quota
from gmail_emulator.store import Store
from gmail_emulator.tokens import Tokens

Handler = Callable[[Call], dict[str, Any] | None]
_USER = r"/gmail/v1/users/(?P<userId>[^/]+)"


@dataclass(frozen=True)
class Endpoint:
    method: str
    pattern: re.Pattern[str]
    quota_method: str
    handler: Handler


def _endpoint(method: str, path: str, quota_method: str, handler: Handler) -> Endpoint:
    pattern = re.compile("^" + _USER + path.replace("{id}", "(?P<id>[^/]+)") + "$")
    return Endpoint(method, pattern, quota_method, handler)


ENDPOINTS = (
    _endpoint("GET", "/profile", "getProfile", mailbox_api.profile),
    _endpoint("GET", "/labels", "labels.list", mailbox_api.list_labels),
    _endpoint("GET", "/labels/{id}", "labels.get", mailbox_api.get_label),
    _endpoint("GET", "/settings/sendAs", "settings.sendAs.list", mailbox_api.list_send_as),
    _endpoint("GET", "/history", "history.list", mailbox_api.list_history),
    _endpoint("POST", "/watch", "watch", mailbox_api.watch),
    _endpoint("POST", "/stop", "stop", mailbox_api.stop),
    _endpoint("GET", "/messages", "messages.list", message_api.list_messages),
    _endpoint("POST", "/messages", "messages.insert", message_api.insert),
    _endpoint("POST", "/messages/send", "messages.send", message_api.send),
    _endpoint("POST", "/messages/import", "messages.import", message_api.import_message),
    _endpoint("GET", "/messages/{id}", "messages.get", message_api.get),
    _endpoint("DELETE", "/messages/{id}", "messages.delete", message_api.delete),
    _endpoint("POST", "/messages/{id}/modify", "messages.modify", message_api.modify),
    _endpoint(
        "GET",
        "/messages/(?P<messageId>[^/]+)/attachments/{id}",
        "messages.attachments.get",
        message_api.get_attachment,
    ),
    _endpoint("GET", "/threads", "threads.list", thread_api.list_threads),
    _endpoint("GET", "/threads/{id}", "threads.get", thread_api.get),
)


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class ApiResponse:
    status: int
    payload: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> bytes:
        if self.payload is None:
            return b""
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


class GmailApi:
    def __init__(self, store: Store, tokens: Tokens, faults: Faults, quota: Quota) -> None:
        self.store = store
        self.tokens = tokens
        self.faults = faults
        self.quota = quota

    def handle(self, request: ApiRequest) -> ApiResponse:
        try:
            return self._handle(request)
        except errors.ApiError as exc:
            headers = {}
            if exc.code == 401:
                headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
            return ApiResponse(exc.code, exc.body(), headers)

    def _handle(self, request: ApiRequest) -> ApiResponse:
        upload = request.path.startswith("/upload/")
        endpoint, params = _route(request.method, request.path.removeprefix("/upload"))
        mailbox = self._mailbox(request, params.pop("userId"))
        injected = self.faults.draw()
        if injected is not None:
            raise errors.injected_fault(injected)
        call = Call(
            self.store,
            mailbox,
            params,
            request.query,
            request.body,
            request.headers.get("content-type", ""),
            upload,
            self.faults.history_window,
        )
        result = endpoint.handler(call)
        self.quota.charge(endpoint.quota_method, mailbox.email)
        return ApiResponse(200 if result is not None else 204, result)

    def _mailbox(self, request: ApiRequest, user_id: str) -> Mailbox:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        email = self.tokens.email_for(token.strip()) if scheme.lower() == "bearer" else None
        if email is None or email not in self.store.mailboxes:
            raise errors.unauthenticated()
        if user_id not in {"me", email}:
            raise errors.delegation_denied(user_id)
        return self.store.mailboxes[email]


def _route(method: str, path: str) -> tuple[Endpoint, dict[str, str]]:
    for endpoint in ENDPOINTS:
        match = endpoint.pattern.match(path)
        if match and endpoint.method == method:
            return endpoint, {k: v for k, v in match.groupdict().items() if v is not None}
    raise errors.ApiError(404, "notFound", f"Method not found: {method} {path}")
