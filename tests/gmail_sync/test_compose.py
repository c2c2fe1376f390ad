# ruff: noqa: RUF001 - Russian mail is part of the cases
"""gmail_sync.compose: who a reply reaches, computed from real headers run through the real
parser, and the bytes a reply is sent as, read back by the stdlib parser."""

from __future__ import annotations

import email.policy
from datetime import UTC, datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Literal

import pytest

from app.core.models import Message
from gmail_sync.compose import (
    MAX_REFERENCES_CHARS,
    MAX_REPLY_REFERENCES,
    OutgoingAttachment,
    build_reply,
    make_message_id,
    reply_references,
    reply_subject,
)
from gmail_sync.mime import parse_raw_message
from gmail_sync.recipients import (
    Answered,
    Recipients,
    diff_recipients,
    reply_from,
    reply_recipients,
)

MAILBOX = "support@acme.com"
ALIASES = ("billing@acme.com", "Help@Acme.com")
OWN = (MAILBOX, *ALIASES)
SENT_AT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def answered(headers: str) -> Answered:
    """The message with these headers as sync would parse it (UTF-8 for raw 8-bit headers)."""
    raw = "\r\n".join(
        [
            *headers.splitlines(),
            "Subject: Order 1042",
            "Date: Mon, 10 Mar 2025 11:00:00 +0000",
            "Message-ID: <m1@client.example>",
            "",
            "Hello",
            "",
        ]
    )
    return Answered.of_parsed(parse_raw_message(raw.encode()), own_addresses=OWN)


Mode = Literal["all", "sender"]
JANE = "Jane Roe <jane@client.example>"
BOB = "Bob Stone <bob@client.example>"
CAROL = "carol@client.example"

