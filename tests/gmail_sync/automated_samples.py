# ruff: noqa: RUF001 - Russian mail is part of the samples
"""Raw RFC 822 messages as mail systems, vacation programs, list servers and people write them,
each with what `gmail_sync.automated_mail` must make of it.

`Sample.raw(date)` dates a message (mail delivered to the emulator now must carry a Date after
the mailbox's connection); every sample has its own sender, subject and Message-ID, so each
starts its own thread and no two share an acknowledgement window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime


@dataclass(frozen=True)
class Sample:
    name: str
    head: str
    body: str
    automated: str | None
    no_auto_reply: str | None = None

    def raw(self, date: datetime) -> bytes:
        """The message as a mailer sends it: non-ASCII header text in RFC 2047 words."""
        lines = [_encoded(line) for line in self.head.strip("\n").splitlines()]
        lines += [f"Date: {format_datetime(date)}", f"Message-ID: <{self.name}@samples.test>"]
        text = "\n".join(lines) + "\n\n" + self.body.lstrip("\n")
        return text.replace("\n", "\r\n").encode()

    @property
    def sender(self) -> str:
        line = next(line for line in self.head.splitlines() if line.startswith("From:"))
        return line.rsplit("<", 1)[-1].strip(" >").lower()


def _encoded(line: str) -> str:
    name, _, value = line.partition(": ")
    return line if line.isascii() else f"{name}: {Header(value, 'utf-8').encode()}"


def _text(subject: str, sender: str, extra: str = "") -> str:
    """Header lines of a plain-text message to the support mailbox."""
    return (
        f"From: {sender}\nTo: support@acme.test\nSubject: {subject}\n{extra}"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
    )


def _report(subject: str, sender: str, report_type: str, extra: str = "") -> str:
    return (
        f"{extra}From: {sender}\nTo: support@acme.test\nSubject: {subject}\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/report; report-type={report_type}; boundary="rep"\n'
    )


_DSN_BODY = """
--rep
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to one or more recipients.

<nobody@client.invalid>: Host or domain name not found.

--rep
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.test

Final-Recipient: rfc822; nobody@client.invalid
Action: failed
Status: 5.1.2

--rep
Content-Type: text/rfc822-headers

From: ACME Support <support@acme.test>
To: nobody@client.invalid
Subject: Re: Refund for order 1042

--rep--
"""

_MDN_BODY = """
--rep
Content-Type: text/plain; charset=utf-8

This is a receipt for the mail you sent to anna@client.test. The message was displayed.

--rep
Content-Type: message/disposition-notification

Reporting-UA: anna-pc; Microsoft Outlook 16.0
Final-Recipient: rfc822;anna@client.test
Original-Message-ID: <reply-7@acme.test>
Disposition: manual-action/MDN-sent-manually; displayed

