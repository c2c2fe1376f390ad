# ruff: noqa: RUF001 - the Cyrillic letters that look Latin are the point
"""Reading text as a person reads it, so that a disguise does not hide a sentence of a note or a
teammate's name from the pre-send check: fullwidth and compatibility forms, invisible format
characters (zero-width spaces and joiners, soft hyphens, direction marks) and Cyrillic letters
that look like Latin ones all read as the plain text they show.
"""

import unicodedata

#: Cyrillic letters drawn like Latin ones, upper and lower case, read as those Latin letters.
_LATIN_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТУХаеорсухіјѕԁӏ",
    "ABEKMHOPCTYXaeopcyxijsdl",
)


def visible(text: str) -> str:
    """The text as shown: compatibility forms folded (NFKC: a fullwidth at sign is `@`),
    format characters (Unicode category Cf, such as U+200B and U+00AD) removed."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char) != "Cf")


def skeleton(text: str) -> str:
    """What the text reads as, for comparing: visible, lookalike letters read as Latin, case
    and spacing folded. Both sides of a comparison go through it."""
    return " ".join(visible(text).translate(_LATIN_LOOKALIKES).casefold().split())
