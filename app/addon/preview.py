"""An HTML rendering of a card, for reviewing the sidebar without deploying it to Google.

Self-contained (inline CSS, no script, nothing loaded from anywhere) and only an approximation
of Gmail's renderer: card text goes through the same simple-HTML subset Gmail accepts, so a
subject or note that tries to be markup shows as text here as it does there.
"""

import html
import re
from pathlib import Path
from typing import Any

import nh3
from sqlmodel import Session, col, select

from app.addon.cards import Json
from app.addon.conversation_card import conversation_card
from app.addon.threads import find_conversation
from app.core.errors import NotFound
from app.core.models import Conversation, Role, User
from app.core.settings import Settings

CARD_TAGS = {"b", "i", "u", "br", "font", "a"}
CARD_ATTRIBUTES = {"font": {"color"}, "a": {"href"}}

STYLE = """
body { margin: 0; background: #f1f3f4; font: 14px/1.45 system-ui, sans-serif; color: #202124; }
.sidebar { width: 360px; margin: 16px auto; background: #fff; border-radius: 8px;
  box-shadow: 0 1px 3px rgba(60,64,67,.3); overflow: hidden; }
header { padding: 16px; border-bottom: 1px solid #e0e0e0; }
header h1 { margin: 0; font-size: 16px; font-weight: 600; }
header p { margin: 2px 0 0; color: #5f6368; font-size: 12px; }
section { padding: 12px 16px; border-bottom: 1px solid #e0e0e0; }
section h2 { margin: 0 0 8px; font-size: 12px; font-weight: 600; color: #5f6368;
  text-transform: uppercase; letter-spacing: .04em; }
.decorated { margin: 6px 0; } .label { color: #5f6368; font-size: 12px; }
.decorated .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 10px; }
.button { border: 1px solid #dadce0; border-radius: 16px; padding: 4px 12px; color: #1a73e8;
  background: #fff; font: inherit; font-size: 13px; }
label { display: block; margin: 8px 0 2px; color: #5f6368; font-size: 12px; }
input, select, textarea { width: 100%; box-sizing: border-box; padding: 6px; font: inherit;
  border: 1px solid #dadce0; border-radius: 4px; }
"""


def _text(value: Any) -> str:
    return nh3.clean(str(value), tags=CARD_TAGS, attributes=CARD_ATTRIBUTES)


def _button(button: Json) -> str:
    return f'<span class="button">{html.escape(str(button.get("text", "")))}</span>'


def _widget(widget: Json) -> str:
    if "textParagraph" in widget:
        return f"<p>{_text(widget['textParagraph']['text'])}</p>"
    if "decoratedText" in widget:
        item = widget["decoratedText"]
        parts = (
            [f'<div class="label">{_text(item["topLabel"])}</div>'] if "topLabel" in item else []
        )
        parts.append(f'<div class="text">{_text(item["text"])}</div>')
        if "bottomLabel" in item:
            parts.append(f'<div class="label">{_text(item["bottomLabel"])}</div>')
        if "button" in item:
            parts.append(f'<div class="buttons">{_button(item["button"])}</div>')
        return f'<div class="decorated">{"".join(parts)}</div>'
    if "buttonList" in widget:
        items = "".join(_button(button) for button in widget["buttonList"]["buttons"])
        return f'<div class="buttons">{items}</div>'
    return _input(widget)


def _input(widget: Json) -> str:
    if "textInput" in widget:
        item = widget["textInput"]
        field = "<textarea rows=3></textarea>" if item.get("type") == "MULTIPLE_LINE" else "<input>"
        return f"<label>{html.escape(item['label'])}</label>{field}"
    if "selectionInput" in widget:
        item = widget["selectionInput"]
        options = "".join(
            f"<option{' selected' if choice.get('selected') else ''}>"
            f"{html.escape(choice['text'])}</option>"
            for choice in item["items"]
        )
        return f"<label>{html.escape(item['label'])}</label><select>{options}</select>"
    if "dateTimePicker" in widget:
        label = html.escape(widget["dateTimePicker"]["label"])
        return f'<label>{label}</label><input type="datetime-local">'
    return ""


def render_card(card: Json) -> str:
    header = card.get("header", {})
    subtitle = f"<p>{_text(header['subtitle'])}</p>" if header.get("subtitle") else ""
    sections = "".join(
        "<section>"
        + (f"<h2>{_text(part['header'])}</h2>" if part.get("header") else "")
        + "".join(_widget(widget) for widget in part["widgets"])
        + "</section>"
        for part in card.get("sections", [])
    )
    title = _text(header.get("title", "Tandem"))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Tandem add-on preview</title><style>{STYLE}</style></head><body>"
        f'<div class="sidebar"><header><h1>{title}</h1>{subtitle}</header>{sections}</div>'
        "</body></html>"
    )


def preview_card(
    session: Session, *, settings: Settings, thread_id: str, viewer_email: str | None
) -> Json:
    """The contextual card of the conversation holding `thread_id`, as `viewer_email` (by
    default its assignee, else an admin of its workspace) would see it in Gmail."""
    viewer = _viewer(session, viewer_email) if viewer_email else None
    if viewer is not None:
        conversation = find_conversation(session, user=viewer, thread_id=thread_id)
    else:
        conversation = session.exec(
            select(Conversation).where(Conversation.gmail_thread_id == thread_id).limit(1)
        ).first()
    if conversation is None:
        raise NotFound(f"no conversation with Gmail thread {thread_id!r}")
    viewer = viewer or _default_viewer(session, conversation)
    return conversation_card(
        session, settings=settings, conversation=conversation, viewer=viewer, offset_minutes=0
    )


def _viewer(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.is_active:
        raise NotFound(f"no active user {email}")
    return user


def _default_viewer(session: Session, conversation: Conversation) -> User:
    assignee = session.get(User, conversation.assignee_id) if conversation.assignee_id else None
    if assignee is not None and assignee.is_active:
        return assignee
    admin = session.exec(
        select(User)
        .where(
            User.workspace_id == conversation.workspace_id,
            User.role == Role.ADMIN,
            col(User.is_active),
        )
        .order_by(col(User.id))
    ).first()
    if admin is None:
        raise NotFound("the conversation's workspace has no active admin to preview as: use --as")
    return admin


def default_output(thread_id: str) -> Path:
    """A file name in the current folder, whatever characters the thread id holds."""
    return Path(f"addon-preview-{re.sub(r'[^A-Za-z0-9_-]', '_', thread_id)}.html")
