"""`/api/v1/tokens`: API tokens for integrations; the token is shown once, then only its prefix."""

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.core.accounts import TokenIn, create_api_token, revoke_api_token, tokens_of
from app.core.models import ApiToken, utcnow
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep

router = APIRouter(tags=["tokens"])


TOKEN_EXAMPLE: JsonDict = {
    "id": 3,
    "user_id": 7,
    "name": "CRM integration",
    "prefix": "tdm_Xk3f",
    "created_at": "2026-11-02T09:20:00Z",
    "last_used_at": "2026-11-20T10:44:03Z",
    "revoked_at": None,
}


class TokenOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [TOKEN_EXAMPLE]})

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**TOKEN_EXAMPLE, "token": "tdm_Xk3f9vQz0bWnq2LrT8sY1mEoPcAu"}]
        }
    )

    token: str = Field(description="The token itself; shown only in this response.")


def token_out(row: ApiToken) -> TokenOut:
    return TokenOut.model_validate(row, from_attributes=True)


@router.get("/tokens")
def list_tokens(user: CurrentUser, session: SessionDep) -> list[TokenOut]:
    """Your tokens; an admin sees every token of the workspace."""
    return [token_out(row) for row in tokens_of(session, user)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def add_token(body: TokenIn, user: CurrentUser, session: SessionDep) -> TokenCreatedOut:
    row, token = create_api_token(session=session, user=user, name=body.name)
    return TokenCreatedOut(**token_out(row).model_dump(), token=token)


@router.delete("/tokens/{id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(id: int, user: CurrentUser, session: SessionDep) -> Response:
    revoke_api_token(session=session, token_id=id, actor=user, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
