# ruff: noqa: RUF001 - Russian notes are the point
"""Which note sentences a reply must not repeat."""

import pytest

from notes.presend import note_sentences


@pytest.mark.parametrize(
    ("note", "sentences"),
    [
        ("Thanks!", []),
        ("OK. Call him back.", []),
        (
            "The client owes us 3 invoices. Do not mention the lawyer!",
            ["the client owes us 3 invoices", "do not mention the lawyer"],
        ),
        (
            "- VIP customer since 2019\n- prefers   phone calls over email",
            ["vip customer since 2019", "prefers phone calls over email"],
        ),
        (
            "Клиент должен нам три счёта… Не упоминать юриста в ответе.",
            ["клиент должен нам три счёта", "не упоминать юриста в ответе"],
        ),
        (
            "> quoted: the refund was approved yesterday",
            ["quoted: the refund was approved yesterday"],
        ),
    ],
)
def test_only_sentences_of_four_words_or_more_are_guarded(note: str, sentences: list[str]) -> None:
    assert note_sentences(note) == sentences