CASES = [
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}", "all", (JANE,), (), (), id="plain-client-to-mailbox"
    ),
    pytest.param(f"From: {JANE}\nTo: {MAILBOX}", "sender", (JANE,), (), (), id="sender-mode-alone"),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}, {BOB}\nCc: {CAROL}",
        "all",
        (JANE, BOB),
        (CAROL,),
        (),
        id="others-in-to-and-cc",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}, {BOB}\nCc: {CAROL}",
        "sender",
        (JANE,),
        (),
        (BOB, CAROL),
        id="sender-mode-drops-to-and-cc",
    ),
    pytest.param(
        f"From: Web form <noreply@forms.example>\nReply-To: {JANE}\nTo: {MAILBOX}",
        "all",
        (JANE,),
        (),
        (),
        id="reply-to-replaces-from",
    ),
    pytest.param(
        f"From: noreply@forms.example\nReply-To: {JANE}\nTo: {MAILBOX}\nCc: {BOB}",
        "all",
        (JANE,),
        (BOB,),
        (),
        id="reply-to-with-cc",
    ),
    pytest.param(
        f"From: noreply@forms.example\nReply-To: {JANE}\nTo: {MAILBOX}\nCc: {BOB}",
        "sender",
        (JANE,),
        (),
        (BOB,),
        id="sender-mode-reply-to",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: {JANE}, {CAROL}\nTo: {MAILBOX}",
        "all",
        (JANE, CAROL),
        (),
        (),
        id="reply-to-two-addresses",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: {JANE}, {CAROL}\nTo: {MAILBOX}, {BOB}",
        "sender",
        (JANE, CAROL),
        (),
        (BOB,),
        id="sender-mode-reply-to-two-addresses",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}, ops@lists.example\nCc: {BOB}\n"
        f"Mail-Followup-To: ops@lists.example, {JANE}",
        "all",
        ("ops@lists.example", JANE),
        (),
        (),
        id="mail-followup-to-wins",
    ),
    pytest.param(
        f"From: {JANE}\nTo: ops@lists.example\nMail-Followup-To: ops@lists.example, {MAILBOX}",
        "all",
        ("ops@lists.example",),
        (),
        (),
        id="mail-followup-to-without-self",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}, ops@lists.example\nMail-Followup-To: ops@lists.example",
        "sender",
        (JANE,),
        (),
        ("ops@lists.example",),
        id="sender-mode-ignores-mail-followup-to",
    ),
    pytest.param(
        f"From: Ann Lee <ann@partner.example>\nReply-To: billing@acme.com\n"
        f"To: {JANE}\nCc: {MAILBOX}",
        "all",
        ("Ann Lee <ann@partner.example>", JANE),
        (),
        (),
        id="alias-as-reply-to",
    ),
    pytest.param(
        f"From: {JANE}\nTo: Acme Billing <billing@acme.com>, {BOB}",
        "all",
        (JANE, BOB),
        (),
        (),
        id="alias-in-to",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}\nCc: BILLING@ACME.COM, {CAROL}",
        "all",
        (JANE,),
        (CAROL,),
        (),
        id="alias-in-cc-upper-case",
    ),
    pytest.param(
        f"From: {JANE}\nTo: help@ACME.com\nCc: {BOB}",
        "all",
        (JANE,),
        (BOB,),
        (),
        id="alias-configured-mixed-case",
    ),
    pytest.param(
        f"From: {JANE}\nTo: Support <SUPPORT@Acme.Com>, {BOB}",
        "all",
        (JANE, BOB),
        (),
        (),
        id="mailbox-in-other-case",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}, {BOB}\nCc: BOB@CLIENT.EXAMPLE, {CAROL}",
        "all",
        (JANE, BOB),
        (CAROL,),
        (),
        id="duplicate-across-to-and-cc",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}\nCc: Jane <JANE@Client.Example>, {CAROL}",
        "all",
        (JANE,),
        (CAROL,),
        (),
        id="sender-repeated-in-cc",
    ),
    pytest.param(
        f"From: noreply@forms.example\nReply-To: jane@client.example\n"
        f"To: {MAILBOX}, Jane Roe <JANE@client.example>",
        "all",
        (JANE,),
        (),
        (),
        id="first-display-name-wins-first-spelling-kept",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}, {CAROL}\nCc: Carol Dee <Carol@client.example>",
        "all",
        (JANE, "Carol Dee <carol@client.example>"),
        (),
        (),
        id="name-from-cc-fills-bare-to",
    ),
    pytest.param(
        f'From: "Roe, Jane" <jane@client.example>\nTo: {MAILBOX}\n'
        'Cc: "Stone, Bob (Sales)" <bob@client.example>',
        "all",
        ('"Roe, Jane" <jane@client.example>',),
        ('"Stone, Bob (Sales)" <bob@client.example>',),
        (),
        id="names-with-commas",
    ),
    pytest.param(
        f'From: "Jane \\"JR\\" Roe" <jane@client.example>\nTo: {MAILBOX}\n'
        "Cc: O'Brien <ob@client.example>",
        "all",
        ('"Jane \\"JR\\" Roe" <jane@client.example>',),
        ("O'Brien <ob@client.example>",),
        (),
        id="names-with-quotes",
    ),
    pytest.param(
        f"From: =?utf-8?b?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@client.ru>\nTo: {MAILBOX}",
        "all",
        ("Иван Петров <ivan@client.ru>",),
        (),
        (),
        id="encoded-word-cyrillic",
    ),
    pytest.param(
        f"From: =?utf-8?q?Petrov=2C_Ivan?= <ivan@client.ru>\nTo: {MAILBOX}\n"
        "Cc: =?iso-8859-1?q?M=FCller=2C_J=F6rg?= <jm@client.de>",
        "all",
        ('"Petrov, Ivan" <ivan@client.ru>',),
        ('"Müller, Jörg" <jm@client.de>',),
        (),
        id="encoded-comma-stays-one-person",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}\n"
        "Cc: =?koi8-r?b?79TExcwg0NLPxMHWLCDtz9PL18E=?= <sales@client.ru>",
        "all",
        (JANE,),
        ('"Отдел продаж, Москва" <sales@client.ru>',),
        (),
        id="encoded-word-koi8r-with-comma",
    ),
    pytest.param(
        f"From: Мария Иванова <maria@client.ru>\nTo: {MAILBOX}, Пётр <petr@client.ru>",
        "all",
        ("Мария Иванова <maria@client.ru>", "Пётр <petr@client.ru>"),
        (),
        (),
        id="raw-utf8-names",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}, Team: a@client.example, B <b@client.example>;",
        "all",
        (JANE, "a@client.example", "B <b@client.example>"),
        (),
        (),
        id="group-expands-to-members",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}\nCc: Acme: {MAILBOX}, billing@acme.com, {CAROL};",
        "all",
        (JANE,),
        (CAROL,),
        (),
        id="group-members-minus-self",
    ),
    pytest.param(
        f"From: {JANE}\nTo: undisclosed-recipients:;",
        "all",
        (JANE,),
        (),
        (),
        id="undisclosed-recipients",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {BOB}\nCc: Support <support@acme.com>, {CAROL}",
        "all",
        (JANE, BOB),
        (CAROL,),
        (),
        id="self-in-cc",
    ),
    pytest.param(
        f"From: {JANE}\nTo: Partner <partner@other.example>\nBcc: {MAILBOX}",
        "all",
        (JANE, "Partner <partner@other.example>"),
        (),
        (),
        id="bccd-self",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}\nBcc: secret@client.example",
        "all",
        (JANE,),
        (),
        (),
        id="bcc-never-added",
    ),
    pytest.param(
        f"From: Acme Support <{MAILBOX}>\nTo: {JANE}\nCc: {BOB}",
        "all",
        (JANE,),
        (BOB,),
        (),
        id="follow-up-to-own-message",
    ),
    pytest.param(
        f"From: billing@acme.com\nReply-To: {MAILBOX}\nTo: {JANE}\nCc: {MAILBOX}, {BOB}",
        "all",
        (JANE,),
        (BOB,),
        (),
        id="follow-up-from-alias-copying-self",
    ),
    pytest.param(
        f"From: {MAILBOX}\nTo: {JANE}\nCc: {BOB}",
        "sender",
        (JANE,),
        (),
        (BOB,),
        id="sender-mode-follow-up",
    ),
    pytest.param(
        f"From: {MAILBOX}\nTo: billing@acme.com",
        "all",
        (),
        (),
        (),
        id="empty-own-message-to-self",
    ),
    pytest.param(
        f"From: noreply@forms.example\nReply-To: {MAILBOX}\nTo: {MAILBOX}",
        "all",
        ("noreply@forms.example",),
        (),
        (),
        id="reply-to-us-goes-to-the-author",
    ),
    pytest.param(
        f"From: noreply@forms.example\nReply-To: {MAILBOX}\nTo: {MAILBOX}",
        "sender",
        ("noreply@forms.example",),
        (),
        (),
        id="reply-to-us-sender-mode-goes-to-the-author",
    ),
    pytest.param(
        f"From: noreply@forms.example\nReply-To: billing@acme.com\nTo: {MAILBOX}, {BOB}",
        "sender",
        ("noreply@forms.example",),
        (),
        (BOB,),
        id="sender-mode-reply-to-is-alias",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}\nTo: {BOB}\nCc: {CAROL}\nCc: dan@client.example",
        "all",
        (JANE, BOB),
        (CAROL, "dan@client.example"),
        (),
        id="repeated-to-and-cc-headers",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX},\n {BOB},\n {CAROL}",
        "all",
        (JANE, BOB, CAROL),
        (),
        (),
        id="folded-to-header",
    ),
    pytest.param(
        f'From: "jane@client.example" <jane@client.example>\nTo: {MAILBOX}',
        "all",
        ("jane@client.example",),
        (),
        (),
        id="name-equal-to-address",
    ),
    pytest.param(
        f"From: {JANE}\nTo: {MAILBOX}\nCc: e@c.example, d@c.example, f@c.example",
        "all",
        (JANE,),
        ("e@c.example", "d@c.example", "f@c.example"),
        (),
        id="cc-order-kept",
    ),
    pytest.param(
        f"From: {JANE}, {BOB}\nTo: {MAILBOX}",
        "all",
        (JANE, BOB),
        (),
        (),
        id="several-authors-all",
    ),
    pytest.param(
        f"From: {JANE}, {BOB}\nTo: {MAILBOX}\nCc: Carl <carl@client.example>",
        "sender",
        (JANE, BOB),
        (),
        ("Carl <carl@client.example>",),
        id="several-authors-are-the-sender",
    ),
    pytest.param(
        f"From: {JANE}, {BOB}\nReply-To: {MAILBOX}\nTo: {MAILBOX}",
        "all",
        (JANE, BOB),
        (),
        (),
        id="several-authors-reply-to-us",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: Help <help@acme.com>, {MAILBOX}\nTo: {MAILBOX}\nCc: {BOB}",
        "all",
        (JANE,),
        (BOB,),
        (),
        id="reply-to-only-our-alias-and-mailbox",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: ops@lists.example\nTo: ops@lists.example, {MAILBOX}\n"
        "List-Id: Ops <ops.lists.example>\nList-Post: <mailto:ops@lists.example>",
        "all",
        (JANE, "ops@lists.example"),
        (),
        (),
        id="list-rewrote-reply-to-all-keeps-author-and-list",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: ops@lists.example\nTo: ops@lists.example, {MAILBOX}\n"
        "List-Post: <mailto:ops@lists.example>",
        "sender",
        (JANE,),
        (),
        ("ops@lists.example",),
        id="list-rewrote-reply-to-sender-is-the-author",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: ops@lists.example\nTo: {MAILBOX}\nCc: ops@lists.example\n"
        "List-Post: <mailto:OPS@lists.example?subject=help>",
        "sender",
        (JANE,),
        (),
        ("ops@lists.example",),
        id="list-in-cc-rewrote-reply-to",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: {BOB}\nTo: {MAILBOX}\nCc: {BOB}",
        "sender",
        (BOB,),
        (),
        (),
        id="a-person-reply-to-in-cc-is-honoured-without-a-list",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: Jane at home <jane@home.example>\nTo: ops@lists.example\n"
        "List-Post: <mailto:ops@lists.example>",
        "sender",
        ("Jane at home <jane@home.example>",),
        (),
        ("ops@lists.example",),
        id="a-list-post-with-the-authors-own-reply-to",
    ),
    pytest.param(
        f"From: {JANE}\nTo: support+urgent@acme.com, {BOB}\nCc: Billing+vip@ACME.com",
        "all",
        (JANE, BOB),
        (),
        (),
        id="plus-addressed-own-addresses",
    ),
    pytest.param(
        f"From: {JANE}\nReply-To: support+tickets@acme.com\nTo: {MAILBOX}",
        "all",
        (JANE,),
        (),
        (),
        id="plus-addressed-reply-to-us",
    ),
]


