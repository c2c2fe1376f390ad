"""Telling machines from people: every sample read from raw bytes and from the emulator's
format=full resource, as sync reads it, must say the same."""

from datetime import UTC, datetime

import pytest

from gmail_emulator.messages import payload_of
from gmail_sync.automated_mail import is_out_of_office_subject
from gmail_sync.mime import ParsedMessage, parse_gmail_message, parse_raw_message
from tests.gmail_sync.automated_samples import (
    ALL,
    AUTO_REPLIES,
    BOUNCES,
    LISTS,
    OUT_OF_OFFICE_SUBJECTS,
    PEOPLE,
    PERSON_SUBJECTS,
    Sample,
)

WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def both_ways(raw: bytes) -> list[ParsedMessage]:
    resource = {
        "id": "18f0a1b2c3d4e5f6",
        "threadId": "18f0a1b2c3d4e5f6",
        "labelIds": ["INBOX", "UNREAD"],
        "internalDate": str(int(WHEN.timestamp() * 1000)),
        "sizeEstimate": len(raw),
        "payload": payload_of("18f0a1b2c3d4e5f6", raw),
    }
    return [parse_raw_message(raw, internal_date=WHEN), parse_gmail_message(resource)]


@pytest.mark.parametrize("sample", ALL, ids=[sample.name for sample in ALL])
def test_each_sample_is_read_as_who_wrote_it(sample: Sample) -> None:
    for parsed in both_ways(sample.raw(WHEN)):
        assert (parsed.automated, parsed.no_auto_reply) == (
            sample.automated,
            sample.no_auto_reply,
        )


@pytest.mark.parametrize("subject", OUT_OF_OFFICE_SUBJECTS)
def test_out_of_office_subjects_in_english_russian_and_outlooks_languages(subject: str) -> None:
    assert is_out_of_office_subject(subject)


@pytest.mark.parametrize("subject", PERSON_SUBJECTS)
def test_a_question_that_mentions_an_office_or_an_autoreply_is_a_persons(subject: str) -> None:
    assert not is_out_of_office_subject(subject)


def test_the_classes_are_covered_by_several_cases_each() -> None:
    """A guard for the sample lists themselves: each class keeps its variety."""
    assert len(BOUNCES) >= 7 and len(AUTO_REPLIES) >= 7 and len(LISTS) >= 5
    assert len(OUT_OF_OFFICE_SUBJECTS) >= 20 and len(PERSON_SUBJECTS) >= 15
    assert {sample.no_auto_reply for sample in PEOPLE} >= {
        None,
        "mailing list post",
        "sender asked for no auto-reply",
    }


def test_an_encoded_out_of_office_subject_is_read_decoded() -> None:
    raw = (
        b"From: =?utf-8?b?0JDQvdC90LA=?= <anna@client.test>\r\nTo: support@acme.test\r\n"
        b"Subject: =?utf-8?b?0JDQstGC0L7QvtGC0LLQtdGCOiDQl9Cw0LrQsNC3IDE1?=\r\n"
        b"Date: Mon, 2 Mar 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"\r\nHello\r\n"
    )

    for parsed in both_ways(raw):
        assert parsed.subject == "Автоответ: Заказ 15"
        assert parsed.automated == "out of office"


def test_a_malformed_report_type_or_return_path_never_raises() -> None:
    raw = (
        b"Return-Path: <<>\r\nFrom: relay@example.test\r\nTo: support@acme.test\r\n"
        b"Subject: x\r\nContent-Type: multipart/report; report-type*=''%FF%FE; boundary=b\r\n"
        b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n"
    )

    for parsed in both_ways(raw):
        assert parsed.automated == "bounce"
