"""Gmail emulator throughput: messages.get per second, single calls and batches of 100.

Starts the emulator in its own process on a free loopback port, loads N generated messages
(an mbox through the control API), connects over OAuth like Tandem does, then times
messages.get(format=full) through google-api-python-client. Later sync benchmarks can be read
as a ratio to these ceilings.

    .venv/bin/python bench/emulator.py [--messages 2000] [--runs 3] [--single 500]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import httpx
from bench_oauth import bench_credentials

from gmail_sync.client import build_gmail_service

MAILBOX = "bench@acme.test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_emulator(port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn; from gmail_emulator import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
    )
    process = subprocess.Popen([sys.executable, "-c", code])  # noqa: S603 - fixed code
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_emulator/mailboxes").raise_for_status()
            return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("emulator did not start")


def generated_mbox(count: int) -> bytes:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    chunks = []
    for number in range(count):
        message = EmailMessage()
        message["From"] = f"Client {number % 97} <client{number % 97}@example.test>"
        message["To"] = MAILBOX
        message["Subject"] = f"Request {number}: order {number * 7 % 1000}"
        message["Date"] = format_datetime(start + timedelta(minutes=17 * number))
        message["Message-ID"] = f"<bench-{number}@example.test>"
        message.set_content(f"Hello,\n\nmessage {number}.\n" + "Some details. " * 80)
        if number % 10 == 0:
            message.add_attachment(
                b"x" * 4096, maintype="application", subtype="pdf", filename=f"doc{number}.pdf"
            )
        chunks.append(b"From bench@example.test Wed Jan  1 00:00:00 2025\n")
        chunks.append(message.as_bytes().replace(b"\nFrom ", b"\n>From ") + b"\n")
    return b"".join(chunks)


def connect(url: str) -> object:
    return build_gmail_service(bench_credentials(url, MAILBOX), url)


def all_ids(service: object) -> list[str]:
    messages = service.users().messages()  # type: ignore[attr-defined]
    ids: list[str] = []
    request = messages.list(userId="me", maxResults=500)
    while request is not None:
        page = request.execute()
        ids += [m["id"] for m in page.get("messages", [])]
        request = messages.list_next(request, page)
    return ids


def time_single(service: object, ids: list[str]) -> float:
    messages = service.users().messages()  # type: ignore[attr-defined]
    started = time.perf_counter()
    for message_id in ids:
        messages.get(userId="me", id=message_id).execute()
    return len(ids) / (time.perf_counter() - started)


def time_batched(service: object, ids: list[str]) -> float:
    messages = service.users().messages()  # type: ignore[attr-defined]
    received = 0

    def count(_id: str, response: object, exception: Exception | None) -> None:
        nonlocal received
        if exception is not None:
            raise exception
        received += 1

    started = time.perf_counter()
    for offset in range(0, len(ids), 100):
        batch = service.new_batch_http_request(callback=count)  # type: ignore[attr-defined]
        for message_id in ids[offset : offset + 100]:
            batch.add(messages.get(userId="me", id=message_id))
        batch.execute()
    elapsed = time.perf_counter() - started
    assert received == len(ids)
    return len(ids) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--single", type=int, default=500, help="messages per single-call run")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_emulator(port)
    try:
        httpx.post(f"{url}/_emulator/mailboxes", json={"email": MAILBOX}).raise_for_status()
        mbox = generated_mbox(args.messages)
        started = time.perf_counter()
        httpx.post(f"{url}/_emulator/mailboxes/{MAILBOX}/mbox", content=mbox, timeout=600)
        load_s = time.perf_counter() - started
        service = connect(url)
        ids = all_ids(service)
        assert len(ids) == args.messages, len(ids)
        single = [time_single(service, ids[: args.single]) for _ in range(args.runs)]
        batched = [time_batched(service, ids) for _ in range(args.runs)]
        service.close()  # type: ignore[attr-defined]
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    )
    print(f"messages loaded: {args.messages} ({len(mbox) / 1e6:.1f} MB mbox) in {load_s:.2f} s")
    print(
        f"messages.get single calls: median {statistics.median(single):.0f} msg/s "
        f"over {args.runs} runs of {min(args.single, len(ids))}"
    )
    print(
        f"messages.get batched (100/batch): median {statistics.median(batched):.0f} msg/s "
        f"over {args.runs} runs of {len(ids)}"
    )


if __name__ == "__main__":
    main()
