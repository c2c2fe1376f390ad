"""The one-line preview of each listed conversation's last message: what an agent scans in
the inbox list before opening one.

A preview is plain text (the message's text with quotes and signature cut, never its HTML),
on one line, trimmed to `PREVIEW_LENGTH` characters. The last message is the timeline's
(`inbox.timeline`): a copy in a second mailbox and a cancelled reply never count. Reads only.
"""

import re
from collections.abc import Iterable

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.core.models import Message, MessageState

PREVIEW_LENGTH = 140
#: More than a preview shows, so trimming at a word never cuts short; a long mail is never
#: read whole for one line of it.
_READ = PREVIEW_LENGTH * 3
_SPACE = re.compile(r"\s+")


def last_message_previews(session: Session, conversation_ids: Iterable[int]) -> dict[int, str]:
    """{conversation id: preview}; a conversation without a message (or with only empty ones)
    has no entry. A reply not sent yet has no Date: it counts from when it was written."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    newest_first = func.row_number().over(
        partition_by=col(Message.conversation_id),
        order_by=(
            func.coalesce(col(Message.date), col(Message.created_at)).desc(),
            col(Message.id).desc(),
        ),
    )
    ranked = (
        sa_select(
            col(Message.conversation_id).label("conversation_id"),
            func.substr(col(Message.visible_text), 1, _READ).label("visible"),
            func.substr(col(Message.text_body), 1, _READ).label("body"),
            newest_first.label("rank"),
        )
        .where(
            col(Message.conversation_id).in_(ids),
            col(Message.duplicate_of_id).is_(None),
            col(Message.state) != MessageState.CANCELLED,
        )
        .subquery()
    )
    rows = session.execute(
        sa_select(ranked.c.conversation_id, ranked.c.visible, ranked.c.body).where(
            ranked.c.rank == 1
        )
    )
    found = {int(ident): preview(visible or body or "") for ident, visible, body in rows}
    return {ident: text for ident, text in found.items() if text}


def preview(text: str) -> str:
    """`text` on one line, at most `PREVIEW_LENGTH` characters, cut at a word with "…"."""
    line = _SPACE.sub(" ", text).strip()
    if len(line) <= PREVIEW_LENGTH:
        return line
    cut = line[: PREVIEW_LENGTH - 1]
    word = cut.rsplit(" ", 1)[0] if " " in cut[PREVIEW_LENGTH // 2 :] else cut
    return word.rstrip(" ,.;:") + "…"
