"""The passage shown under a search hit on SQLite: the words around the matches, marked."""

import pytest

from inbox.passages import WINDOW, Terms, passage

LONG = " ".join(f"w{n}" for n in range(100))


def marked(texts: list[str], phrases: list[tuple[str, ...]], prefix: bool = True) -> str:
    return passage(texts, Terms.of(phrases, prefix), "[", "]")


@pytest.mark.parametrize(
    ("texts", "phrases", "shown"),
    [
        (["Printer jams"], [("printer",)], "[Printer] jams"),
        (["Где мой счёт?"], [("счет",)], "Где мой [счёт]?"),
        (["Café au lait"], [("cafe",)], "[Café] au lait"),
        (["Выставьте счета"], [("счет",)], "Выставьте [счета]"),
        (["anna@client.ru wrote"], [("anna", "client", "ru")], "[anna]@[client].[ru] wrote"),
        (["nothing here"], [("printer",)], ""),
        (["", "in the body: refund"], [("refund",)], "in the body: [refund]"),
    ],
)
def test_marks_the_words_the_search_found(
    texts: list[str], phrases: list[tuple[str, ...]], shown: str
) -> None:
    assert marked(texts, phrases) == shown


def test_only_the_last_word_typed_matches_as_a_prefix() -> None:
    assert marked(["printer print"], [("print",), ("x",)]) == "printer [print]"
    assert marked(["printer print"], [("print",)]) == "[printer] [print]"
    assert marked(["printer print"], [("print",)], prefix=False) == "printer [print]"


@pytest.mark.parametrize(
    ("texts", "phrases", "shown"),
    [
        (["Заказ, заказа, заказы, заказов, заказам"], [("заказам",), ("x",)],
         "[Заказ], [заказа], [заказы], [заказов], [заказам]"),
        (["Импорт импорта"], [("импорта",), ("x",)], "[Импорт] [импорта]"),
        (["An invoice, two invoices"], [("invoices",), ("x",)], "An [invoice], two [invoices]"),
        (["Ещё счёт и счета"], [("счет",), ("x",)], "Ещё [счёт] и [счета]"),
        (["Заказчик и заказ"], [("заказ",), ("x",)], "Заказчик и [заказ]"),
    ],
)  # fmt: skip
def test_marks_every_inflected_form_of_a_word(
    texts: list[str], phrases: list[tuple[str, ...]], shown: str
) -> None:
    assert marked(texts, phrases) == shown


def test_a_long_text_shows_the_window_with_most_matches_cut_with_ellipses() -> None:
    text = LONG.replace("w10 ", "refund ").replace("w60 ", "refund ").replace("w62 ", "refund ")
    shown = marked([text], [("refund",)])
    assert shown.startswith("…w57 w58 w59 [refund] w61 [refund]") and shown.endswith("…")
    assert len(shown.strip("…").split()) == WINDOW
    assert marked([LONG + " refund"], [("refund",)]).endswith("w99 [refund]")


def test_the_text_with_more_matches_wins_and_earlier_texts_win_ties() -> None:
    assert marked(["one refund", "refund and refund"], [("refund",)]) == "[refund] and [refund]"
    assert marked(["subject refund", "body refund"], [("refund",)]) == "subject [refund]"
