"""Pub/Sub-style push notifications for mailboxes under `watch`.

Each history record of a watched mailbox whose labels pass the watch's filter becomes one push
body, `{"message": {"data", "messageId", "publishTime", "attributes"}, "subscription"}` where
`data` is base64 JSON `{"emailAddress", "historyId"}`, POSTed to every push subscription
registered for the watch's topic (`POST /_emulator/push_subscriptions`). Delivery runs on its
own thread so it never delays the request that caused the change; failures are logged, never
raised, and not retried.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from gmail_emulator.model import HistoryRecord, Mailbox

logger = logging.getLogger(__name__)
DELIVERY_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Subscription:
    name: str
    topic: str
    url: str


class Pusher:
    def __init__(self) -> None:
        self.subscriptions: dict[str, Subscription] = {}
        self._queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)

    def subscribe(self, subscription: Subscription) -> None:
        self.subscriptions[subscription.name] = subscription

    def notice(self, mailbox: Mailbox, record: HistoryRecord) -> None:
        """Store listener: queues pushes for a change, if the mailbox's watch wants it."""
        watch = mailbox.watch
        if watch is None or watch.expiration_ms < time.time() * 1000:
            return
        if watch.label_ids:
            touched = not set(watch.label_ids).isdisjoint(record.labels_after + record.changed)
            if touched != (watch.behavior == "include"):
                return
        for subscription in self.subscriptions.values():
            if subscription.topic == watch.topic:
                self._queue.put((subscription.url, self._body(subscription, mailbox, record)))

    def _body(
        self, subscription: Subscription, mailbox: Mailbox, record: HistoryRecord
    ) -> dict[str, Any]:
        data = json.dumps({"emailAddress": mailbox.email, "historyId": record.id})
        message_id = str(next(self._ids))
        published = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return {
            "message": {
                "attributes": {},
                "data": base64.b64encode(data.encode()).decode(),
                "messageId": message_id,
                "message_id": message_id,
                "publishTime": published,
                "publish_time": published,
            },
            "subscription": subscription.name,
        }

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._deliver, name="emulator-push", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=DELIVERY_TIMEOUT_S * 2)
            self._thread = None

    def _deliver(self) -> None:
        with httpx.Client(timeout=DELIVERY_TIMEOUT_S) as client:
            while (item := self._queue.get()) is not None:
                url, body = item
                try:
                    response = client.post(url, json=body)
                    if response.status_code >= 300:
                        logger.warning("push to %s answered %s", url, response.status_code)
                except httpx.HTTPError as exc:
                    logger.warning("push to %s failed: %s", url, exc)
