"""Holding a reply that would show the client internal context (see `notes.presend`): every
path that puts an agent's words into client mail (replies, canned replies, resolution messages,
templates when saved) asks here first, and only an explicit confirmation lets it through.

An HTML reply is read with the text its attributes carry (a `title` shows as a tooltip, an `alt`
in place of an image, `aria-label` to a screen reader): a note pasted there reaches the client
too."""

from html.parser import HTMLParser

from sqlmodel import Session

from app.core.errors import Conflict
from app.core.i18n import gettext as _
from gmail_sync.html_text import html_to_text
from notes.presend import reply_warnings


def hold_internal_context(
    session: Session,
    *,
    workspace_id: int,
    conversation_id: int | None,
    text: str,
    html: str | None = None,
    confirmed: bool = False,
) -> None:
    """Raises Conflict (409) explaining what looks internal, unless the agent confirmed."""
    if confirmed:
        return
    said = text if html is None else "\n\n".join([text, html_to_text(html).text, *_spoken(html)])
    warnings = reply_warnings(
        session, workspace_id=workspace_id, conversation_id=conversation_id, text=said
    )
    if warnings:
        raise Conflict(
            _(
                "held before it reaches the client: %(warnings)s. If the client may read this, "
                'send it again with "confirm": true.'
            )
            % {"warnings": "; ".join(warnings)}
        )


#: Attributes whose text a person reads or hears.
_SPOKEN = frozenset({"title", "alt", "aria-label", "aria-description", "placeholder", "label"})


class _AttributeText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values += [value for name, value in attrs if value and name in _SPOKEN]


def _spoken(html: str) -> list[str]:
    """The text of the HTML's attributes that people read or hear."""
    parser = _AttributeText()
    parser.feed(html)
    parser.close()
    return parser.values
