"""Urgency detection against labelled mail: precision and recall on the set its word list was
written with (tests/inbox/urgency_samples.py SAMPLES, which the suite holds at 0.9 or more),
and on two sets written later and never tuned against (HELD_OUT, then HELD_OUT_2, written
after the list was widened from what HELD_OUT missed), and HELD_OUT_3, written before the
detector learned to take back releases, signatures and resolved trouble (its first run:
precision 0.33, recall 0.18): how the list does on mail it has not seen. Prints each set's
figures and the mail it got wrong.

    PYTHONPATH=. .venv/bin/python bench/urgency.py
"""

from gmail_sync.quotes import split_reply
from inbox.urgency import detect_urgency
from tests.inbox import urgency_samples


def score(name: str, samples: list[urgency_samples.Sample]) -> None:
    flagged = []
    for sample in samples:
        visible = split_reply(sample.body).visible
        found = detect_urgency(
            subject=sample.subject, text=visible, opens_conversation=sample.opens
        )
        flagged.append(found is not None)
        if (found is not None) != sample.urgent:
            kind = "false alarm" if found else "missed"
            print(f"  {kind}: {sample.subject!r}: {sample.body[:60]!r}")
    hits = sum(1 for sample, flag in zip(samples, flagged, strict=True) if flag and sample.urgent)
    precision = hits / max(sum(flagged), 1)
    recall = hits / max(sum(sample.urgent for sample in samples), 1)
    print(f"{name}: {len(samples)} mails, precision {precision:.2f}, recall {recall:.2f}")


if __name__ == "__main__":
    for name in ("SAMPLES", "HELD_OUT", "HELD_OUT_2", "HELD_OUT_3"):
        score(name, getattr(urgency_samples, name))