@pytest.mark.parametrize(("headers", "mode", "to", "cc", "dropped"), CASES)
def test_reply_recipients(
    headers: str,
    mode: Mode,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    dropped: tuple[str, ...],
) -> None:
    recipients = reply_recipients(answered(headers), own_addresses=OWN, mode=mode)
    assert recipients == Recipients(to=to, cc=cc, dropped=dropped)


def test_the_table_covers_enough_combinations() -> None:
    assert len(CASES) >= 35


def test_answered_of_a_stored_message() -> None:
    message = Message(
        from_address="Support@Acme.com",
        from_name="Acme",
        reply_to=[],
        to=[JANE],
        cc=[BOB],
        bcc=[],
        mail_followup_to=[],
        direction="outbound",
        rfc_message_id="m3@acme.com",
        references="m1@client.example m2@client.example",
        subject="Re: Order 1042",
    )
    stored = Answered.of(message)
    assert stored.from_address == "support@acme.com"
    assert stored.outbound
    assert stored.references == ("m1@client.example", "m2@client.example")
    assert reply_references(stored) == ("m1@client.example", "m2@client.example", "m3@acme.com")
    assert reply_recipients(stored, own_addresses=OWN, mode="all") == Recipients((JANE,), (BOB,))


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Order 1042", "Re: Order 1042"),
        ("Re: Order 1042", "Re: Order 1042"),
        ("RE: Order 1042", "Re: Order 1042"),
        ("re:Order 1042", "Re: Order 1042"),
        ("Re: Re: RE: Order 1042", "Re: Order 1042"),
        ("Re[2]: Order 1042", "Re: Order 1042"),
        ("Re(3): Order 1042", "Re: Order 1042"),
        ("Re : Order 1042", "Re: Order 1042"),
        ("AW: Bestellung", "Re: Bestellung"),
        ("Aw: Re: Bestellung", "Re: Bestellung"),
        ("SV: Beställning", "Re: Beställning"),
        ("Ответ: Заказ", "Re: Заказ"),
        ("Отв: Re: Заказ", "Re: Заказ"),
        ("回复：订单", "Re: 订单"),
        ("Fwd: Order 1042", "Re: Fwd: Order 1042"),
        ("Re: Fwd: Re: Order", "Re: Fwd: Re: Order"),
        ("Revenue report", "Re: Revenue report"),
        ("Reading list: March", "Re: Reading list: March"),
        ("  Re:   Order\t 1042 ", "Re: Order 1042"),
        ("", "Re:"),
        ("Re:", "Re:"),
        ("RE: ", "Re:"),
    ],
)
def test_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected
    assert reply_subject(reply_subject(subject)) == expected


