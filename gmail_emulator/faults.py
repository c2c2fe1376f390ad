"""Injected failures: error rates per status, added latency, a shrunken history window.

Set through `POST /_emulator/faults`: keys present replace their setting, an empty body clears
everything. Token revocation and expiry, also accepted there, are one-shot actions carried out
by the control API.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

INJECTABLE = (429, 403, 500, 503)


class FaultError(ValueError):
    """A faults body the emulator cannot apply."""


@dataclass
class Faults:
    error_rates: dict[int, float] = field(default_factory=dict)
    latency_ms: int = 0
    history_window: int | None = None
    rng: random.Random = field(default_factory=random.Random)

    def update(self, body: dict[str, Any]) -> None:
        """Changes the settings present in `body` and leaves the others as they are."""
        rates = _rates(body["error_rates"]) if "error_rates" in body else self.error_rates
        latency = _non_negative_int(body.get("latency_ms", self.latency_ms), "latency_ms")
        window = body.get("history_window", self.history_window)
        if window is not None:
            window = _non_negative_int(window, "history_window")
        if isinstance(body.get("seed"), int):
            self.rng = random.Random(body["seed"])  # noqa: S311 - fault draws, not secrets
        self.error_rates, self.latency_ms, self.history_window = rates, latency, window

    def clear(self) -> None:
        self.error_rates, self.latency_ms, self.history_window = {}, 0, None

    def draw(self) -> int | None:
        """The status to fail this call with, or None to let it through."""
        if not self.error_rates:
            return None
        roll = self.rng.random()
        for status, rate in self.error_rates.items():
            if roll < rate:
                return status
            roll -= rate
        return None

    def describe(self) -> dict[str, Any]:
        return {
            "error_rates": {str(k): v for k, v in self.error_rates.items()},
            "latency_ms": self.latency_ms,
            "history_window": self.history_window,
        }


def _rates(raw: object) -> dict[int, float]:
    if not isinstance(raw, dict):
        raise FaultError("error_rates must be an object of status -> rate")
    rates: dict[int, float] = {}
    for key, value in raw.items():
        status = int(key) if str(key).isdigit() else 0
        if status not in INJECTABLE:
            raise FaultError(f"error_rates keys must be among {INJECTABLE}, not {key}")
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise FaultError(f"error rate for {key} must be between 0 and 1")
        rates[status] = float(value)
    if sum(rates.values()) > 1:
        raise FaultError("error rates add up to more than 1")
    return rates


def _non_negative_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FaultError(f"{name} must be a non-negative integer")
    return value
