"""Pub/Sub-style push after users.watch, delivered to a receiver on a free local port."""

from __future__ import annotations

import base64
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOPIC = "projects/tandem-test/topics/gmail"


@pytest.fixture
def receiver() -> Iterator[tuple[str, queue.Queue[dict[str, Any]]]]:
    """A tiny HTTP endpoint that records every JSON body POSTed to it."""
    received: queue.Queue[dict[str, Any]] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.put(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/push", received
    server.shutdown()
    server.server_close()
    thread.join()


def watch(account: Any, url: str, **options: Any) -> dict[str, Any]:
    account.control.post("/_emulator/push_subscriptions", json={"topic": TOPIC, "url": url})
    body = {"topicName": TOPIC, **options}
    response: dict[str, Any] = account.service.users().watch(userId="me", body=body).execute()
    return response


def test_each_change_after_watch_is_pushed(
    gmail_account: Any, receiver: tuple[str, Any], make_mail: Callable[..., bytes]
) -> None:
    url, received = receiver
    watched = watch(gmail_account, url)
    assert int(watched["expiration"]) > time.time() * 1000
    delivered = gmail_account.deliver(make_mail())
    push = received.get(timeout=5)
    data = json.loads(base64.b64decode(push["message"]["data"]))
    assert data == {"emailAddress": "support@acme.test", "historyId": int(delivered["historyId"])}
    assert push["subscription"].startswith("projects/tandem-test/subscriptions/")
    assert push["message"]["messageId"] and push["message"]["publishTime"].endswith("Z")
    gmail_account.service.users().stop(userId="me").execute()
    gmail_account.deliver(make_mail("after stop"))
    with pytest.raises(queue.Empty):
        received.get(timeout=0.5)


def test_label_filter_limits_what_is_pushed(
    gmail_account: Any, receiver: tuple[str, Any], make_mail: Callable[..., bytes]
) -> None:
    url, received = receiver
    watch(gmail_account, url, labelIds=["INBOX"], labelFilterBehavior="include")
    raw = base64.urlsafe_b64encode(make_mail("outgoing", sender="support@acme.test")).decode()
    gmail_account.service.users().messages().send(userId="me", body={"raw": raw}).execute()
    incoming = gmail_account.deliver(make_mail("incoming"))
    push = received.get(timeout=5)
    assert json.loads(base64.b64decode(push["message"]["data"]))["historyId"] == int(
        incoming["historyId"]
    )


def test_unreachable_endpoint_does_not_slow_or_break_changes(
    gmail_account: Any, make_mail: Callable[..., bytes]
) -> None:
    watch(gmail_account, "http://127.0.0.1:9/nowhere")
    started = time.perf_counter()
    delivered = gmail_account.deliver(make_mail())
    assert time.perf_counter() - started < 1
    assert gmail_account.service.users().messages().get(userId="me", id=delivered["id"]).execute()
