"""A real server for stream tests (TestClient waits for a response to end, and an event stream
never does): the app under uvicorn in a thread, a signed-in httpx browser, and a reader that
parses a Server-Sent Events stream in the background."""

import json
import queue
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from tests.conftest import Member


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_config=None, timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()


def signed_in(url: str, member: Member) -> httpx.Client:
    browser = httpx.Client(base_url=url, timeout=10)
    page = browser.get("/login").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    form = {"email": member.email, "password": member.password, "csrf_token": match.group(1)}
    assert browser.post("/login", data=form).status_code == 303
    return browser


def csrf_of(browser: httpx.Client) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/account").text)
    assert match
    return match.group(1)


@dataclass
class Event:
    id: int | None
    kind: str
    data: dict[str, Any]


@dataclass
class Stream:
    """An open `GET /events` of the browser's session (on a connection of its own), read in a
    thread; `next` waits for the next event."""

    signed_in: httpx.Client
    headers: dict[str, str] = field(default_factory=dict)
    events: "queue.Queue[Event]" = field(default_factory=queue.Queue)
    last_id: int | None = None
    opened: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.browser = httpx.Client(
            base_url=self.signed_in.base_url, cookies=self.signed_in.cookies
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.opened.wait(10), "the stream did not open"

    def _read(self) -> None:
        with self.browser.stream("GET", "/events", headers=self.headers, timeout=None) as answer:
            self.answer = answer
            self.content_type = answer.headers["content-type"]
            fields: dict[str, str] = {}
            try:
                for line in answer.iter_lines():
                    self._line(line, fields)
            except Exception:  # closed under the reader by `close`
                return

    def _line(self, line: str, fields: dict[str, str]) -> None:
        if line:
            if not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
            return
        if "id" in fields:
            self.last_id = int(fields["id"])
            self.opened.set()
        if "data" in fields:
            event_id = int(fields["id"]) if "id" in fields else None
            self.events.put(Event(event_id, fields.get("event", ""), json.loads(fields["data"])))
        fields.clear()

    def next(self, timeout: float = 10) -> Event:
        return self.events.get(timeout=timeout)

    def nothing_for(self, seconds: float) -> bool:
        try:
            event = self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected event {event}")

    def ended(self, timeout: float) -> bool:
        """The server ended the stream (as it does after its lifetime)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        """Hangs up, as a closed tab does, and waits until the reader has stopped."""
        if self.browser.is_closed:
            return
        connection = self.answer.extensions["network_stream"].get_extra_info("socket")
        connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)
        assert not self._thread.is_alive()
        self.browser.close()
