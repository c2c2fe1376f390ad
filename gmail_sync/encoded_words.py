"""Header text outside ASCII (a Russian subject) written so that every space survives.

Python's email policies (3.11 at least) fold such a header by joining encoded words at the
spaces between words, and RFC 2047 has a reader drop the whitespace between two encoded
words: about one long Russian subject in ten reached the client with two words run together
(«данныхсредств»), and Gmail, which threads replies by subject too, could start a new thread.
The legacy `email.header.Header` keeps each space inside an encoded word and splits the text
into encoded words of at most 75 characters, which any reader puts back exactly.

The mending is in the policy, so every unstructured header Tandem writes is covered without
its writer having to remember: `WHOLE_WORDS` (for smtplib, which picks its own line ends) and
`SMTP_WHOLE_WORDS` (CRLF, for Gmail's messages.send) store such a value as an `EncodedText`,
a `str` that folds itself. Address, date and MIME headers keep the policy's own handling.
"""

from email.header import Header
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.policy import EmailPolicy, Policy
from typing import Any


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


#: Which kind each header is (Subject unstructured, To an address list...), as the policy reads it.
_KINDS = HeaderRegistry()


class WholeWordsPolicy(EmailPolicy):
    """Python's default policy, but a non-ASCII unstructured header is encoded whole."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        whole = isinstance(value, str) and not hasattr(value, "name") and not value.isascii()
        if not whole or not issubclass(_KINDS[name], UnstructuredHeader):
            return super().header_store_parse(name, value)
        if "\n" in value or "\r" in value:
            raise ValueError(f"{name}: header values may not contain linefeed or carriage return")
        return (name, EncodedText(name, value))


WHOLE_WORDS = WholeWordsPolicy()
SMTP_WHOLE_WORDS = WHOLE_WORDS.clone(linesep="\r\n")
