# ruff: noqa: RUF001 - Russian quote headers are the point
"""gmail_sync.quotes: the quote headers of each client cut the history off; anything unsure
stays visible."""

from __future__ import annotations

import pytest

from gmail_sync.quotes import split_reply, split_signature, starts_with_forward

REPLY = "Thanks, it works now."


@pytest.mark.parametrize(
    "header",
    [
        "On Mon, 3 Mar 2025 at 10:00, Anna Petrova <anna@example.com> wrote:",
        "On Mon, Mar 3, 2025 at 10:00 AM Anna Petrova <anna@example.com> wrote:",
        "On Mon, 3 Mar 2025 at 10:00, Anna Petrova <\nanna@example.com> wrote:",
        "On 3 Mar 2025, at 10:00, Anna Petrova <anna@example.com> wrote:",
        "On 03.03.2025 10:00, Anna Petrova wrote:",
        "пн, 3 мар. 2025 г. в 10:00, Анна Петрова <anna@example.com>:",
        "пн, 3 мар. 2025 г. в 10:00, Анна Петрова <\nanna@example.com>:",
        "3 марта 2025 г., в 10:00, Анна Петрова <anna@example.com> написал(а):",
        "03.03.2025 10:00, Анна Петрова пишет:",
        '03.03.2025, 10:00, "Анна Петрова" <anna@example.com>:',
        "Понедельник, 3 марта 2025, 10:00 +03:00 от Анна Петрова <anna@example.com>:",
        "Am Mo., 3. März 2025 um 10:00 Uhr schrieb Anna Petrova <anna@example.com>:",
        "Am Mo., 3. März 2025 um 10:00 Uhr schrieb Anna Petrova <\nanna@example.com>:",
        "Am 03.03.2025 um 10:00 schrieb Anna Petrova <anna@example.com>:",
        "Am 03.03.25 um 10:00 schrieb Anna Petrova:",
        "Le lun. 3 mars 2025 à 10:00, Anna Petrova <anna@example.com> a écrit :",
        "Le lun. 3 mars 2025 à 10:00, Anna Petrova <anna@example.com> a\nécrit :",
        "Le 3 mars 2025 à 10:00, Anna Petrova <anna@example.com> a écrit\u00a0:",
        "Le 03/03/2025 à 10:00, Anna Petrova a écrit :",
    ],
)
def test_dated_quote_headers_start_the_quoted_history(header: str) -> None:
    text = f"{REPLY}\n\n{header}\n> Does it work now?\n> Anna\n"

    reply = split_reply(text)

    assert reply.visible == REPLY
    assert reply.quoted.startswith(header.split("\n")[0])
    assert reply.quoted.endswith("> Anna")


@pytest.mark.parametrize(
    "block",
    [
        "-----Original Message-----\nFrom: Anna\nSent: Monday, March 3, 2025 10:00 AM\n"
        "To: Support\nSubject: Access",
        "________________________________\nFrom: Anna <anna@example.com>\n"
        "Sent: Monday, March 3, 2025 10:00 AM\nTo: Support <support@acme.test>\nSubject: Access",
        "From: Anna <anna@example.com>\nSent: Monday, March 3, 2025 10:00\nTo: Support\n"
        "Subject: RE: Access",
        "*From:* Anna <anna@example.com>\n*Sent:* Monday, March 3, 2025 10:00\n*To:* Support",
        "-----Исходное сообщение-----\nОт: Анна\nОтправлено: 3 марта 2025 г. 10:00\n"
        "Кому: Поддержка",
        "От: Анна Петрова <anna@example.com>\nОтправлено: 3 марта 2025 г. 10:00\n"
        "Кому: Поддержка <support@acme.test>\nТема: Доступ",
        "Von: Anna Petrova <anna@example.com>\nGesendet: Montag, 3. März 2025 10:00\n"
        "An: Support <support@acme.test>\nBetreff: Zugang",
        "-----Ursprüngliche Nachricht-----\nVon: Anna\nGesendet: Montag, 3. März 2025 10:00",
        "De : Anna Petrova <anna@example.com>\nEnvoyé : lundi 3 mars 2025 10:00\n"
        "À : Support <support@acme.test>\nObjet : Accès",
        "-----Message d'origine-----\nDe : Anna\nEnvoyé : lundi 3 mars 2025 10:00",
    ],
)
def test_outlook_header_blocks_start_unprefixed_history(block: str) -> None:
    text = f"{REPLY}\n\n{block}\n\nOriginal question without any prefix.\n"

    reply = split_reply(text)

    assert reply.visible == REPLY
    assert reply.quoted.endswith("Original question without any prefix.")


