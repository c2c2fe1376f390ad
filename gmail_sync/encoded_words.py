"""Header text outside ASCII (a Russian subject) written so that every space survives.

Python's email policies (3.11 at least) fold such a header by joining encoded words at the
spaces between words, and RFC 2047 has a reader drop the whitespace between two encoded
words: about one long Russian subject in ten reached the client with two words run together
(«данныхсредств»), and Gmail, which threads replies by subject too, could start a new thread.
The legacy `email.header.Header` keeps each space inside an encoded word and splits the text
into encoded words of at most 75 characters, which any reader puts back exactly.

`EncodedText` is a `str` that the policies store and fold as a header object: it keeps its
text for whoever reads the message back, and folds itself. Flushes nothing, writes nothing.
"""

from email.header import Header
from email.policy import Policy


class EncodedText(str):
    """The header `name`'s unstructured text, folded as `Header` encodes it."""

    name: str

    def __new__(cls, name: str, text: str) -> "EncodedText":
        made = super().__new__(cls, text)
        made.name = name
        return made

    def fold(self, *, policy: Policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def unstructured(name: str, text: str) -> str:
    """ASCII text as it is (the policy folds it without loss), any other text encoded whole.
    A line break is refused here as the policy refuses it: it would end the header."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"{name}: header values may not contain linefeed or carriage return")
    return text if text.isascii() else EncodedText(name, text)
