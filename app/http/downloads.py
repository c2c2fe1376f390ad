"""The answer both download routes serve (`/api/v1/attachments/{id}` and the web's
`/attachments/{id}`): an attachment's bytes, always as a download.

Mail is written by strangers, so the answer is always `Content-Disposition: attachment` with
`nosniff` and a sandbox policy: a file claiming to be HTML is saved, never rendered in Tandem's
origin. The bytes come from `gmail_sync.attachment_download`; this module only shapes them and
never commits (the quota a Gmail fetch spent is committed by the request's session).
"""

import re
from urllib.parse import quote

from fastapi import Response
from sqlmodel import Session

from app.core.db import get_scoped
from app.core.models import Attachment, User, utcnow
from app.core.settings import Settings
from gmail_sync.attachment_download import attachment_download

#: type/subtype as RFC 6838 allows; anything else (parameters, header tricks) is not echoed.
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]{0,126}/[A-Za-z0-9][\w!#$&^.+-]{0,126}")
_UNSAFE_IN_QUOTES = re.compile(r'[^\x20-\x7e]|["\\]')


def download_response(session: Session, settings: Settings, user: User, id: int) -> Response:
    """The attachment `id` of the user's workspace (404 for another workspace's)."""
    attachment = get_scoped(session, Attachment, id, user.workspace_id)
    download = attachment_download(
        session=session, settings=settings, attachment=attachment, now=utcnow()
    )
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
