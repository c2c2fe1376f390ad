# ruff: noqa: RUF001 - Russian mail is part of the corpus
"""gmail_sync.mime over the odd-messages corpus, through both inputs: raw RFC 822 bytes and the
Gmail format=full resource Gmail would return for the same bytes."""

from __future__ import annotations

import base64
import email
import email.policy
from collections.abc import Callable
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmail_sync.mime import ParsedMessage, bare_addresses, parse_gmail_message, parse_raw_message

CORPUS = Path(__file__).parent / "corpus"
INTERNAL_DATE = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
Parse = Callable[[bytes], ParsedMessage]


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def gmail_resource(raw: bytes, gmail_id: str = "195a1b2c3d4e5f60") -> dict[str, Any]:
    """What messages.get(format="full") returns for `raw`: bodies transfer-decoded and
    base64url-encoded, named parts and embedded messages as attachmentIds."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    return {
        "id": gmail_id,
        "threadId": gmail_id,
        "labelIds": ["INBOX", "UNREAD"],
        "snippet": "",
        "internalDate": str(int(INTERNAL_DATE.timestamp() * 1000)),
        "sizeEstimate": len(raw),
        "payload": gmail_part(message, ""),
    }


def gmail_part(part: Message, part_id: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": gmail_filename(part),
        "headers": [{"name": name, "value": str(value)} for name, value in part.items()],
    }
    children = part.get_payload()
    if part.get_content_maintype() == "multipart" and isinstance(children, list):
        node["body"] = {"size": 0}
        node["parts"] = [
            gmail_part(child, f"{part_id}.{index}" if part_id else str(index))
            for index, child in enumerate(children)
        ]
        return node
    data = leaf_bytes(part)
    if node["filename"] or part.get_content_maintype() == "message":
        node["body"] = {"attachmentId": f"ANGjdJ{gmail_id_of(part_id)}", "size": len(data)}
    else:
        node["body"] = {"size": len(data), "data": base64.urlsafe_b64encode(data).decode()}
    return node


def gmail_id_of(part_id: str) -> str:
    return base64.urlsafe_b64encode(part_id.encode()).decode()


def gmail_filename(part: Message) -> str:
    name = part.get_filename()
    if not name:
        return ""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return str(make_header(decode_header(name)))


def leaf_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list):
        return b"".join(inner.as_bytes() for inner in payload if isinstance(inner, Message))
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


@pytest.fixture(params=["raw", "gmail"])
def parse(request: pytest.FixtureRequest) -> Parse:
    if request.param == "raw":
        return parse_raw_message
    return lambda raw: parse_gmail_message(gmail_resource(raw))


CORPUS_FILES = sorted(path.name for path in CORPUS.glob("*.eml"))
DAMAGED = {"nul_and_invalid_base64.eml"}


def test_the_corpus_holds_at_least_twenty_odd_messages() -> None:
    assert len(CORPUS_FILES) >= 20


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_every_corpus_message_parses_into_storable_text(name: str, parse: Parse) -> None:
    parsed = parse(corpus(name))

    assert (parsed.parse_error is not None) == (name in DAMAGED and parse is parse_raw_message)
    fields = [
        parsed.subject,
        parsed.text,
        parsed.visible_text,
        parsed.quoted_text,
        parsed.from_name,
    ]
    assert not any("\x00" in value for value in fields)
    # Empty visible text only for a message that is nothing but quoted history.
    assert parsed.visible_text or parsed.quoted_text or not parsed.text.strip()
    assert parsed.html is None or "<script" not in parsed.html.lower()
    assert parsed.date is not None or name == "broken_headers.eml"


REPLIES = {
    "gmail_reply_en.eml": (
        "Hi,\n\nThe export still fails with the same error after the update.\n"
        "Could you look again?",
        "We deployed a fix",
    ),
    "gmail_reply_ru.eml": (
        "Добрый день!\n\nОплата прошла, но доступ так и не появился. Номер заказа 48213.",
        "Пришлите, пожалуйста, номер заказа.",
    ),
    "outlook_reply_en.eml": ("Hello,\n\nThanks \u2013 the invoice is correct now.", "VAT number"),
    "outlook_reply_ru.eml": (
        "Добрый день, коллеги!\n\nПодтверждаю, счёт оплачен сегодня.",
        "Направляем счёт на оплату.",
    ),
    "apple_mail_reply_en.eml": ("The new link worked, thank you!\n\nLucy", "new reset link"),
    "apple_mail_reply_ru.eml": ("Спасибо, всё заработало.", "очистить кэш"),
    "thunderbird_reply_en.eml": (
        "Could you raise our limit to 100 requests per second?",
        "Your current limit",
    ),
    "thunderbird_reply_ru_koi8r.eml": (
        "Здравствуйте!\n\nПроблема повторилась сегодня утром, прикладываю скриншот ниже.",
        "Уточните, пожалуйста, версию браузера.",
    ),
    "yandex_reply_ru_html_only.eml": (
        "Добрый день!\n\nДа, можно переносить встречу на пятницу.",
        "Можно ли перенести встречу?",
    ),
    "mailru_reply_ru.eml": ("Спасибо за быстрый ответ!", "Ваш тикет № 512 закрыт."),
}


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_a_reply_shows_only_what_its_author_wrote(name: str, parse: Parse) -> None:
    visible, quoted_phrase = REPLIES[name]

    parsed = parse(corpus(name))

    assert parsed.visible_text == visible
    assert quoted_phrase in parsed.quoted_text
    assert quoted_phrase in parsed.text


@pytest.mark.parametrize(
    ("name", "signature"),
    [
        ("gmail_reply_en.eml", "--\nJohn Carter\nHead of Finance, Example Inc."),
        ("outlook_reply_en.eml", "Regards,\nPeter"),
        ("apple_mail_reply_ru.eml", "Отправлено с iPhone"),
        ("mailru_reply_ru.eml", "Отправлено из мобильной Почты Mail.ru"),
        ("thunderbird_reply_ru_koi8r.eml", "-- \nСергей Иванов"),
        ("yandex_reply_ru_html_only.eml", "--\nС уважением,\nМария"),
    ],
)
def test_signatures_are_set_apart(name: str, signature: str, parse: Parse) -> None:
    assert parse(corpus(name)).signature == signature


def test_inline_answers_below_quotes_stay_visible(parse: Parse) -> None:
    parsed = parse(corpus("inline_answers.eml"))

    assert "2.4.1" in parsed.visible_text
    assert parsed.visible_text.endswith("Only on uploads larger than 10 MB.")


def test_an_inline_forward_is_content_not_quoted_history(parse: Parse) -> None:
    parsed = parse(corpus("forwarded_inline_gmail.eml"))

    assert 'the page says "account locked"' in parsed.visible_text
    assert parsed.quoted_text == ""


def test_people_ids_and_threading_headers(parse: Parse) -> None:
    parsed = parse(corpus("gmail_reply_en.eml"))

    assert (parsed.from_name, parsed.from_address) == ("John Carter", "john.carter@example.com")
    assert parsed.sender == "John Carter <john.carter@example.com>"
    assert parsed.to == ("ACME Support <support@acme.test>",)
    assert parsed.cc == ("Mary Lee <mary@example.com>", "ops@example.com")
    assert bare_addresses(parsed.to + parsed.cc) == [
        "support@acme.test",
        "mary@example.com",
        "ops@example.com",
    ]
    assert parsed.message_id == "CAGr9k1@mail.gmail.com"
    assert parsed.in_reply_to == "CAF1x3@mail.gmail.com"
    assert parsed.references == ("CAF1x2@mail.gmail.com", "CAF1x3@mail.gmail.com")
    assert parsed.date == datetime(2025, 3, 4, 11, 15, 2, tzinfo=UTC)


def test_encoded_russian_names_and_subjects_are_decoded(parse: Parse) -> None:
    parsed = parse(corpus("gmail_reply_ru.eml"))

    assert parsed.subject == "Re: Не приходит доступ после оплаты"
    assert parsed.from_name == "Анна Петрова"
    assert parsed.to == ("Служба поддержки ACME <support@acme.test>",)


def test_windows_1251_subject_of_outlook(parse: Parse) -> None:
    parsed = parse(corpus("outlook_reply_ru.eml"))

    assert (parsed.subject, parsed.from_name) == ("RE: Счёт № 17", "Иван Сидоров")


@pytest.mark.parametrize(
    ("name", "subject", "sender"),
    [
        ("cp1251_8bit_headers.eml", "Не работает выгрузка отчётов", "Ольга Смирнова"),
        ("thunderbird_reply_ru_koi8r.eml", "Re: Ошибка при входе", "Сергей Иванов"),
    ],
)
def test_raw_8bit_headers_are_decoded_with_the_body_charset(
    name: str, subject: str, sender: str
) -> None:
    parsed = parse_raw_message(corpus(name))

    assert (parsed.subject, parsed.from_name) == (subject, sender)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("cp1251_8bit_headers.eml", "Выгрузка отчётов в Excel выдаёт пустой файл."),
        ("thunderbird_reply_ru_koi8r.eml", "Проблема повторилась сегодня утром"),
        ("mislabelled_koi8r_as_cp1251.eml", "Уважаемый клиент! Напоминаем о платеже"),
        ("mislabelled_utf8_as_latin1.eml", "mi pedido nº 1234 no llegó. ¿Podéis revisarlo? — José"),
        ("undeclared_8bit_cp1251.eml", "Здравствуйте! Заказ оформлен, ждём подтверждения оплаты."),
        ("outlook_reply_en.eml", "Thanks \u2013 the invoice is correct now."),
    ],
)
def test_bodies_in_any_charset_read_right(name: str, phrase: str, parse: Parse) -> None:
    assert phrase in parse(corpus(name)).text


def test_mislabelled_subject_charset_is_recovered(parse: Parse) -> None:
    parsed = parse(corpus("mislabelled_koi8r_as_cp1251.eml"))

    assert parsed.subject == "Напоминание о платеже"


def test_non_ascii_attachment_names_are_decoded_and_never_paths() -> None:
    parsed = parse_raw_message(corpus("attachment_filenames.eml"))

    assert [attachment.filename for attachment in parsed.attachments] == [
        "Договор № 17 от 03.03.2025.pdf",
        "Счёт за март.xlsx",
        "Заметки.txt",
        "evil.exe",
    ]
    assert parsed.attachments[0].size == len(b"%PDF-1.4\n")
    assert parsed.visible_text == "Documents attached."


def test_gmail_attachments_keep_gmails_names_and_ids() -> None:
    resource = gmail_resource(corpus("attachment_filenames.eml"))

    parsed = parse_gmail_message(resource)

    first, second = parsed.attachments[:2]
    assert (first.filename, first.part_id, first.attachment_id) == (
        "Договор № 17 от 03.03.2025.pdf",
        "1",
        f"ANGjdJ{gmail_id_of('1')}",
    )
    assert second.filename == "Счёт за март.xlsx"
    assert parsed.gmail_id == resource["id"]
    assert parsed.label_ids == ("INBOX", "UNREAD")


def test_inline_image_shows_from_its_own_bytes(parse: Parse) -> None:
    parsed = parse(corpus("inline_image.eml"))

    (image,) = parsed.attachments
    assert (image.filename, image.content_id, image.is_inline, image.size) == (
        "screenshot.png",
        "shot1@example.com",
        True,
        1024,
    )
    # Raw bytes carry the image; format=full keeps it behind an attachmentId (and sync then
    # fetches the raw message: gmail_sync.raw_fetch).
    shown = 'src="data:image/png;base64,AAECAwQF' if image.attachment_id is None else "cid:"
    assert parsed.html is not None and shown in parsed.html
    assert parsed.visible_text == "The button overlaps the menu:"


def test_hostile_html_is_sanitized_and_read_as_text(parse: Parse) -> None:
    parsed = parse(corpus("html_only_hostile.eml"))

    html = (parsed.html or "").lower()
    for forbidden in ("<script", "onload", "onclick", "javascript:", "<iframe", "<form", "data:"):
        assert forbidden not in html
    assert "position" not in html and "background" not in html
    assert 'data-tandem-remote-image="" src="https://tracker.example.com/open.gif?id=42"' in html
    assert 'src="cid:logo@example.com"' in html
    assert parsed.text.startswith("Your account\n\nPlease verify your account or read the help.")
    assert "alert" not in parsed.text and not parsed.text.startswith("Account")


def test_text_comes_from_html_when_there_is_no_text_part(parse: Parse) -> None:
    parsed = parse(corpus("inline_image.eml"))

    assert parsed.text == "The button overlaps the menu:"


def test_missing_date_falls_back_to_received_then_gmails_clock() -> None:
    raw = corpus("missing_date_and_message_id.eml")

    from_raw = parse_raw_message(raw)
    from_gmail = parse_gmail_message(gmail_resource(raw))

    assert from_raw.date == datetime(2025, 3, 6, 9, 15, tzinfo=UTC)
    assert from_gmail.date == INTERNAL_DATE
    assert from_raw.message_id is None and from_gmail.message_id is None


def test_broken_headers_keep_what_can_be_read(parse: Parse) -> None:
    parsed = parse(corpus("broken_headers.eml"))

    assert (parsed.from_name, parsed.from_address) == ("Jane Doe", "jane.doe@example.com")
    assert parsed.to == ("support@acme.test",)
    assert "café plain" in parsed.subject
    assert parsed.message_id == "no-brackets@example.com"
    assert parsed.references == ("a@example.com", "b@example.com")
    assert parsed.visible_text == "Body is fine."


def test_a_date_far_after_receipt_yields_to_gmails_clock() -> None:
    raw = corpus("empty_body.eml").replace(b"Thu, 6 Mar 2025", b"Sat, 6 Mar 2100")

    assert parse_gmail_message(gmail_resource(raw)).date == INTERNAL_DATE


@pytest.mark.parametrize(
    ("name", "automated"),
    [
        ("auto_reply.eml", "auto-reply"),
        ("bounce_dsn.eml", "bounce"),
        ("newsletter.eml", "bulk"),
        ("gmail_reply_en.eml", None),
    ],
)
def test_machines_are_told_apart_from_people(
    name: str, automated: str | None, parse: Parse
) -> None:
    parsed = parse(corpus(name))

    assert (parsed.automated, parsed.no_auto_reply) == (automated, None)


def test_a_newsletter_is_a_list_without_its_precedence_header(parse: Parse) -> None:
    parsed = parse(corpus("newsletter.eml").replace(b"Precedence: bulk\n", b""))

    assert parsed.automated == "mailing list"


def test_bounce_shows_the_human_readable_report(parse: Parse) -> None:
    parsed = parse(corpus("bounce_dsn.eml"))

    assert "Host or domain name not found." in parsed.visible_text
    assert [a.content_type for a in parsed.attachments] == [
        "message/delivery-status",
        "message/rfc822",
    ]


def test_forwarded_message_is_an_attachment_named_after_its_subject() -> None:
    parsed = parse_raw_message(corpus("forwarded_rfc822.eml"))

    (forwarded,) = parsed.attachments
    assert (forwarded.filename, forwarded.content_type) == (
        "Invoice question.eml",
        "message/rfc822",
    )
    assert forwarded.size > 100
    assert parsed.visible_text == "See the message from our accountant below."


def test_calendar_invite_is_offered_as_ics(parse: Parse) -> None:
    parsed = parse(corpus("calendar_invite.eml"))

    assert [a.filename for a in parsed.attachments] == ["invite.ics", "invite.ics"]
    assert parsed.visible_text.startswith("You have been invited to the following event.")


def test_tnef_winmail_dat_is_kept_as_an_attachment(parse: Parse) -> None:
    parsed = parse(corpus("tnef_winmail.eml"))

    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("winmail.dat", "application/ms-tnef")
    ]
    assert parsed.visible_text == "Please see the attached contract."


def test_empty_body_and_attachment_only_messages(parse: Parse) -> None:
    empty = parse(corpus("empty_body.eml"))
    scan = parse(corpus("only_attachment.eml"))

    assert (empty.text, empty.visible_text, empty.attachments) == ("", "", ())
    assert scan.text == "" and [a.filename for a in scan.attachments] == ["scan 0001.pdf"]


def test_nul_bytes_are_dropped_and_broken_base64_is_flagged() -> None:
    parsed = parse_raw_message(corpus("nul_and_invalid_base64.eml"))

    assert "Device log follows: status=ok" in parsed.text
    assert parsed.parse_error is not None and "Base64" in parsed.parse_error
    assert [a.filename for a in parsed.attachments] == ["log.bin"]


def test_two_hundred_nested_multiparts(parse: Parse) -> None:
    parsed = parse(corpus("nested_200_levels.eml"))

    assert parsed.visible_text == "Deep inside 200 multiparts."
    assert parsed.parse_error is None


def nested_message(depth: int) -> bytes:
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="n{level}"\n\n--n{level}\n'
        for level in range(depth)
    )
    closing = "".join(f"\n--n{level}--\n" for level in reversed(range(depth)))
    body = opening + "Content-Type: text/plain\n\nbottom\n" + closing
    return f"From: deep@example.com\nSubject: Deeper\n\n{body}".replace("\n\n", "\n", 1).encode()


def test_nesting_past_pythons_recursion_limit_keeps_the_headers() -> None:
    parsed = parse_raw_message(nested_message(1500))

    assert parsed.subject == "Deeper" and parsed.from_address == "deep@example.com"
    assert parsed.parse_error is not None and "nested too deeply" in parsed.parse_error


def test_a_deep_gmail_payload_is_walked_without_recursion() -> None:
    payload: dict[str, Any] = {
        "partId": "0",
        "mimeType": "text/plain",
        "body": {"size": 6, "data": base64.urlsafe_b64encode(b"bottom").decode()},
    }
    for _ in range(5000):
        payload = {"mimeType": "multipart/mixed", "body": {"size": 0}, "parts": [payload]}
    payload["headers"] = [{"name": "Subject", "value": "Deeper"}]

    parsed = parse_gmail_message({"id": "x", "payload": payload})

    assert (parsed.subject, parsed.text, parsed.parse_error) == ("Deeper", "bottom", None)


def big_attachment_message(size: int) -> bytes:
    encoded = base64.encodebytes(b"\x89PNG" + b"\x00" * (size - 4)).decode("ascii")
    return (
        "From: photos@example.com\nTo: support@acme.test\nSubject: Big photo\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="big"\n\n'
        "--big\nContent-Type: text/plain\n\nHere is the photo.\n"
        '--big\nContent-Type: image/png\nContent-Disposition: attachment; filename="photo.png"\n'
        f"Content-Transfer-Encoding: base64\n\n{encoded}--big--\n"
    ).encode("ascii")


@pytest.fixture(scope="module")
def big_message() -> bytes:
    return big_attachment_message(BIG)


BIG = 25 * 1024 * 1024


def test_a_25_mb_attachment_is_measured_never_kept(big_message: bytes, parse: Parse) -> None:
    parsed = parse(big_message)

    (photo,) = parsed.attachments
    assert (photo.filename, photo.size) == ("photo.png", BIG)
    assert parsed.visible_text == "Here is the photo."
    assert len(repr(parsed)) < 5000


def test_hostile_charset_parameters_cost_only_their_part() -> None:
    raw = (
        b"From: a@b.c\nSubject: odd\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=b\n\n"
        b'--b\nContent-Type: text/plain; charset="utf\xdb8"\n\nhello \xff\n'
        b"--b\nContent-Type: application/pdf\n"
        b"Content-Disposition: attachment; filename*=utf\xe98''%D0%94.pdf\n\nx\n--b--\n"
    )

    parsed = parse_raw_message(raw)

    assert (parsed.subject, parsed.text[:5], parsed.parse_error) == ("odd", "hello", None)
    assert [a.filename for a in parsed.attachments] == ["attachment.pdf"]


GMAIL_JUNK: list[dict[str, Any]] = [
    {},
    {"id": "1", "payload": "not a dict"},
    {"id": "2", "raw": "%%% not base64url %%%"},
    {"id": "3", "payload": {"mimeType": "multipart/mixed", "parts": [1, None, "x"]}},
    {"id": "4", "payload": {"mimeType": "text/plain", "body": {"data": "!!", "size": "x"}}},
    {"id": "5", "payload": {"headers": [None, {"name": 1}, {"name": "From", "value": 2}]}},
    {"id": "6", "internalDate": "99999999999999999999", "labelIds": "INBOX", "payload": {}},
]


@pytest.mark.parametrize("resource", GMAIL_JUNK)
def test_junk_gmail_resources_never_raise(resource: dict[str, Any]) -> None:
    parsed = parse_gmail_message(resource)

    assert isinstance(parsed, ParsedMessage)


def test_gmail_metadata_format_yields_headers_and_no_phantom_parts() -> None:
    headers = [{"name": "Subject", "value": "Only headers"}, {"name": "From", "value": "a@b.c"}]

    parsed = parse_gmail_message(
        {"id": "m1", "payload": {"mimeType": "multipart/alternative", "headers": headers}}
    )

    assert (parsed.subject, parsed.from_address, parsed.text) == ("Only headers", "a@b.c", "")
    assert (parsed.attachments, parsed.parse_error) == ((), None)


def test_gmail_raw_format_goes_through_the_same_parser() -> None:
    raw = corpus("gmail_reply_ru.eml")

    parsed = parse_gmail_message(
        {"id": "r1", "threadId": "t1", "raw": base64.urlsafe_b64encode(raw).decode()}
    )

    assert (parsed.gmail_id, parsed.thread_id) == ("r1", "t1")
    assert parsed.visible_text == REPLIES["gmail_reply_ru.eml"][0]


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    prefix=st.sampled_from([corpus(name)[:400] for name in CORPUS_FILES[:8]]),
    noise=st.binary(max_size=600),
)
def test_arbitrary_bytes_never_raise(prefix: bytes, noise: bytes) -> None:
    parsed = parse_raw_message(prefix + noise)

    assert isinstance(parsed, ParsedMessage)
