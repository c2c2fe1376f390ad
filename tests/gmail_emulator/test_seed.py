"""--seed demo and --seed DIR, seen through the Gmail API."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gmail_sync.client import build_gmail_service


def walk_parts(part: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield part
    for child in part.get("parts", []):
        yield from walk_parts(child)


def all_threads(service: Any) -> list[dict[str, Any]]:
    threads = service.users().threads()
    found: list[dict[str, Any]] = []
    request = threads.list(userId="me", maxResults=10)
    while request is not None:
        page = request.execute()
        found += page.get("threads", [])
        request = threads.list_next(request, page)
    return [threads.get(userId="me", id=t["id"]).execute() for t in found]


def header(message: dict[str, Any], name: str) -> str:
    return next((h["value"] for h in message["payload"]["headers"] if h["name"] == name), "")


def test_demo_mailbox_reads_like_a_real_support_inbox(
    start_emulator: Callable[..., Any], authorize_mailbox: Callable[..., Any]
) -> None:
    with start_emulator(seed="demo") as url:
        service = build_gmail_service(authorize_mailbox(url, "support@acme.test"), url)
        threads = all_threads(service)
        send_as = service.users().settings().sendAs().list(userId="me").execute()["sendAs"]
        service.close()
    messages = [m for t in threads for m in t["messages"]]
    parts = [p for m in messages for p in walk_parts(m["payload"])]
    subjects = {header(t["messages"][0], "Subject") for t in threads}
    assert len(threads) >= 30
    assert max(len(t["messages"]) for t in threads) >= 15
    assert any("уведомления" in s for s in subjects)
    assert any(header(m, "Subject").startswith("Ответ: ") for m in messages)
    assert any(p["filename"] and p["body"].get("attachmentId") for p in parts)
    assert any(p["mimeType"] == "text/html" for p in parts)
    assert any(header(m, "Cc") for m in messages)
    assert any(header(m, "Auto-Submitted") == "auto-replied" for m in messages)
    assert any(header(m, "List-Unsubscribe") for m in messages)
    assert any("SENT" in m["labelIds"] for m in messages)
    quoted = [
        p for p in parts if p["mimeType"] == "text/plain" and "body" in p and "data" in p["body"]
    ]
    assert any(b"\n> " in base64.urlsafe_b64decode(p["body"]["data"]) for p in quoted)
    assert {s["sendAsEmail"] for s in send_as} >= {"support@acme.test", "help@acme.test"}


@pytest.mark.parametrize("seed", ["demo", "demo-ru"])
def test_every_reply_keeps_its_threads_subject_word_for_word(
    start_emulator: Callable[..., Any], authorize_mailbox: Callable[..., Any], seed: str
) -> None:
    """Python's folding ran words of a long Russian subject together («страницаоформления»)."""
    with start_emulator(seed=seed) as url:
        service = build_gmail_service(authorize_mailbox(url, "support@acme.test"), url)
        threads = all_threads(service)
        service.close()
    for thread in threads:
        first = header(thread["messages"][0], "Subject")
        for reply in thread["messages"][1:]:
            said = header(reply, "Subject").removeprefix("Ответ: ").removeprefix("Re: ")
            assert said == first


def test_demo_seed_is_deterministic(
    start_emulator: Callable[..., Any], authorize_mailbox: Callable[..., Any]
) -> None:
    raws = []
    for _ in range(2):
        with start_emulator(seed="demo") as url:
            service = build_gmail_service(authorize_mailbox(url, "support@acme.test"), url)
            messages = service.users().messages()
            listed = messages.list(userId="me", maxResults=500).execute()["messages"]
            raws.append(
                [
                    messages.get(userId="me", id=m["id"], format="raw").execute()["raw"]
                    for m in listed[:20]
                ]
            )
            service.close()
    assert raws[0] == raws[1]


def test_directory_seed_fills_one_mailbox_per_folder(
    tmp_path: Path,
    start_emulator: Callable[..., Any],
    authorize_mailbox: Callable[..., Any],
    make_mail: Callable[..., bytes],
) -> None:
    (tmp_path / "top.eml").write_bytes(make_mail("Top level"))
    sales = tmp_path / "sales@acme.test"
    sales.mkdir()
    (sales / "one.eml").write_bytes(make_mail("One"))
    mbox = b"".join(
        b"From sender@x.test Mon Mar  2 09:00:00 2026\n" + make_mail(s) + b"\n"
        for s in ("Two", "Three")
    )
    (sales / "more.mbox").write_bytes(mbox)
    with start_emulator(seed=str(tmp_path)) as url:
        for email, expected in (("support@acme.test", 1), ("sales@acme.test", 3)):
            service = build_gmail_service(authorize_mailbox(url, email), url)
            listed = service.users().messages().list(userId="me", q="in:inbox is:unread").execute()
            assert len(listed["messages"]) == expected
            service.close()