def _with_references(references: tuple[str, ...], message_id: str | None) -> Answered:
    return Answered(
        from_address="jane@client.example",
        from_name="Jane",
        reply_to=(),
        to=(MAILBOX,),
        cc=(),
        bcc=(),
        mail_followup_to=(),
        outbound=False,
        message_id=message_id,
        references=references,
        subject="Order",
    )


def _written(ids: tuple[str, ...]) -> str:
    return " ".join(f"<{ident}>" for ident in ids)


def test_reply_references_short_chain_is_kept() -> None:
    chain = ("a@x.example", "b@x.example")
    assert reply_references(_with_references(chain, "c@x.example")) == (*chain, "c@x.example")
    assert reply_references(_with_references((), "c@x.example")) == ("c@x.example",)
    assert reply_references(_with_references((), None)) == ()
    assert reply_references(_with_references(chain, None)) == chain


def test_reply_references_answered_id_goes_last_once() -> None:
    chain = ("a@x.example", "c@x.example", "b@x.example")
    trimmed = reply_references(_with_references(chain, "c@x.example"))
    assert trimmed == ("a@x.example", "b@x.example", "c@x.example")


@pytest.mark.parametrize("id_length", [20, 60, 200])
def test_reply_references_long_chain_keeps_root_and_newest(id_length: int) -> None:
    chain = tuple(f"{n:04d}".ljust(id_length, "x") + "@client.example" for n in range(60))
    trimmed = reply_references(_with_references(chain[:-1], chain[-1]))
    assert trimmed[0] == chain[0]
    assert trimmed[-1] == chain[-1]
    assert trimmed[1:] == chain[len(chain) - len(trimmed) + 1 :]
    assert len(trimmed) <= MAX_REPLY_REFERENCES
    assert len(_written(trimmed)) <= MAX_REFERENCES_CHARS
    assert len(trimmed) >= 3