def test_a_trailing_quote_block_under_a_plain_attribution_is_cut() -> None:
    text = f"{REPLY}\n\nAnna Petrova <anna@example.com> wrote:\n> question\n>\n> more\n\n"

    reply = split_reply(text)

    assert (reply.visible, reply.quoted) == (
        REPLY,
        "Anna Petrova <anna@example.com> wrote:\n> question\n>\n> more",
    )


def test_a_trailing_quote_block_without_attribution_is_cut() -> None:
    reply = split_reply(f"{REPLY}\n\n> question\n> more\n")

    assert (reply.visible, reply.quoted) == (REPLY, "> question\n> more")


def test_inline_answers_keep_the_whole_conversation_visible() -> None:
    text = "On Mon, 3 Mar 2025 at 10:00, Anna <a@b.c> wrote:\n> one?\n\nyes\n\n> two?\n\nno\n"

    reply = split_reply(text)

    assert reply.visible == text.strip() and reply.quoted == ""


def test_a_quote_header_inside_a_sentence_is_not_a_header() -> None:
    text = "On Monday at 10:00 the export failed, my colleague wrote: nothing works.\nPlease help."

    assert split_reply(text).visible == text


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "-------- Пересылаемое сообщение --------",
        "Begin forwarded message:",
        "-------- Перенаправленное сообщение --------",
    ],
)
def test_forwarded_messages_stay_visible(marker: str) -> None:
    text = (
        f"FYI\n\n{marker}\nFrom: Bob <bob@example.net>\nDate: Mon, 3 Mar 2025\n"
        "Subject: Login\nTo: Mary <mary@example.com>\n\nI cannot log in.\n"
    )

    reply = split_reply(text)

    assert reply.visible.endswith("I cannot log in.") and reply.quoted == ""
    assert starts_with_forward(f"{marker}\nFrom: Bob")


def test_a_forward_by_subject_keeps_an_outlook_block_visible() -> None:
    text = "See below.\n\nFrom: Bob\nSent: Monday, March 3, 2025\nTo: Mary\n\nI cannot log in.\n"

    assert split_reply(text, forwarded=True).visible.endswith("I cannot log in.")
    assert split_reply(text).visible == "See below."


@pytest.mark.parametrize(
    ("text", "body", "signature"),
    [
        (
            "Fixed, thanks.\n\n-- \nAnna Petrova\nACME Ltd",
            "Fixed, thanks.",
            "-- \nAnna Petrova\nACME Ltd",
        ),
        ("Fixed.\n\nSent from my iPhone", "Fixed.", "Sent from my iPhone"),
        ("Исправлено.\n\nОтправлено с iPhone", "Исправлено.", "Отправлено с iPhone"),
        ("Fixed.\n\nGet Outlook for Android", "Fixed.", "Get Outlook for Android"),
        (
            "Fixed.\n\nBest regards,\nAnna Petrova\nACME Ltd",
            "Fixed.",
            "Best regards,\nAnna Petrova\nACME Ltd",
        ),
        ("Исправлено.\n\nС уважением,\nАнна", "Исправлено.", "С уважением,\nАнна"),
    ],
)
def test_signatures_are_separated(text: str, body: str, signature: str) -> None:
    assert split_signature(text) == (body, signature)


