"""Holding a reply that would show the client internal context (see `notes.presend`): every
path that puts an agent's words into client mail (replies, canned replies, resolution messages,
templates when saved) asks here first, and only an explicit confirmation lets it through."""

from sqlmodel import Session

from app.core.errors import Conflict
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
    said = text if html is None else f"{text}\n\n{html_to_text(html).text}"
    warnings = reply_warnings(
        session, workspace_id=workspace_id, conversation_id=conversation_id, text=said
    )
    if warnings:
        raise Conflict(
            "held before it reaches the client: "
            + "; ".join(warnings)
            + '. If the client may read this, send it again with "confirm": true.'
        )
