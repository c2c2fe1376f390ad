# ruff: noqa: RUF001 - Russian mail is part of the generated messages
"""Every parse result of the corpus and of 200 generated messages, pinned to a golden file.

The parser's fast paths (header dicts instead of `email.message.Message`, cached parameters)
must give exactly the ParsedMessage the straightforward stdlib reading gave; the golden file was
written by that reading. Each message is parsed three ways: raw bytes, the emulator's format=full
resource (header values decoded as the emulator serves them) and a format=full resource whose
header values are verbatim (so encoded words and RFC 2231 parameters reach the JSON path too);
a message whose payload cannot show what was sent is also read as sync reads it then, format=full
with its raw bytes (gmail_sync.raw_fetch).

Regenerate (only when a parse result is meant to change):
    TANDEM_REGENERATE_MIME_GOLDEN=1 .venv/bin/pytest tests/gmail_sync/test_mime_golden.py
"""

from __future__ import annotations

import base64
import dataclasses
import email
import email.policy
import hashlib
import json
import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage, Message
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from gmail_emulator.messages import payload_of
from gmail_sync.mime import ParsedMessage, parse_gmail_message, parse_raw_message
from gmail_sync.raw_fetch import needs_raw

CORPUS = Path(__file__).parent / "corpus"
GOLDEN = Path(__file__).parent / "mime_golden.json"
INTERNAL_DATE = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
NAMES = ["Jane Doe", "Иван Петров", "O'Brien, Pat", "Zoë Ångström", "support", "José Núñez"]
BODIES = [
    "Hello,\n\nthe export fails again.\n\nThanks,\nJane\n-- \nJane Doe\nAcme Inc.",
    "Добрый день!\n\nОплата прошла, но доступа нет.\n\nС уважением,\nИван",
    "Thanks!\n\nOn Mon, 3 Mar 2025 at 10:00, Support <help@acme.test> wrote:\n"
    "> Did it work?\n> Yes",
    "Short.",
]


def generated_message(number: int) -> bytes:
    """One of many shapes: names, charsets, HTML, attachments, lists and automation headers."""
    rng = random.Random(number)
    message = EmailMessage()
    message["From"] = f"{rng.choice(NAMES)} <client{number % 17}@client.test>"
    message["To"] = ", ".join(
        f"{rng.choice(NAMES)} <u{i}@acme.test>" for i in range(number % 3 + 1)
    )
    if number % 4 == 0:
        message["Cc"] = f"Colleague <colleague{number}@client.test>"
    if number % 9 == 0:
        message["Reply-To"] = "replies@client.test"
    message["Subject"] = rng.choice(["Re: ", "Fwd: ", "", "Ответ: "]) + f"Заказ {number} order"
    message["Date"] = format_datetime(INTERNAL_DATE - timedelta(hours=number * 7))
    message["Message-ID"] = f"<m{number}@client.test>"
    if number % 2:
        message["In-Reply-To"] = f"<m{number - 1}@client.test>"
        message["References"] = f"<m0@client.test> <m{number - 1}@client.test>"
    if number % 11 == 0:
        message["List-Id"] = "<news.client.test>"
        message["List-Unsubscribe"] = "<mailto:unsub@client.test>"
    if number % 13 == 0:
        message["Auto-Submitted"] = "auto-replied"
    _add_body(message, number, rng)
    return message.as_bytes()


def _add_body(message: EmailMessage, number: int, rng: random.Random) -> None:
    text = rng.choice(BODIES) + f"\n\nTicket {number}."
    charset = rng.choice(["utf-8", "koi8-r", "windows-1251", "utf-8"])
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    if number % 3 != 1:
        message.set_content(text, charset=charset)
    if number % 3 != 0:
        html = "<div>" + text.replace("\n", "<br>") + "</div>"
        if number % 5 == 0:
            html += '<div class="gmail_quote">On Monday Support wrote:<blockquote>Old</blockquote>'
        adder = message.add_alternative if number % 3 == 2 else message.set_content
        adder(html, subtype="html", charset=charset)
    if number % 7 == 0:
        message.add_attachment(
            b"%PDF" + bytes(number), "application", "pdf", filename=f"счёт-{number}.pdf"
        )
    if number % 8 == 0:
        message.add_attachment(b"\x89PNG" + bytes(40), "image", "png", cid=f"<img{number}@x>")
    if number % 19 == 0:
        inner = EmailMessage()
        inner["Subject"] = f"Forwarded {number}"
        inner.set_content("inner text")
        message.add_attachment(inner)


def verbatim_headers(payload: dict[str, Any], part: Message) -> dict[str, Any]:
    """The emulator's payload with each part's header values as written in the raw bytes."""
    payload["headers"] = [{"name": name, "value": str(value)} for name, value in part.items()]
    children = part.get_payload() if part.is_multipart() else []
    for node, child in zip(payload.get("parts", []), children, strict=False):
        if isinstance(child, Message):
            verbatim_headers(node, child)
    return payload


def resources(raw: bytes) -> Iterator[tuple[str, ParsedMessage]]:
    yield "raw", parse_raw_message(raw, internal_date=INTERNAL_DATE)
    facts = {
        "id": "195a1b2c3d4e5f60",
        "threadId": "195a1b2c3d4e5f60",
        "labelIds": ["INBOX", "UNREAD"],
        "internalDate": str(int(INTERNAL_DATE.timestamp() * 1000)),
        "sizeEstimate": len(raw),
    }
    payload = payload_of("195a1b2c3d4e5f60", raw)
    yield "full", parse_gmail_message({**facts, "payload": payload})
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    verbatim = verbatim_headers(payload_of("195a1b2c3d4e5f60", raw), message)
    yield "full-verbatim", parse_gmail_message({**facts, "payload": verbatim})
    if needs_raw({**facts, "payload": payload}):
        encoded = base64.urlsafe_b64encode(raw).decode()
        yield "full+raw", parse_gmail_message({**facts, "payload": payload, "raw": encoded})


def messages() -> Iterator[tuple[str, bytes]]:
    for path in sorted(CORPUS.glob("*.eml")):
        yield path.name, path.read_bytes()
    for number in range(200):
        yield f"generated-{number}", generated_message(number)


def as_json(parsed: ParsedMessage) -> dict[str, Any]:
    record = dataclasses.asdict(parsed)
    for attachment in record["attachments"]:
        data = attachment["data"]
        attachment["data"] = hashlib.sha256(data).hexdigest()[:16] if data is not None else None
    for key in ("internal_date", "date"):
        record[key] = record[key].isoformat() if record[key] else None
    return json.loads(json.dumps(record))


def current() -> dict[str, dict[str, Any]]:
    return {
        f"{name} {how}": as_json(parsed)
        for name, raw in messages()
        for how, parsed in resources(raw)
    }


def golden_text(results: dict[str, dict[str, Any]]) -> str:
    """One message a line, so a changed result shows as a one-line diff."""
    lines = [
        f"{json.dumps(key)}: {json.dumps(results[key], ensure_ascii=False, sort_keys=True)}"
        for key in sorted(results)
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def test_every_message_parses_exactly_as_the_golden_file_says() -> None:
    results = current()
    if os.environ.get("TANDEM_REGENERATE_MIME_GOLDEN"):
        GOLDEN.write_text(golden_text(results))
    golden = json.loads(GOLDEN.read_text())

    assert sorted(results) == sorted(golden)
    differing = [key for key in results if results[key] != golden[key]]
    assert not differing, {key: (results[key], golden[key]) for key in differing[:3]}
