# ruff: noqa: RUF001 - Russian mail is part of the samples
"""Mail correctness end to end: raw messages delivered to the Gmail emulator over HTTP, synced
by Tandem through the real Google client (a full sync, then an incremental one for mail that
arrives later), and read back from `GET /api/v1/conversations/{id}` and the download route."""

from __future__ import annotations

import base64
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Message
from app.core.settings import Settings
from tests.conftest import Member
from tests.gmail_sync.mime_samples import (
    GIF,
    JPEG,
    PNG,
    Image,
    TnefFile,
    eight_bit_message,
    flowed_message,
    related_message,
    tnef_container,
    tnef_message,
)
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

CORPUS = Path(__file__).parent / "corpus"
SUPPORT = "support@acme.test"
BEFORE = [
    "zoho_reply_dash.eml",
    "gmail_reply_de_bottom.eml",
    "apple_mail_reply_fr_only_quote.eml",
    "raw_utf8_headers.eml",
    "cp1251_8bit_headers.eml",
    "inline_image_outlook.eml",
    "tnef_outlook_files.eml",
    "flowed_thunderbird_reply.eml",
]
LATER_TNEF = [
    TnefFile("NOTES.TXT", b"Meeting notes\r\n"),
    TnefFile("PLAN~1.DOC", b"\xd0\xcf doc", "План работ.doc"),
]


def _android_dash_reply() -> bytes:
    return (
        b"From: Mehmet Yilmaz <mehmet@example.com.tr>\r\nTo: support@acme.test\r\n"
        b"Subject: Re: Delivery date\r\nMessage-ID: <android-dash-1@example.com.tr>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Friday works for us, thanks. ---- ACME Support wrote ---- Can we deliver on Friday?\r\n"
    )


def _later_messages() -> dict[str, bytes]:
    """Mail that arrives after the first sync: fetched by the incremental path."""
    return {
        "eight-bit-8@example.ru": eight_bit_message(
            sender="Ольга Смирнова <olga@example.ru>",
            subject="Счёт не пришёл",
            to="Поддержка <support@acme.test>",
            body="Добрый день, счёт так и не пришёл.",
            charset="cp1251",
            number=8,
        ),
        "inline-5@example.com": related_message(
            '<p>Logo:</p><img src="cid:ii_m7x2k9aq0"><img src="cid:photo@x">',
            [
                Image("ii_m7x2k9aq0", "image/gif", GIF),
                Image("photo@x", "image/png", PNG, "photo.png"),
            ],
            sender="Gmail User <user@gmail.test>",
            number=5,
        ),
        "tnef-9@example.com": tnef_message(tnef_container(LATER_TNEF), subject="Plan", number=9),
        "flowed-2@example.com": flowed_message(
            "Спасибо, экспорт снова  \nработает.\n\n> Попробуйте ещё  \n> раз.\n",
            delsp=True,
            number=2,
        ),
        "android-dash-1@example.com.tr": _android_dash_reply(),
    }


