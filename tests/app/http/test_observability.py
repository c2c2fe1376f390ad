"""One JSON log line per request, with the fields an operator greps for."""

import json
import logging
import os

import pytest
from fastapi.testclient import TestClient

from app.http.observability import JsonFormatter, configure_logging


def test_each_request_logs_one_json_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="tandem.request"):
        response = client.get("/healthz", headers={"X-Request-ID": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    records = [r for r in caplog.records if r.name == "tandem.request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["request_id"] == "req-42"
    assert isinstance(line["duration_ms"], float)
    assert line["pid"] == os.getpid() == int(response.headers["x-served-by"]), "which worker"


def test_a_request_id_is_made_up_when_none_is_sent(client: TestClient) -> None:
    first = client.get("/healthz").headers["x-request-id"]
    second = client.get("/healthz").headers["x-request-id"]
    assert len(first) == 32
    assert first != second


def test_scheduler_ticks_stay_out_of_the_log() -> None:
    """Jobs run every second; only their warnings and errors belong in the log."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        configure_logging("INFO")
        jobs = logging.getLogger("apscheduler.executors.default")
        assert not jobs.isEnabledFor(logging.INFO)
        assert jobs.isEnabledFor(logging.WARNING)
        assert logging.getLogger("tandem.request").isEnabledFor(logging.INFO)
    finally:
        root.handlers, root.level = handlers, level
