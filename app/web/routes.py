"""The web UI's routers and who may use them. Every page needs a signed-in member (`web_user`
is a dependency of the signed-in router itself, so a page that forgets to ask for its user is
still closed; an anonymous visitor is sent to the sign-in page), except the public ones listed
in `PUBLIC`: signing in and out, Google sign-in, the forgotten-password pages, the page where
a client rates a resolution (its signed link is the proof) and the API's reference (/docs,
/redoc). Every unsafe
request, public or not, passes `check_csrf`.
"""

from fastapi import APIRouter, Depends

from app.http.auth import check_csrf, web_user
from app.web import (
    account,
    activity,
    api_docs,
    attachments,
    compose,
    conversation,
    events,
    google_sign_in,
    inbox,
    next_conversation,
    notifications,
    password_reset,
    presence,
    rating,
    reminders,
    reports,
    resolution,
    settings,
    sign_in,
    similar_answers,
)

PUBLIC = (sign_in, google_sign_in, password_reset, rating, api_docs)
SIGNED_IN = (
    account,
    inbox,
    conversation,
    resolution,
    activity,
    next_conversation,
    reminders,
    compose,
    similar_answers,
    attachments,
    notifications,
    settings,
    reports,
    presence,
    events,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
_signed_in = APIRouter(dependencies=[Depends(web_user)])
for _module in PUBLIC:
    router.include_router(_module.router)
for _module in SIGNED_IN:
    _signed_in.include_router(_module.router)
router.include_router(_signed_in)