@pytest.mark.parametrize(
    "text",
    [
        "Best regards,\nAnna",
        "Hello,\n\nBest regards,\nAnna\n\nP.S. The invoice number is wrong too.",
        "Hello,\n\nRegards,\n"
        + "\n".join(f"line {n} of a long text after a closing" for n in range(9)),
        "Hello,\n\nKind regards,\nThe invoice you sent on Monday has a wrong VAT number and the "
        "wrong company address; please send a corrected one.",
        "Step one\n--\n" + "\n".join(f"step {n}" for n in range(20)),
    ],
)
def test_signature_detection_never_eats_the_message(text: str) -> None:
    body, signature = split_signature(text)

    assert signature == "" or body.startswith("Hello")
    assert len(body) >= len(text) // 3


def test_a_signature_under_the_quote_is_not_quoted_history() -> None:
    text = "Fixed.\n\nOn Mon, 3 Mar 2025 at 10:00, Anna <a@b.c> wrote:\n> Broken?\n\n-- \nBob\n"

    reply = split_reply(text)

    assert (reply.visible, reply.signature) == ("Fixed.", "-- \nBob")
    assert reply.quoted.endswith("> Broken?")


def test_huge_bodies_are_split_from_their_head() -> None:
    quoted = "\n".join(f"> quoted line {n}" for n in range(200_000))
    text = f"{REPLY}\n\nOn Mon, 3 Mar 2025 at 10:00, Anna <a@b.c> wrote:\n{quoted}\n"

    reply = split_reply(text)

    assert reply.visible == REPLY
    assert reply.quoted.endswith("> quoted line 199999")


def test_pathological_lines_stay_visible() -> None:
    text = ("On " + "1" * 5000 + " wrote:\n") * 200 + ":" * 100_000

    assert split_reply(text).visible.startswith("On 111")


@pytest.mark.parametrize(
    "header",
    [
        "---- On Mon, 03 Mar 2025 10:00:00 +0000 Anna Petrova <anna@example.com> wrote ----",
        "---- On Mon, 03 Mar 2025 10:00:00 +0000 Anna Petrova<anna@example.com> wrote ----",
        "---- Anna Petrova wrote ----",
        "-------- Anna Petrova <anna@example.com> wrote --------",
        "---- Anna Petrova schrieb ----",
        "---- Анна Петрова написал(а) ----",
    ],
)
def test_dash_quote_headers_on_their_own_line_start_unprefixed_history(header: str) -> None:
    text = f"{REPLY}\n\n{header}\n\nDoes it work now?\nAnna\n"

    reply = split_reply(text)

    assert reply.visible == REPLY
    assert reply.quoted == f"{header}\n\nDoes it work now?\nAnna"


@pytest.mark.parametrize(
    ("text", "visible", "quoted"),
    [
        (
            "Done, thanks!---- On Mon, 03 Mar 2025 10:00 Anna <anna@example.com> wrote ----"
            "Can you reset it?",
            "Done, thanks!",
            "---- On Mon, 03 Mar 2025 10:00 Anna <anna@example.com> wrote ----Can you reset it?",
        ),
        (
            "Done. ---- Anna Petrova wrote ---- Can you reset it? Thanks",
            "Done.",
            "---- Anna Petrova wrote ---- Can you reset it? Thanks",
        ),
        (
            "Sure, see you then.\nBob ---- Anna wrote ----\nTomorrow at 10?",
            "Sure, see you then.\nBob",
            "---- Anna wrote ----\nTomorrow at 10?",
        ),
    ],
)
def test_dash_quote_headers_that_run_into_the_text_are_cut_there(
    text: str, visible: str, quoted: str
) -> None:
    reply = split_reply(text)

    assert (reply.visible, reply.quoted) == (visible, quoted)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        (
            "On Mon, 3 Mar 2025 at 10:00, Anna <anna@example.com> wrote:\n> Does it work?\n\n"
            "Yes, it works now.",
            "On Mon, 3 Mar 2025 at 10:00, Anna <anna@example.com> wrote:\n> Does it work?",
        ),
        ("> Does it work?\n> Anna\n\nYes, it works now.\n", "> Does it work?\n> Anna"),
        (
            "Anna Petrova wrote:\n\n> Does it work?\n\nYes, it works now.",
            "Anna Petrova wrote:\n\n> Does it work?",
        ),
        (
            "Am 03.03.2025 um 10:00 schrieb Anna:\n> Geht es?\n>> Alt\n\nYes, it works now.",
            "Am 03.03.2025 um 10:00 schrieb Anna:\n> Geht es?\n>> Alt",
        ),
        (
            "\n\nLe 03/03/2025 à 10:00, Anna a écrit :\n> Ça marche ?\n\nYes, it works now.\n",
            "Le 03/03/2025 à 10:00, Anna a écrit :\n> Ça marche ?",
        ),
    ],
)
def test_a_bottom_posted_answer_is_the_visible_text(text: str, quoted: str) -> None:
    reply = split_reply(text)

    assert (reply.visible, reply.quoted) == ("Yes, it works now.", quoted)