def test_reply_references_count_limit_binds_for_short_ids() -> None:
    chain = tuple(f"m{n}@c.example" for n in range(100))
    trimmed = reply_references(_with_references(chain[:-1], chain[-1]))
    assert trimmed == (chain[0], *chain[-(MAX_REPLY_REFERENCES - 1) :])


def test_reply_references_oversized_ids_keep_root_and_answered() -> None:
    chain = tuple(f"{n}" + "x" * 600 + "@c.example" for n in range(5))
    trimmed = reply_references(_with_references(chain[:-1], chain[-1]))
    assert trimmed == (chain[0], chain[-1])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(f"From: {JANE}\nTo: billing@acme.com", "billing@acme.com", id="alias-in-to"),
        pytest.param(
            f"From: {JANE}\nTo: {BOB}\nCc: HELP@acme.com", "Help@Acme.com", id="alias-in-cc"
        ),
        pytest.param(
            f"From: {JANE}\nTo: {BOB}\nBcc: billing@acme.com", "billing@acme.com", id="bcc"
        ),
        pytest.param(f"From: {JANE}\nTo: {BOB}", MAILBOX, id="no-alias"),
        pytest.param(f"From: {JANE}\nTo: Support@Acme.com, billing@acme.com", MAILBOX, id="first"),
        pytest.param(
            f"From: {JANE}\nTo: Billing <billing@acme.com>, {MAILBOX}",
            "billing@acme.com",
            id="first-alias",
        ),
        pytest.param(
            f"From: billing@acme.com\nTo: {JANE}\nCc: help@acme.com",
            "billing@acme.com",
            id="follow-up",
        ),
        pytest.param(f"From: {JANE}\nTo: Acme: billing@acme.com;", "billing@acme.com", id="group"),
    ],
)
def test_reply_from(headers: str, expected: str) -> None:
    assert reply_from(answered(headers), mailbox_email=MAILBOX, aliases=ALIASES) == expected


def test_diff_recipients() -> None:
    sent = Recipients(to=(JANE, "Carol Dee <Carol@Client.example>"), cc=("dan@client.example",))
    participants = {"jane@client.example", "bob@client.example", "dan@client.example"}
    assert diff_recipients(sent, participants) == (["carol@client.example"], ["bob@client.example"])
    assert diff_recipients(Recipients((), ()), ()) == ([], [])
    assert diff_recipients(sent, [JANE, "Carol <CAROL@client.example>", "DAN@client.example"]) == (
        [],
        [],
    )


