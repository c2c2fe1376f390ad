"""The Prometheus exposition and who may read it, for `GET /metrics` and for the small HTTP
server a `tandem worker` process runs (`serve_metrics`).

A scrape answers the process's own counters (`app.core.metrics`) and the backlog read from
the database at that moment (`inbox.backlog`). It is refused unless the caller shows
`Authorization: Bearer <TANDEM_METRICS_TOKEN>` or, with no token set, calls from a loopback
address directly: a request that came through a proxy (X-Forwarded-For or Forwarded) is never
taken for a local one, since a proxy on the same machine connects from loopback itself.
"""

import hmac
import ipaddress
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import SecretStr
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import utcnow
from inbox.backlog import backlog

CONTENT_TYPE = CONTENT_TYPE_LATEST


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="metrics"'} if self.status == 401 else {}


def refusal(
    token: SecretStr | None, *, authorization: str | None, client: str | None, forwarded: bool
) -> Refusal | None:
    """Why this caller may not read the metrics, or None when it may."""
    if token is not None:
        expected = f"Bearer {token.get_secret_value()}"
        if authorization and hmac.compare_digest(authorization.encode(), expected.encode()):
            return None
        return Refusal(401, "metrics need Authorization: Bearer <TANDEM_METRICS_TOKEN>")
    if not forwarded and _is_loopback(client):
        return None
    return Refusal(
        403,
        "metrics answer only direct calls from a loopback address while TANDEM_METRICS_TOKEN "
        "is unset; set it to scrape from elsewhere",
    )


def _is_loopback(client: str | None) -> bool:
    try:
        return client is not None and ipaddress.ip_address(client).is_loopback
    except ValueError:
        return False


class _Backlog(Collector):
    """The outboxes' depth, due rows and lag, and the due timers and their lateness."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        with session_scope(self.engine) as session:
            rows = backlog(session, now=utcnow())
        depth = GaugeMetricFamily(
            "tandem_queue_depth", "Rows waiting in an outbox, due or not.", labels=["queue"]
        )
        due = GaugeMetricFamily(
            "tandem_queue_due", "Rows of an outbox whose time has come.", labels=["queue"]
        )
        lag = GaugeMetricFamily(
            "tandem_queue_lag_seconds",
            "How long the oldest due row of an outbox has waited past its time.",
            labels=["queue"],
        )
        timers_due = GaugeMetricFamily(
            "tandem_timers_due", "Timers whose time has come but not fired.", labels=["timer"]
        )
        lateness = GaugeMetricFamily(
            "tandem_timer_lateness_seconds",
            "How late the oldest due timer is.",
            labels=["timer"],
        )
        for row in rows:
            if row.kind == "outbox":
                depth.add_metric([row.name], row.waiting)
                due.add_metric([row.name], row.due)
                lag.add_metric([row.name], row.lag_seconds)
            else:
                timers_due.add_metric([row.name], row.due)
                lateness.add_metric([row.name], row.lag_seconds)
        yield from (depth, due, lag, timers_due, lateness)


def exposition(engine: Engine) -> bytes:
    """The text a scrape gets: this process's counters, then the database's backlog."""
    return generate_latest(REGISTRY) + generate_latest(_Backlog(engine))


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds would drown the log."""


StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def _wsgi_app(engine: Engine, token: SecretStr | None) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        refused = refusal(
            token,
            authorization=environ.get("HTTP_AUTHORIZATION"),
            client=environ.get("REMOTE_ADDR"),
            forwarded="HTTP_X_FORWARDED_FOR" in environ or "HTTP_FORWARDED" in environ,
        )
        if refused is not None:
            phrase = "Unauthorized" if refused.status == 401 else "Forbidden"
            headers = [("Content-Type", "text/plain; charset=utf-8"), *refused.headers.items()]
            start_response(f"{refused.status} {phrase}", headers)
            return [refused.reason.encode()]
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"metrics are at /metrics"]
        body = exposition(engine)
        start_response("200 OK", [("Content-Type", CONTENT_TYPE)])
        return [body]

    return app


@dataclass
class MetricsServer:
    """A running metrics server; `url` is its /metrics, `stop()` ends it."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/metrics"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def serve_metrics(
    engine: Engine, *, host: str, port: int, token: SecretStr | None
) -> MetricsServer:
    """Serves GET /metrics on host:port in a background thread, with the same refusal rules as
    the web's /metrics: for a process that has no web server of its own (`tandem worker`)."""
    server = make_server(
        host, port, _wsgi_app(engine, token), _ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="metrics", daemon=True)
    thread.start()
    return MetricsServer(server, thread)