def test_a_bottom_posted_answer_keeps_its_signature_apart() -> None:
    text = "> Does it work?\n\nYes, it works now.\n\n-- \nBob\nACME"

    reply = split_reply(text)

    assert (reply.visible, reply.quoted, reply.signature) == (
        "Yes, it works now.",
        "> Does it work?",
        "-- \nBob\nACME",
    )


@pytest.mark.parametrize(
    "text",
    [
        "On Mon, 3 Mar 2025 at 10:00, Anna <a@b.c> wrote:\n> Hello?\n",
        "> Hello?\n> Anna\n",
        "\n\nAnna wrote:\n> Hello?\n\n",
        "-----Original Message-----\nFrom: Anna\nSent: Monday, March 3, 2025 10:00\nTo: Support\n\n"
        "Hello?",
        "---- Anna Petrova wrote ----\nHello?",
        "Am 03.03.2025 um 10:00 schrieb Anna <anna@example.com>:\nHallo?",
    ],
)
def test_a_reply_that_is_only_a_quote_has_no_visible_text(text: str) -> None:
    reply = split_reply(text)

    assert (reply.visible, reply.signature) == ("", "")
    assert reply.quoted == text.strip("\n")


@pytest.mark.parametrize(
    "text",
    [
        "On Monday at 10:00 the deploy broke and my colleague wrote:\nthe log shows an error.\n\n"
        "Can you check?",
        "On 3 March 2025 we agreed on the price.\nOn Tuesday at 10:00 Bob said:\nit is fine.",
        "Am Montag um 10:00 schrieb mir der Kunde:\ndas Login geht nicht.",
        "Le 3 mars à 10:00, le client a écrit :\nrien ne marche.",
        "The price -- as we agreed -- is 10 EUR.\nSee you -- Bob",
        "Deploy steps:\n---- build ----\n---- test ----\nDone, Anna wrote the script.",
        "Hi,\n\nyou asked:\n> Does it work?\n\nYes, after the restart.",
        "Thanks!\n\n> one?\n\nyes\n\n> two?\n\nno",
    ],
)
def test_what_is_not_a_quote_stays_visible(text: str) -> None:
    reply = split_reply(text)

    assert (reply.visible, reply.quoted) == (text, "")


@pytest.mark.parametrize(
    "marker",
    ["---------- Weitergeleitete Nachricht ---------", "---------- Message transféré ---------"],
)
def test_localized_forwards_stay_whole(marker: str) -> None:
    text = (
        f"FYI\n\n{marker}\nVon: Bob <bob@example.net>\nDate: Mon, 3 Mar 2025\n"
        "Subject: Login\n\nOn Mon, 3 Mar 2025 at 10:00, Anna <a@b.c> wrote:\n> old\n"
    )

    assert split_reply(text).visible == text.strip()
