"""`/attachments/{id}` for a signed-in agent: the API's download answer
(`app.http.downloads.download_response`) behind the web session, so the conversation page can
link attachments without an API token."""

from fastapi import APIRouter, Response

from app.http.auth import WebUser
from app.http.dependencies import SessionDep, SettingsDep
from app.http.downloads import download_response

router = APIRouter()


@router.get("/attachments/{id}")
def download(id: int, user: WebUser, session: SessionDep, settings: SettingsDep) -> Response:
    return download_response(session, settings, user, id)
