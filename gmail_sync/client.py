"""Talks to the Gmail API v1 through google-api-python-client, for Google or the emulator.

The service comes from the discovery document the package ships, never fetched over the network;
with an `api_root` (the emulator's base URL) its rootUrl is rewritten so that single calls and
`new_batch_http_request()` both go there. Every call retries 429s, rate-limit 403s, 5xx and
transport errors with capped exponential backoff and full jitter (honouring Retry-After), batch
parts that failed are re-queued (the library does not retry them), and quota units are counted
(per session for the mailbox's daily figure, and in the process's Prometheus counters).
Google's `HttpError` never escapes this module: callers get Tandem's error categories.
"""

import base64
import json
import logging
import random
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.discovery import Resource, build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest, MediaInMemoryUpload

from app.core.errors import Invalid, NotFound, Unavailable
from app.core.metrics import GMAIL_CALLS, GMAIL_ERRORS, GMAIL_QUOTA_UNITS, GMAIL_RETRIES
from app.core.settings import Settings
from gmail_sync.oauth import (
    ReauthRequired,
    TokenCipher,
    google_endpoints,
    open_credentials,
    seal_credentials,
)

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
TRANSPORT_ERRORS = (httplib2.HttpLib2Error, TransportError, OSError, socket.timeout)
BATCH_LIMIT = 100

#: Gmail API quota units per method, the table in force since 1 May 2026 (Google's "Usage
#: limits" page for the Gmail API as summarised by Nylas, 14 May 2026; methods not listed there
#: are unchanged from the older table). Used to report what a mailbox spends per day.
QUOTA_UNITS: dict[str, int] = {
    "getProfile": 1,
    "labels.list": 1,
    "settings.sendAs.list": 1,
    "history.list": 2,
    "messages.list": 5,
    "messages.get": 20,
    "messages.attachments.get": 5,
    "messages.modify": 5,
    "messages.send": 100,
    "threads.list": 10,
    "threads.get": 40,
    "watch": 100,
    "stop": 50,
}


class GmailUnavailable(Unavailable):
    """Gmail kept failing (rate limits, server errors, network) after every retry."""


class GmailNotFound(NotFound):
    pass


class HistoryExpired(GmailNotFound):
    """The stored historyId is older than Gmail keeps: only a full sync can catch up."""


@lru_cache(maxsize=1)
def _discovery_document() -> str:
    return str(get_static_doc("gmail", "v1"))


def build_gmail_service(credentials: Any, api_root: str | None) -> Resource:
    """The Gmail v1 service authorised by `credentials` (google-auth credentials)."""
    document: dict[str, Any] = json.loads(_discovery_document())
    if api_root:
        root = api_root.rstrip("/") + "/"
        document.update(rootUrl=root, baseUrl=root, mtlsRootUrl=root)
    return build_from_document(document, credentials=credentials)


@dataclass
class RetryPolicy:
    """Bounded so one struggling mailbox gives up (and is retried later) instead of
    holding a worker for ever."""

    attempts: int = 6
    base_seconds: float = 1.0
    cap_seconds: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def wait(self, attempt: int, retry_after: float | None) -> None:
        backoff = self.jitter() * min(self.cap_seconds, self.base_seconds * 2**attempt)
        self.sleep(max(backoff, retry_after or 0.0))


@dataclass
class _Failure:
    retryable: bool
    error: Exception
    retry_after: float | None = None


