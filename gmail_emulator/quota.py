"""Quota units spent per method and per mailbox, under Google's current or older cost table.

Calls are counted, not units, so one run can be priced under both tables afterwards
(`GET /_emulator/quota?table=legacy`). Only calls that succeed are counted.

Cost tables, from Google's "Usage limits" page for the Gmail API
(developers.google.com/workspace/gmail/api/reference/quota):
- `legacy`: the per-method table in force until 30 April 2026 (read 2026 from the stored copy of
  that page; e.g. messages.get 5, threads.get 10, history.list 2, messages.send 100).
- `current`: the table in force since 1 May 2026 for Cloud projects created from that date
  (per-user limit 6,000 units/minute). The page's note and Nylas's summary of it
  (developer.nylas.com/docs/cookbook/email/gmail-api-quotas, updated 14 May 2026) give
  messages.get 20, threads.get 40, messages.list 5, history.list 2, messages.send 100. Methods
  those sources do not list are assumed unchanged from the legacy table.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

LEGACY_TABLE: dict[str, int] = {
    "getProfile": 1,
    "labels.list": 1,
    "labels.get": 1,
    "settings.sendAs.list": 1,
    "history.list": 2,
    "messages.list": 5,
    "messages.get": 5,
    "messages.attachments.get": 5,
    "messages.modify": 5,
    "messages.delete": 10,
    "messages.insert": 25,
    "messages.import": 25,
    "messages.send": 100,
    "threads.list": 10,
    "threads.get": 10,
    "watch": 100,
    "stop": 50,
}
CURRENT_TABLE: dict[str, int] = {**LEGACY_TABLE, "messages.get": 20, "threads.get": 40}
TABLES = {"current": CURRENT_TABLE, "legacy": LEGACY_TABLE}


class Quota:
    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()

    def charge(self, method: str, email: str) -> None:
        self.calls[(method, email)] += 1

    def clear(self) -> None:
        self.calls.clear()

    def report(self, table_name: str = "current") -> dict[str, Any]:
        table = TABLES[table_name]
        by_method: Counter[str] = Counter()
        by_mailbox: Counter[str] = Counter()
        calls: Counter[str] = Counter()
        for (method, email), count in self.calls.items():
            units = table[method] * count
            by_method[method] += units
            by_mailbox[email] += units
            calls[method] += count
        return {
            "total": sum(by_method.values()),
            "by_method": dict(by_method),
            "by_mailbox": dict(by_mailbox),
            "calls": dict(calls),
            "table": table_name,
        }
