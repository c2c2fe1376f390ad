"""A multipart reply as the API's reply and the web composer both read it: its files (one limit
on how many and how large, read into memory before the route runs, since the route is a plain
`def` and only an async dependency may await the upload) and its text fields, each checked to
be storable. It never decides what the files are for."""

from collections.abc import Sequence

from starlette.datastructures import FormData, UploadFile

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.plain_text import why_unstorable
from gmail_sync.compose import OutgoingAttachment
from gmail_sync.send import MAX_ATTACHMENT_BYTES

MAX_FILES = 20


async def read_attachments(items: Sequence[UploadFile | str]) -> list[OutgoingAttachment]:
    """At most `MAX_FILES`, each within 25 MB. A file input left empty posts a part without a
    name or bytes, which is no file."""
    uploads = [
        item for item in items if isinstance(item, UploadFile) and (item.filename or item.size)
    ]
    if len(uploads) > MAX_FILES:
        raise Invalid(
            _("a reply takes at most %(most)s attachments, not %(count)s")
            % {"most": MAX_FILES, "count": len(uploads)}
        )
    return [await _attachment(upload) for upload in uploads]


async def _attachment(upload: UploadFile) -> OutgoingAttachment:
    data = await upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise Invalid(_("attachment %(name)r is larger than 25 MB") % {"name": upload.filename})
    return OutgoingAttachment(
        filename=upload.filename or "attachment",
        content_type=upload.content_type or "application/octet-stream",
        data=data,
    )


def text_fields(form: FormData) -> list[tuple[str, str]]:
    """The form's text fields as posted. A multipart body is left to its reader by the request
    guard (`app.http.text_input`, its files are no text), so here a field no database can store
    is refused, naming it."""
    fields = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    for name, value in fields:
        reason = why_unstorable(value)
        if reason is not None:
            raise Invalid(f"{name}: {reason}")
    return fields