def _reason(exc: HttpError) -> str:
    try:
        body = json.loads(exc.content)
        return str(body["error"]["errors"][0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


def _classify(exc: Exception, method: str) -> _Failure:
    """Decides retry or give up, and turns the library's error into Tandem's category."""
    if isinstance(exc, RefreshError):
        # RefreshError's text is the tuple of its args: say its message, not the tuple.
        said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
        return _Failure(False, ReauthRequired(f"Google refused the mailbox's token: {said}"))
    if isinstance(exc, TRANSPORT_ERRORS):
        return _Failure(True, GmailUnavailable(f"network error talking to Gmail: {exc}"))
    if not isinstance(exc, HttpError):
        return _Failure(False, exc)
    status, reason = exc.resp.status, _reason(exc)
    retry_after = exc.resp.get("retry-after")
    delay = float(retry_after) if retry_after and retry_after.isdigit() else None
    message = f"Gmail {method} answered {status} {reason or exc.reason}".strip()
    if status in RETRYABLE_STATUSES or (status == 403 and reason in RATE_LIMIT_REASONS):
        return _Failure(True, GmailUnavailable(message), delay)
    if status == 401:
        return _Failure(False, ReauthRequired(message))
    if status == 404:
        error = HistoryExpired(message) if method == "history.list" else GmailNotFound(message)
        return _Failure(False, error)
    if status == 400:
        return _Failure(False, Invalid(message))
    return _Failure(False, ReauthRequired(message) if status == 403 else GmailUnavailable(message))


def _gave_up(method: str, failure: _Failure) -> Exception:
    """The failure's error, counted as a call that failed for good."""
    GMAIL_ERRORS.labels(method, type(failure.error).__name__).inc()
    return failure.error


def mailbox_client(
    sealed: str | None, settings: Settings, retry: RetryPolicy | None = None
) -> "GmailClient":
    """A mailbox's Gmail session from its sealed credentials, on the configured endpoints and
    retry pace; ReauthRequired when there are none (a disconnected mailbox) or they are dead."""
    if not sealed:
        raise ReauthRequired("the mailbox has no stored credentials: reconnect it")
    credentials = open_credentials(sealed, settings=settings, cipher=TokenCipher(settings))
    pace = retry or RetryPolicy(base_seconds=settings.gmail_retry_base_seconds)
    return GmailClient(credentials, google_endpoints(settings).api_root, retry=pace)


@dataclass
class GmailClient:
    """One mailbox's Gmail session; not thread-safe (httplib2), so one per sync run."""

    credentials: Any
    api_root: str | None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    units: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.service = build_gmail_service(self.credentials, self.api_root)
        self.users = self.service.users()
        self.first_token = self.credentials.token

    def close(self) -> None:
        self.service.close()

    def resealed(self, settings: Settings) -> str | None:
        """The credentials sealed again when Google refreshed the access token meanwhile, so
        the next session starts from it; None when nothing changed."""
        if self.credentials.token == self.first_token:
            return None
        return seal_credentials(self.credentials, TokenCipher(settings))

    @property
    def units_spent(self) -> int:
        return sum(QUOTA_UNITS.get(method, 0) * count for method, count in self.units.items())

    def _succeeded(self, method: str) -> None:
        self.units[method] += 1
        GMAIL_CALLS.labels(method).inc()
        GMAIL_QUOTA_UNITS.labels(method).inc(QUOTA_UNITS.get(method, 0))

    def call(self, method: str, request: HttpRequest) -> dict[str, Any]:
        for attempt in range(self.retry.attempts):
            try:
                response: dict[str, Any] = request.execute()
            except Exception as exc:  # classified below; anything unknown is re-raised
                failure = _classify(exc, method)
                if not failure.retryable or attempt == self.retry.attempts - 1:
                    raise _gave_up(method, failure) from None
                logger.info("gmail retry", extra={"method": method, "attempt": attempt + 1})
                GMAIL_RETRIES.labels(method).inc()
                self.retry.wait(attempt, failure.retry_after)
                continue
            self._succeeded(method)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def call_many(
        self, method: str, requests: dict[str, Callable[[], HttpRequest]]
    ) -> dict[str, dict[str, Any] | None]:
        """Runs calls in batches; a part that is not found maps to None, failed parts retry."""
        results: dict[str, dict[str, Any] | None] = {}
        pending = dict(requests)
        for attempt in range(self.retry.attempts):
            failures = self._run_batches(method, pending, results)
            retryable = {key: f for key, f in failures.items() if f.retryable}
            for key, failure in failures.items():
                if not failure.retryable:
                    if not isinstance(failure.error, GmailNotFound):
                        raise _gave_up(method, failure)
                    results[key] = None
            if not retryable:
                return results
            if attempt == self.retry.attempts - 1:
                raise _gave_up(method, next(iter(retryable.values())))
            GMAIL_RETRIES.labels(method).inc(len(retryable))
            pending = {key: requests[key] for key in retryable}
            delays = [f.retry_after or 0.0 for f in retryable.values()]
            self.retry.wait(attempt, max(delays))
        return results

    def _run_batches(
        self,
        method: str,
        pending: dict[str, Callable[[], HttpRequest]],
        results: dict[str, dict[str, Any] | None],
    ) -> dict[str, _Failure]:
        failures: dict[str, _Failure] = {}

        def collect(request_id: str, response: Any, exception: Exception | None) -> None:
            if exception is None:
                self._succeeded(method)
                results[request_id] = response
            else:
                failures[request_id] = _classify(exception, method)

        keys = list(pending)
        for start in range(0, len(keys), BATCH_LIMIT):
            chunk = keys[start : start + BATCH_LIMIT]
            batch = self.service.new_batch_http_request(callback=collect)
            for key in chunk:
                batch.add(pending[key](), request_id=key)
            try:
                batch.execute()
            except Exception as exc:  # the whole envelope failed: every part is retried
                failure = _classify(exc, "batch")
                if not failure.retryable:
                    raise _gave_up("batch", failure) from None
                failures.update({key: failure for key in chunk if key not in results})
        return failures

    def profile(self) -> dict[str, Any]:
        return self.call("getProfile", self.users.getProfile(userId="me"))

    def send_as_addresses(self) -> list[str]:
        response = self.call(
            "settings.sendAs.list", self.users.settings().sendAs().list(userId="me")
        )
        return [entry["sendAsEmail"].lower() for entry in response.get("sendAs", [])]

    def list_threads(
        self, *, label: str, query: str, page_token: str | None, page_size: int = 500
    ) -> dict[str, Any]:
        request = self.users.threads().list(
            userId="me", labelIds=[label], q=query, pageToken=page_token, maxResults=page_size
        )
        return self.call("threads.list", request)

    def estimate_messages(self, *, label: str, query: str) -> int:
        request = self.users.messages().list(userId="me", labelIds=[label], q=query, maxResults=1)
        return int(self.call("messages.list", request).get("resultSizeEstimate", 0))

    def get_threads(self, thread_ids: Iterable[str]) -> dict[str, dict[str, Any] | None]:
        threads = self.users.threads()
        return self.call_many(
            "threads.get",
            {tid: partial(threads.get, userId="me", id=tid, format="full") for tid in thread_ids},
        )

    def get_messages(
        self, message_ids: Iterable[str], *, message_format: str = "full"
    ) -> dict[str, dict[str, Any] | None]:
        messages = self.users.messages()
        get = partial(messages.get, userId="me", format=message_format)
        return self.call_many("messages.get", {mid: partial(get, id=mid) for mid in message_ids})

    def attachment(self, message_id: str, attachment_id: str) -> bytes:
        """One attachment's bytes; Gmail answers them base64url-encoded, padding optional."""
        request = (
            self.users.messages()
            .attachments()
            .get(userId="me", messageId=message_id, id=attachment_id)
        )
        data = str(self.call("messages.attachments.get", request).get("data", ""))
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))

    def history_page(self, *, start_history_id: int, page_token: str | None) -> dict[str, Any]:
        request = self.users.history().list(
            userId="me", startHistoryId=str(start_history_id), pageToken=page_token, maxResults=500
        )
        return self.call("history.list", request)

    def send(self, raw: bytes, *, thread_id: str | None) -> dict[str, Any]:
        """Sends RFC 822 bytes into `thread_id` as a media upload, which (unlike the JSON `raw`
        field) takes messages up to Gmail's 35 MB limit."""
        media = MediaInMemoryUpload(raw, mimetype="message/rfc822")
        body = {"threadId": thread_id} if thread_id else {}
        request = self.users.messages().send(userId="me", body=body, media_body=media)
        return self.call("messages.send", request)

    def find_by_message_id(self, rfc_message_id: str) -> dict[str, Any] | None:
        """The mailbox's message with this Message-ID header (`{id, threadId}`), if it has one:
        how a reply whose send was cut off learns whether Gmail took it."""
        request = self.users.messages().list(
            userId="me", q=f"rfc822msgid:{rfc_message_id}", includeSpamTrash=True, maxResults=1
        )
        found = self.call("messages.list", request).get("messages") or []
        return dict(found[0]) if found else None

    def watch(self, topic: str) -> dict[str, Any]:
        body = {"topicName": topic, "labelIds": ["INBOX", "SENT"], "labelFilterBehavior": "include"}
        return self.call("watch", self.users.watch(userId="me", body=body))

    def stop(self) -> None:
        self.call("stop", self.users.stop(userId="me"))