def test_make_message_id() -> None:
    made = {make_message_id("Acme.com") for _ in range(1000)}
    assert len(made) == 1000
    for ident in made:
        local, domain = ident.split("@")
        assert domain == "acme.com"
        assert local.startswith("tandem.")
        assert "<" not in ident
    for bad in ("", " ", "a b.com", "x@acme.com", "<acme.com>"):
        with pytest.raises(ValueError, match="not a mail domain"):
            make_message_id(bad)


def build(**overrides: object) -> bytes:
    arguments: dict[str, object] = {
        "from_address": MAILBOX,
        "from_name": "Служба поддержки, Acme",
        "to": ('"Roe, Jane" <jane@client.example>', "Иван Петров <ivan@client.ru>"),
        "cc": (CAROL,),
        "bcc": ("audit@acme.com",),
        "subject": "Re: Заказ 1042",
        "message_id": "tandem.1@acme.com",
        "in_reply_to": "m2@client.example",
        "references": ("m1@client.example", "m2@client.example"),
        "body_text": "Hello Jane,\n\nYour order <1042> & more\nships today.",
        "body_html": None,
        "signature": "Acme Support\n+1 555 0100",
        "date": SENT_AT,
    }
    arguments.update(overrides)
    return build_reply(**arguments)  # type: ignore[arg-type]


def parsed(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def content(message: EmailMessage, subtype: str) -> str:
    """A body part's text with the wire's CRLF read as newlines."""
    part = message.get_body((subtype,))
    assert isinstance(part, EmailMessage)
    text = part.get_content()
    assert isinstance(text, str)
    return text.replace("\r\n", "\n")


def test_build_reply_headers_round_trip() -> None:
    raw = build(extra_headers={"Auto-Submitted": "auto-replied"})
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert header_block.isascii()
    message = parsed(raw)
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Служба поддержки, Acme", MAILBOX)
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Roe, Jane", "jane@client.example"),
        ("Иван Петров", "ivan@client.ru"),
    ]
    assert message["Cc"] == CAROL
    assert message["Bcc"] == "audit@acme.com"
    assert message["Subject"] == "Re: Заказ 1042"
    assert message["Date"].datetime == SENT_AT
    assert message["Message-ID"] == "<tandem.1@acme.com>"
    assert message["In-Reply-To"] == "<m2@client.example>"
    assert message["References"] == "<m1@client.example> <m2@client.example>"
    assert message["MIME-Version"] == "1.0"
    assert message["Auto-Submitted"] == "auto-replied"


def test_build_reply_is_read_back_by_sync() -> None:
    reply = parse_raw_message(build())
    assert reply.to == ('"Roe, Jane" <jane@client.example>', "Иван Петров <ivan@client.ru>")
    assert reply.from_name == "Служба поддержки, Acme"
    assert reply.subject == "Re: Заказ 1042"
    assert reply.references == ("m1@client.example", "m2@client.example")
    assert reply.in_reply_to == "m2@client.example"
    assert reply.visible_text.startswith("Hello Jane,")


@pytest.mark.parametrize(
    "subject",
    [
        "Ответ: Срочно: страница оформления заказа отдаёт ошибку 500",
        "Re: импорт доставка данных средств акт средств оформления импорт импорт возврат средств",
        "Re: Счёт №1042 от 3 декабря  (две пробела) и «кавычки» — всё на месте, invoice too",
        "Re: " + " ".join(["заказ"] * 40),
    ],
)
def test_a_long_russian_subject_reaches_the_client_with_every_space(subject: str) -> None:
    """Python folds such a subject into encoded words joined at the spaces between words,
    which RFC 2047 readers drop: «страницаоформления». Every reader must see it whole."""
    raw = build(subject=subject)
    header_block = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert max(len(line) for line in header_block.split("\r\n")) <= 78
    folded = header_block.split("Subject: ", 1)[1].split("\r\nDate: ", 1)[0]
    assert str(make_header(decode_header(folded.replace("\r\n", "")))) == subject
    assert parsed(raw)["Subject"] == subject
    assert parse_raw_message(raw).subject == " ".join(subject.split())


