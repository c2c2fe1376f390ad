"""Fetches a full sync's thread pages and batches on a background thread, so that waiting for
Gmail overlaps with parsing and storing what arrived before.

The queue between the two is short (a few batches), which bounds memory whatever the mailbox
size. The fetcher only reads; the consumer owns every write, including the cursor, so a crash
on either side resumes from the last page the consumer committed.
"""

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gmail_sync.client import GmailClient
from gmail_sync.raw_fetch import add_raw


@dataclass(frozen=True)
class ThreadBatch:
    threads: list[dict[str, Any]]


@dataclass(frozen=True)
class PageDone:
    """Every batch of the page has been handed over; the cursor may move past it."""

    label_index: int
    next_page_token: str | None


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


class ThreadFetcher:
    """Produces ThreadBatch and PageDone items for the labels from the cursor's position on.

    `changed` filters a page's thread stubs down to the ids worth fetching (a database read,
    done here on the fetcher's own connection).
    """

    def __init__(
        self,
        client: GmailClient,
        *,
        labels: tuple[str, ...],
        cursor: dict[str, Any],
        batch_size: int,
        changed: Callable[[list[dict[str, Any]]], list[str]],
        depth: int = 3,
    ) -> None:
        self._client, self._labels, self._cursor = client, labels, dict(cursor)
        self._batch_size, self._changed = batch_size, changed
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gmail-fetcher", daemon=True)

    def __iter__(self) -> Iterator[ThreadBatch | PageDone]:
        self._thread.start()
        try:
            while (item := self._queue.get()) is not _END:
                if isinstance(item, _Failed):
                    raise item.error
                assert isinstance(item, ThreadBatch | PageDone)
                yield item
        finally:
            self._stop.set()
            while self._thread.is_alive():
                self._drain()
                self._thread.join(timeout=0.05)

    def _drain(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            return

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            self._produce()
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put(_Failed(exc))
            return
        self._put(_END)

    def _produce(self) -> None:
        label_index, token = int(self._cursor["label"]), self._cursor["page_token"]
        while label_index < len(self._labels) and not self._stop.is_set():
            page = self._client.list_threads(
                label=self._labels[label_index], query=self._cursor["query"], page_token=token
            )
            todo = self._changed(page.get("threads", []))
            for start in range(0, len(todo), self._batch_size):
                fetched = self._client.get_threads(todo[start : start + self._batch_size])
                threads = [thread for thread in fetched.values() if thread is not None]
                add_raw(self._client, (m for t in threads for m in t.get("messages", [])))
                if not self._put(ThreadBatch(threads)):
                    return
            token = page.get("nextPageToken")
            if token is None:
                label_index += 1
            if not self._put(PageDone(label_index, token)):
                return