--rep--
"""

BOUNCES = [
    Sample(
        "postfix-dsn",
        "Return-Path: <>\n"
        + _report(
            "Undelivered Mail Returned to Sender",
            "Mail Delivery System <MAILER-DAEMON@mx.example.test>",
            "delivery-status",
        ),
        _DSN_BODY,
        "bounce",
    ),
    Sample(
        "gmail-dsn",
        _report(
            "Delivery Status Notification (Failure)",
            "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
            "delivery-status",
            "X-Failed-Recipients: nobody@client.invalid\nAuto-Submitted: auto-replied\n",
        ),
        _DSN_BODY,
        "bounce",
    ),
    Sample(
        "exchange-ndr",
        _report(
            "Undeliverable: Re: Refund for order 1042",
            "Microsoft Outlook <postmaster@client.test>",
            "delivery-status",
        ),
        _DSN_BODY,
        "bounce",
    ),
    Sample(
        "exim-bounce",
        _text(
            "Mail delivery failed: returning message to sender",
            "Mail Delivery System <Mailer-Daemon@mx2.example.test>",
            "X-Failed-Recipients: nobody@client.invalid\n",
        ),
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its recipients.\n",
        "bounce",
    ),
    Sample(
        "failed-recipients-only",
        _text(
            "Returned mail: see transcript for details",
            "Mail Relay <relay@smtp.example.test>",
            "X-Failed-Recipients: nobody@client.invalid\n",
        ),
        "The original message was received but could not be delivered.\n",
        "bounce",
    ),
    Sample(
        "report-only",
        _report("Delivery delayed", "Relay <notices@relay.example.test>", "delivery-status"),
        _DSN_BODY,
        "bounce",
    ),
    Sample(
        "null-sender",
        "Return-Path: <>\n" + _text("Ticket received", "Vendor Desk <desk@vendor.test>"),
        "We received your message and opened ticket 5521.\n",
        "null sender",
    ),
    Sample(
        "read-receipt",
        _report(
            "Read: Refund for order 1042",
            "Anna Petrova <anna@client.test>",
            "disposition-notification",
        ),
        _MDN_BODY,
        "read receipt",
    ),
]

AUTO_REPLIES = [
    Sample(
        "gmail-vacation",
        _text(
            "Re: Invoice 42 is wrong",
            "Boris Ivanov <boris@client.test>",
            "Auto-Submitted: auto-replied\n",
        ),
        "I am on holiday until 10 March and will answer when I am back.\n",
        "auto-reply",
    ),
    Sample(
        "exchange-oof",
        _text(
            "Automatic reply: Invoice 42 is wrong",
            "Carla Gomez <carla@client.test>",
            "Auto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n"
            "X-MS-Exchange-Inbox-Rules-Loop: carla@client.test\n",
        ),
        "I am out of the office with limited access to email.\n",
        "auto-generated",
    ),
    Sample(
        "x-autoreply",
        _text("Re: Your parcel", "Dmitry <dmitry@client.test>", "X-Autoreply: yes\n"),
        "Спасибо за письмо, я отвечу позже.\n",
        "auto-reply",
    ),
    Sample(
        "x-autorespond",
        _text("Thanks for your email", "Eva <eva@client.test>", "X-Autorespond: Thanks\n"),
        "Thanks, we got your email.\n",
        "auto-reply",
    ),
    Sample(
        "precedence-auto-reply",
        _text("Re: Contract", "Felix <felix@client.test>", "Precedence: auto_reply\n"),
        "I am travelling this week.\n",
        "auto-reply",
    ),
    Sample(
        "x-autogenerated-reply",
        _text("Re: Contract draft", "Gina <gina@client.test>", "X-Autogenerated: Reply\n"),
        "Away until Monday.\n",
        "auto-reply",
    ),
    Sample(
        "jira-notification",
        _text(
            "[JIRA] (OPS-12) Disk almost full",
            "Jira <jira@ops.client.test>",
            "Auto-Submitted: auto-generated\n",
        ),
        "Disk usage on db-1 is above 90 %.\n",
        "auto-generated",
    ),
    Sample(
        "auto-notified",
        _text(
            "Your password was changed",
            "Accounts <accounts@portal.client.test>",
            "Auto-Submitted: auto-notified; owner-email=admin@client.test\n",
        ),
        "Your password was changed.\n",
        "auto-generated",
    ),
]

OUT_OF_OFFICE_SUBJECTS = [
    "Automatic reply: Invoice 42 is wrong",
    "Out of Office: Re: Refund for order 1042",
    "Out of Office AutoReply: Refund",
    "Autoreply: your message",
    "Auto-Reply: Contract",
    "Auto Response: Contract",
    "Out of office",
    "Out of the office until 10 March",
    "I am out of the office (returning 12/03)",
    "I'm currently away from the office until Monday",
    "On vacation",
    "On annual leave from 1 to 14 August",
    "OOO: back on Monday",
    "AUTO: Jane Doe is out of the office (returning 03/10/2025)",
    "Автоответ: Заказ 15",
    "Автоматический ответ: Счёт на оплату",
    "Нет на месте: Re: Заказ 15",
    "Меня нет в офисе",
    "Меня нет до понедельника",
    "Я в отпуске до 10 марта",
    "В отпуске",
    "Отсутствую с 1 по 10 июля",
    "Вне офиса",
    "Automatische Antwort: Rechnung 42",
    "Réponse automatique : Facture 42",
]

PERSON_SUBJECTS = [
    "Question about Office 365 licences",
    "Is your office open on Saturday?",
    "Out of office hours support",
    "Out of office - can't log in to the VPN",
    "Out of office until when?",
    "Re: Automatic reply: Invoice 42 is wrong",
    "Fwd: Out of Office: Refund",
    "How do I set up an automatic reply?",
    "Autoreply not working in my account",
    "Office move: our new address",
    "On vacation, can I still pay by card?",
    "Автоответчик не работает",
    "Как настроить автоответ?",
    "Автоответ не приходит клиентам",
    "Нет на месте товара из заказа 15",
    "В отпуске: как перенести бронь?",
    "Меня нет в списке рассылки",
    "Офис закрыт?",
    "Счёт за отпуск",
]

OUT_OF_OFFICE = [
    Sample(
        f"oof-subject-{number}",
        _text(subject, f"Away {number} <away{number}@client.test>"),
        "I will answer when I am back.\n",
        "out of office",
    )
    for number, subject in enumerate(OUT_OF_OFFICE_SUBJECTS)
]

LISTS = [
    Sample(
        "newsletter-bulk",
        _text(
            "This week at Example",
            "Example Weekly <news@newsletter.example.com>",
            "List-Id: Example Weekly <weekly.newsletter.example.com>\n"
            "List-Unsubscribe: <https://newsletter.example.com/u/abc>\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\nPrecedence: bulk\n",
        ),
        "This week: three new features.\n",
        "bulk",
    ),
    Sample(
        "esp-newsletter",
        _text(
            "Spring sale: 20 % off",
            "Shop <hello@shop.example.com>",
            "List-Unsubscribe: <mailto:unsub-8812@mail.shop.example.com>\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\nFeedback-ID: 8812:campaign:esp\n",
        ),
        "Everything 20 % off until Sunday.\n",
        "mailing list",
    ),
    Sample(
        "github-notification",
        _text(
            "Re: [acme/app] Export fails on large files (#311)",
            "Octo Cat <notifications@github.com>",
            "List-Id: acme/app <app.acme.github.com>\nList-Archive: https://github.com/acme/app\n"
            "Precedence: list\nX-GitHub-Reason: subscribed\n",
        ),
        "Closed #311 via 9f1c2d.\n",
        "mailing list",
    ),
    Sample(
        "precedence-junk",
        _text("You have won", "Prize <prize@lottery.example.net>", "Precedence: junk\n"),
        "Claim your prize.\n",
        "bulk",
    ),
    Sample(
        "announce-list",
        _text(
            "[announce] Release 4.2",
            "Release Bot <announce@lists.example.org>",
            "List-Id: <announce.lists.example.org>\nList-Post: NO (posting not allowed)\n"
            "Precedence: list\n",
        ),
        "Version 4.2 is out.\n",
        "mailing list",
    ),
]

PEOPLE = [
    Sample(
        "google-group-post",
        _text(
            "Cannot export invoices",
            "Hanna Schmidt <hanna@client.test>",
            "Mailing-list: list support@acme.test; contact support+owners@acme.test\n"
            "List-Id: <support.acme.test>\nList-Post: <https://groups.google.com/a/acme.test/"
            "group/support/post>, <mailto:support@acme.test>\nPrecedence: list\n"
            "List-Unsubscribe: <mailto:googlegroups-manage+1+unsubscribe@googlegroups.com>\n",
        ),
        "The export button does nothing since yesterday.\n",
        None,
        "mailing list post",
    ),
    Sample(
        "suppress-all",
        _text(
            "Meeting about the renewal",
            "Ivan Petrov <ivan@client.test>",
            "X-Auto-Response-Suppress: All\n",
        ),
        "Can we talk about the renewal on Thursday?\n",
        None,
        "sender asked for no auto-reply",
    ),
    Sample(
        "suppress-oof",
        _text(
            "Re: Quote for 20 seats",
            "Julia <julia@client.test>",
            "X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\n",
        ),
        "Please send the quote for 20 seats.\n",
        None,
        "sender asked for no auto-reply",
    ),
    Sample(
        "suppress-receipts-only",
        _text("Delivery address", "Karl <karl@client.test>", "X-Auto-Response-Suppress: DR, RN\n"),
        "Please ship to our new address.\n",
        None,
    ),
    Sample(
        "auto-submitted-no",
        _text("Wrong invoice total", "Lena <lena@client.test>", "Auto-Submitted: no\n"),
        "The invoice total is 10 EUR too high.\n",
        None,
    ),
    *(
        Sample(
            f"person-subject-{number}",
            _text(subject, f"Client {number} <client{number}@client.test>"),
            "Could you help, please?\n",
            None,
        )
        for number, subject in enumerate(PERSON_SUBJECTS)
    ),
]

AUTOMATED = BOUNCES + AUTO_REPLIES + OUT_OF_OFFICE + LISTS
ALL = AUTOMATED + PEOPLE
