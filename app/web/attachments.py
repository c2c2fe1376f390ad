"""`/attachments/{id}` for a signed-in agent: the API's download answer behind the web session,
so the conversation page can link attachments without an API token."""

from fastapi import APIRouter, Response

from app.api.attachments import download_response
from app.http.auth import WebUser
from app.http.dependencies import SessionDep, SettingsDep

router = APIRouter()


@router.get("/attachments/{id}")
def download(id: int, user: WebUser, session: SessionDep, settings: SettingsDep) -> Response:
    return download_response(session, settings, user, id)
