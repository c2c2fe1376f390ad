"""CPU cost of parsing one Gmail message: format=full JSON resources and raw RFC 822 bytes.

Messages come from bench/sync.py's generated mailbox and from the odd-messages corpus
(tests/gmail_sync/corpus/*.eml). The format=full and format=raw resources are built by the
emulator's own `message_resource`, so they are what sync receives from it. Time is CPU time
(time.process_time) of parse_gmail_message only, building the resources is not counted: the
machine is shared, and wall time would measure the neighbours. Caches in the parser (addresses,
codecs) are warm after the first pass over a mailbox, as they are during a long full sync; each
figure is the median of --runs passes (the spread shows how busy the machine was).

    .venv/bin/python bench/parse.py [--messages 2000] [--threads 600] [--runs 5]
"""

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sync import mailbox_mbox  # bench/sync.py

from gmail_emulator.message_resources import message_resource
from gmail_emulator.messages import summarize
from gmail_emulator.model import StoredMessage
from gmail_emulator.seed import mbox_messages
from gmail_sync.mime import parse_gmail_message

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "gmail_sync" / "corpus"


def stored(raws: list[bytes]) -> list[StoredMessage]:
    """The emulator's records of `raws`, dated by their Date header as the emulator does."""
    messages = []
    for seq, raw in enumerate(raws):
        summary = summarize(raw)
        gmail_id = f"{0x18F0000000000000 + seq:016x}"
        date = summary.date_ms or 1_700_000_000_000
        messages.append(
            StoredMessage(gmail_id, gmail_id, raw, ["INBOX", "UNREAD"], date, 1, seq, summary, "")
        )
    return messages


def cpu_ms_per_message(resources: list[dict[str, Any]], parse: Callable[..., Any]) -> float:
    started = time.process_time()
    for resource in resources:
        parse(resource)
    return (time.process_time() - started) * 1000 / len(resources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=600)
    parser.add_argument("--corpus-repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    inputs = {
        "mailbox": stored(mbox_messages(mailbox_mbox(args.messages, args.threads))),
        "corpus": stored(
            [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))] * args.corpus_repeat
        ),
    }
    print(f"{args.messages} generated messages, corpus x{args.corpus_repeat}, {args.runs} runs")
    for name, messages in inputs.items():
        for fmt in ("full", "raw"):
            resources = [message_resource(message, fmt) for message in messages]
            times = [cpu_ms_per_message(resources, parse_gmail_message) for _ in range(args.runs)]
            print(
                f"{name:8} format={fmt:5} {len(resources):5} messages: "
                f"median {statistics.median(times):.3f} CPU ms/message, "
                f"min {min(times):.3f}, max {max(times):.3f}"
            )


if __name__ == "__main__":
    main()
