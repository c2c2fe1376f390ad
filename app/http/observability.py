"""Structured logs: every log record is one JSON line, and every request logs one record with
method, path, status, duration and a request id (taken from `X-Request-ID` or made up, and sent
back in the response). The response also says which process answered (`X-Served-By`, its pid,
also in the log record), so with `tandem serve --workers N` one can tell the workers apart.
Each request is also counted and timed in the Prometheus metrics by its route template
(`/api/v1/conversations/{conversation_id}`), never its raw path, so the series stay few."""

import json
import logging
import os
import sys
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.metrics import HTTP_LATENCY, HTTP_REQUESTS

request_logger = logging.getLogger("tandem.request")
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # httpx logs every URL it calls, and push URLs carry a secret token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The scheduler's jobs tick every second; a line per run would drown every other log line.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = name != "uvicorn.access"


def route_template(scope: Scope) -> str:
    """The matched route's template (`/api/v1/conversations/{id}/reply`), rebuilt from the path
    and the path parameters the router found, since the matched route object may know only its
    own part of the path (a router included under a prefix); a mount (static files) is its
    prefix and `{path}`; `unmatched` is an address that leads nowhere, which a scanner could
    vary without end."""
    if scope.get("route") is None:
        if scope.get("endpoint") is None:
            return "unmatched"
        return f"{scope.get('root_path', '')}/{{path}}"
    segments = str(scope["path"]).split("/")
    for name, value in (scope.get("path_params") or {}).items():
        parts = str(value).split("/")
        for start in range(len(segments) - len(parts), 0, -1):
            if segments[start : start + len(parts)] == parts:
                segments[start : start + len(parts)] = ["{" + name + "}"]
                break
    return "/".join(segments)


class RequestLogMiddleware:
    """Pure ASGI, so it times the whole request including other middleware and streaming."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status_code = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"].append((b"x-served-by", str(os.getpid()).encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            HTTP_REQUESTS.labels(scope["method"], route, str(status_code)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(elapsed)
            request_logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status_code,
                    "duration_ms": round(elapsed * 1000, 2),
                    "request_id": request_id,
                    "pid": os.getpid(),
                },
            )