@pytest.fixture
def synced(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> dict[str, dict[str, Any]]:
    """Message-ID -> the API's message (and its conversation's contact), for mail synced in full
    and incrementally."""
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    for name in BEFORE:
        deliver(control, SUPPORT, (CORPUS / name).read_bytes())
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    assert run_sync(engine, sync_settings, mailbox_id).error is None
    for raw in _later_messages().values():
        deliver(control, SUPPORT, raw)
    assert run_sync(engine, sync_settings, mailbox_id).error is None
    with Session(engine) as session:
        rows = session.exec(select(Message.rfc_message_id, Message.conversation_id)).all()
    found: dict[str, dict[str, Any]] = {}
    for rfc_id, conversation_id in rows:
        response = tandem.get(f"/api/v1/conversations/{conversation_id}", headers=admin.headers)
        assert response.status_code == 200, response.text
        (message,) = response.json()["messages"]
        found[str(rfc_id)] = {**message, "contact": response.json()["contact"]}
    assert len(found) == len(BEFORE) + len(_later_messages())
    return found


def _download(tandem: TestClient, admin: Member, attachment: dict[str, Any]) -> bytes:
    response = tandem.get(f"/api/v1/attachments/{attachment['id']}", headers=admin.headers)
    assert response.status_code == 200, response.text
    return response.content


def test_replies_show_what_their_author_wrote(synced: dict[str, dict[str, Any]]) -> None:
    zoho = synced["1956a0b1c2d.zoho.ravi@example.in"]
    assert zoho["text"] == "Hi,\n\nThe corrected invoice is fine, we will pay it this week."
    assert zoho["quoted_text"].startswith("---- On Mon, 03 Mar 2025 15:00:00 +0530 ACME Support")
    bottom = synced["CAF3xYz=de1@mail.gmail.com"]
    assert (
        bottom["text"] == "Danke, der Link hat funktioniert. Ich bin wieder drin.\n\nGrüße\nJonas"
    )
    assert bottom["quoted_text"].startswith("Am Mo., 3. März 2025 um 17:00 Uhr schrieb ACME")
    only_quote = synced["B1C2D3E4-F5A6-4B7C-8D9E-0F1A2B3C4D5E@example.fr"]
    assert only_quote["text"] == ""
    assert "Bonjour Claire, voici la facture corrigée." in only_quote["quoted_text"]
    android = synced["android-dash-1@example.com.tr"]
    assert (android["text"], android["quoted_text"]) == (
        "Friday works for us, thanks.",
        "---- ACME Support wrote ---- Can we deliver on Friday?",
    )


@pytest.mark.parametrize(
    ("rfc_id", "sender", "subject"),
    [
        (
            "eight-bit-7@example.ru",
            "Иван Петров <ivan@example.ru>",
            "Оплата не прошла — заказ 1042",
        ),
        (
            "8bit-headers-1@example.ru",
            "Ольга Смирнова <olga.smirnova@example.ru>",
            "Не работает выгрузка отчётов",
        ),
        ("eight-bit-8@example.ru", "Ольга Смирнова <olga@example.ru>", "Счёт не пришёл"),
    ],
)
def test_raw_8bit_headers_read_right(
    synced: dict[str, dict[str, Any]], rfc_id: str, sender: str, subject: str
) -> None:
    message = synced[rfc_id]

    # The API writes `from` as a header would (RFC 2047 words for a non-ASCII name).
    assert str(make_header(decode_header(message["from"]))) == sender
    assert message["subject"] == subject
    name, address = sender.removesuffix(">").split(" <")
    assert (message["contact"]["name"], message["contact"]["email"]) == (name, address)
    assert message["to"][0].endswith("<support@acme.test>") and "\ufffd" not in message["to"][0]


def test_inline_images_show_and_download(
    synced: dict[str, dict[str, Any]], tandem: TestClient, admin: Member
) -> None:
    outlook = synced["inline-3@example.com"]
    (image,) = outlook["attachments"]
    assert (image["filename"], image["content_type"], image["is_inline"]) == (
        "image001.jpg",
        "image/jpeg",
        True,
    )
    assert f'src="data:image/jpeg;base64,{base64.b64encode(JPEG).decode()}"' in outlook["html"]
    assert _download(tandem, admin, image) == JPEG
    gmail = synced["inline-5@example.com"]
    assert gmail["html"].count('src="data:image/') == 2 and "cid:" not in gmail["html"]
    assert {a["content_type"]: _download(tandem, admin, a) for a in gmail["attachments"]} == {
        "image/gif": GIF,
        "image/png": PNG,
    }


def test_winmail_dat_is_listed_as_its_files(
    synced: dict[str, dict[str, Any]], tandem: TestClient, admin: Member
) -> None:
    first = synced["tnef-2@example.com"]["attachments"]
    assert [(a["filename"], a["content_type"]) for a in first] == [
        ("Contract 2025 (signed).pdf", "application/pdf"),
        ("Счёт за март.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]
    assert _download(tandem, admin, first[0]).startswith(b"%PDF-1.4")
    later = synced["tnef-9@example.com"]["attachments"]
    assert [(a["filename"], a["size"]) for a in later] == [("NOTES.TXT", 15), ("План работ.doc", 6)]
    assert [_download(tandem, admin, a) for a in later] == [f.data for f in LATER_TNEF]


def test_flowed_text_is_unwrapped(synced: dict[str, dict[str, Any]]) -> None:
    thunderbird = synced["flowed-1@example.com"]
    assert thunderbird["text"] == (
        "Restarting the export service fixed it, thank you for the quick help. The file "
        "arrived at 06:05 this morning."
    )
    assert ">> The nightly export has failed three times this week." in thunderbird["quoted_text"]
    apple = synced["flowed-2@example.com"]
    assert (apple["text"], apple["quoted_text"]) == (
        "Спасибо, экспорт снова работает.",
        "> Попробуйте ещё раз.",
    )
