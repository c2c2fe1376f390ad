"""`GET /attachments/{id}`: an attachment's bytes, as a download.

The answer is `app.http.downloads.download_response`, which the web UI's `/attachments/{id}`
serves to a signed-in agent too; this module only declares the route and its documentation.
"""

from fastapi import APIRouter, Response

from app.api.errors import ErrorOut
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep, SettingsDep
from app.http.downloads import download_response

router = APIRouter(tags=["attachments"])


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
