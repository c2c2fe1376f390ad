"""A subject or a name that arrives with line breaks (an encoded word can carry CR LF) is
written on one line in Tandem's mail: it can neither add a header, such as a Bcc to a
stranger, nor make the reply unwritable."""

from datetime import UTC, datetime
from email import message_from_bytes, policy

from gmail_sync.compose import build_reply, reply_subject
from gmail_sync.mime_headers import format_address

SUPPORT = "support@acme.test"


def test_a_subject_and_names_with_line_breaks_come_out_on_one_line() -> None:
    raw = build_reply(
        from_address=SUPPORT,
        from_name="Acme Support",
        to=[format_address("Anna\r\nCc: b@attacker.test", "anna@client.test")],
        cc=[],
        bcc=[],
        subject=reply_subject("Invoice\r\nBcc: c@attacker.test\x00"),
        message_id="r1@acme.test",
        in_reply_to=None,
        references=[],
        body_text="Hello",
        body_html=None,
        date=datetime(2026, 12, 1, tzinfo=UTC),
    )
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == "Re: Invoice Bcc: c@attacker.test"
    assert mail["Bcc"] is None and mail["Cc"] is None
    assert [address.addr_spec for address in mail["To"].addresses] == ["anna@client.test"]
    assert mail["To"].addresses[0].display_name == "Anna Cc: b@attacker.test"
