"""`GET /attachments/{id}`: an attachment's bytes, as a download.

Bytes come from `gmail_sync.attachment_download` (stored copy, else Gmail). Mail is written by
strangers, so the answer is always `Content-Disposition: attachment` with `nosniff` and a
sandbox policy: a file claiming to be HTML is saved, never rendered in Tandem's origin. The web
UI's `/attachments/{id}` serves the same answer to a signed-in agent.
"""

import re
from urllib.parse import quote

from fastapi import APIRouter, Response
from sqlmodel import Session

from app.api.errors import ErrorOut
from app.core.db import get_scoped
from app.core.models import Attachment, User, utcnow
from app.core.settings import Settings
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep, SettingsDep
from gmail_sync.attachment_download import attachment_download

router = APIRouter(tags=["attachments"])

#: type/subtype as RFC 6838 allows; anything else (parameters, header tricks) is not echoed.
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]{0,126}/[A-Za-z0-9][\w!#$&^.+-]{0,126}")
_UNSAFE_IN_QUOTES = re.compile(r'[^\x20-\x7e]|["\\]')


def download_response(session: Session, settings: Settings, user: User, id: int) -> Response:
    """The attachment `id` of the user's workspace as a download; the caller commits nothing,
    so the quota a Gmail fetch spent is committed here."""
    attachment = get_scoped(session, Attachment, id, user.workspace_id)
    download = attachment_download(
        session=session, settings=settings, attachment=attachment, now=utcnow()
    )
    session.commit()
    media_type = download.content_type.strip().lower()
    if not _MEDIA_TYPE.fullmatch(media_type):
        media_type = "application/octet-stream"
    fallback = _UNSAFE_IN_QUOTES.sub("_", download.filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''" + quote(
        download.filename, safe=""
    )
    return Response(
        download.data,
        media_type=media_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/attachments/{id}",
    response_class=Response,
    responses={
        200: {
            "description": "The file, always as a download (Content-Disposition: attachment).",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        502: {
            "model": ErrorOut,
            "description": "Gmail did not give the file (outage, revoked access).",
        },
    },
)
def download_attachment(
    id: int, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """A message's attachment: files agents attached are served from Tandem, everything else
    is fetched from Gmail on demand (502 when Gmail does not give it)."""
    return download_response(session, settings, user, id)
