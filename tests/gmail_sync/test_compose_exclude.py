"""`reply_recipients(..., exclude=...)`: addresses the agent struck from a reply-all are left
out wherever they were, matched by bare address in any case, and reported as `removed`."""

from gmail_sync.mime import parse_raw_message
from gmail_sync.recipients import Answered, Recipients, reply_recipients

OWN = ("support@acme.com",)
JANE = "Jane Roe <jane@client.example>"
BOB = "Bob Stone <bob@client.example>"
CAROL = "carol@client.example"


def _answered(headers: str) -> Answered:
    raw = f"{headers}\r\nSubject: Order\r\nMessage-ID: <m1@client.example>\r\n\r\nHi\r\n"
    parsed = parse_raw_message(raw.encode())
    return Answered.of_parsed(parsed, own_addresses=OWN)


QUESTION = f"From: {JANE}\r\nTo: support@acme.com, {CAROL}\r\nCc: {BOB}"


def test_nothing_excluded_is_reply_all() -> None:
    assert reply_recipients(_answered(QUESTION), own_addresses=OWN, mode="all") == Recipients(
        (JANE, CAROL), (BOB,)
    )


def test_struck_addresses_leave_to_and_cc_in_any_case() -> None:
    recipients = reply_recipients(
        _answered(QUESTION),
        own_addresses=OWN,
        mode="all",
        exclude=["BOB@client.example", "Carol <carol@CLIENT.example>"],
    )

    assert recipients == Recipients(to=(JANE,), cc=(), removed=(CAROL, BOB))


def test_striking_the_sender_of_a_sender_only_reply_leaves_nobody() -> None:
    recipients = reply_recipients(
        _answered(QUESTION), own_addresses=OWN, mode="sender", exclude=["jane@client.example"]
    )

    assert recipients.to == ()
    assert recipients.removed == (JANE,)
    assert recipients.dropped == (CAROL, BOB)