def test_build_reply_is_seven_bit_whatever_the_script() -> None:
    """Gmail's multipart upload refuses 8-bit bytes: a Russian reply must still go out."""
    raw = build(body_text="Здравствуйте, Иван!\n\nЗаказ отправлен сегодня.", signature="Служба")
    assert raw.isascii()
    assert "Заказ отправлен сегодня." in content(parsed(raw), "plain")
    assert "Заказ отправлен сегодня." in content(parsed(raw), "html")


def test_build_reply_lines_are_crlf() -> None:
    raw = build(attachments=(OutgoingAttachment("a.txt", "text/plain", b"x\ny\n"),))
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_build_reply_alternatives_with_derived_html_and_signature() -> None:
    message = parsed(build())
    assert message.get_content_type() == "multipart/alternative"
    assert content(message, "plain") == (
        "Hello Jane,\n\nYour order <1042> & more\nships today.\n\n-- \nAcme Support\n+1 555 0100\n"
    )
    html = content(message, "html")
    assert "<p>Hello Jane,</p>" in html
    assert "<p>Your order &lt;1042&gt; &amp; more<br>\nships today.</p>" in html
    assert '<div class="signature">Acme Support<br>\n+1 555 0100</div>' in html


def test_build_reply_keeps_the_agents_html() -> None:
    body_html = "<html><body><p>Hi <b>Jane</b></p></body></html>"
    message = parsed(build(body_html=body_html, signature="<Acme> & co"))
    assert content(message, "html") == (
        '<html><body><p>Hi <b>Jane</b></p><div class="signature">&lt;Acme&gt; &amp; co</div>\n'
        "</body></html>\n"
    )


def test_build_reply_without_signature() -> None:
    message = parsed(build(signature="", body_html="<p>Hi</p>"))
    assert content(message, "plain") == "Hello Jane,\n\nYour order <1042> & more\nships today.\n"
    assert content(message, "html") == "<p>Hi</p>\n"


def test_build_reply_attachments_make_it_mixed() -> None:
    pdf = bytes(range(256)) * 40
    attachments = (
        OutgoingAttachment("счёт 1042.pdf", "application/pdf", pdf),
        OutgoingAttachment("notes.txt", "text/plain", "строка\r\n".encode("cp1251")),
        OutgoingAttachment("old.eml", "message/rfc822", b"Subject: x\r\n\r\nhi\r\n"),
        OutgoingAttachment("", "nonsense", b"\x00"),
    )
    message = parsed(build(attachments=attachments))
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)) is not None
    assert message.get_body(("html",)) is not None
    found = [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    ]
    assert found == [
        ("счёт 1042.pdf", "application/pdf", pdf),
        ("notes.txt", "text/plain", "строка\r\n".encode("cp1251")),
        ("old.eml", "application/octet-stream", b"Subject: x\r\n\r\nhi\r\n"),
        ("attachment", "application/octet-stream", b"\x00"),
    ]


def test_build_reply_optional_headers_left_out() -> None:
    message = parsed(build(cc=(), bcc=(), in_reply_to=None, references=()))
    for name in ("Cc", "Bcc", "In-Reply-To", "References"):
        assert message[name] is None


def test_build_reply_keeps_the_dates_offset() -> None:
    moscow = timezone(timedelta(hours=3))
    message = parsed(build(date=SENT_AT.astimezone(moscow)))
    assert message["Date"].datetime == SENT_AT
    assert str(message["Date"]).endswith("+0300")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        pytest.param({"date": datetime(2025, 3, 10, 12, 0)}, "timezone-aware", id="naive-date"),
        pytest.param({"subject": "Hi\r\nBcc: victim@x.example"}, "linefeed", id="header-injection"),
        pytest.param({"to": ("Jane Roe",)}, "not an email address", id="no-address"),
        pytest.param(
            {"extra_headers": {"From": "x@evil.example"}}, "set by build_reply", id="reserved"
        ),
        pytest.param({"extra_headers": {"X-Tag": "a\nb"}}, "linefeed", id="extra-injection"),
        pytest.param({"subject": "Счёт\nBcc: x@evil.example"}, "linefeed", id="subject-break"),
    ],
)
def test_build_reply_refuses_what_cannot_be_written(
    overrides: dict[str, object], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        build(**overrides)
