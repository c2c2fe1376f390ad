"""The add-on's HTTP endpoints: Google POSTs an event object, Tandem answers with card JSON.

Every request proves it comes from Google for this add-on (system ID token) and on behalf of a
Tandem user (user ID token) before anything is read or changed; see `app.addon.identity`.
These routes are left out of the OpenAPI schema on purpose, like the Gmail push receiver: their
caller is Google, their body Google's event object, and the REST API's generic checks (token
auth, examples, schemathesis) describe a different contract.
"""

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from app.addon import cards
from app.addon.actions import perform
from app.addon.cards import Json
from app.addon.conversation_card import conversation_card, not_in_tandem_card
from app.addon.drafts import REPLY_ALL_PATH, check_draft, compose_card
from app.addon.events import AddonEvent, MalformedEvent, read_event
from app.addon.home_card import home_card
from app.addon.identity import verify_google, verify_user
from app.addon.threads import find_conversation
from app.addon.urls import ACTIONS_PATH, COMPOSE_PATH, HOMEPAGE_PATH, MESSAGE_PATH, public
from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import User, Workspace, utcnow
from app.http.dependencies import SessionDep, SettingsDep
from app.http.reader import settle_for
from app.http.refusals import refused

router = APIRouter(include_in_schema=False)


async def _raw_body(request: Request) -> bytes:
    return await request.body()


@dataclass(frozen=True)
class AddonCall:
    user: User
    event: AddonEvent


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _system_token(request: Request, payload: Any) -> str | None:
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer.strip():
        return bearer.strip()
    if isinstance(payload, dict) and isinstance(payload.get("authorizationEventObject"), dict):
        token = payload["authorizationEventObject"].get("systemIdToken")
        return token if isinstance(token, str) else None
    return None


def addon_call(
    request: Request,
    raw: Annotated[bytes, Depends(_raw_body)],
    session: SessionDep,
    settings: SettingsDep,
) -> AddonCall:
    """Google first (401 before the body is judged), then the event (422), then the user, whose
    cards are in their Tandem language, else their Gmail's, else their team's."""
    payload = _json(raw)
    endpoint = public(settings, request.url.path)
    verify_google(settings=settings, token=_system_token(request, payload), endpoint_url=endpoint)
    event = read_event(payload)
    token = event.authorizationEventObject.userIdToken
    user = verify_user(settings=settings, session=session, token=token)
    workspace = session.get(Workspace, user.workspace_id)
    settle_for(event.commonEventObject.userLocale, user, workspace)
    return AddonCall(user, event)


CallDep = Annotated[AddonCall, Depends(addon_call)]


@router.post(HOMEPAGE_PATH)
def homepage(call: CallDep, session: SessionDep, settings: SettingsDep) -> Json:
    card = home_card(
        session,
        settings=settings,
        viewer=call.user,
        offset_minutes=call.event.offset_minutes,
        now=utcnow(),
    )
    return cards.show(card)


@router.post(MESSAGE_PATH)
def opened_message(call: CallDep, session: SessionDep, settings: SettingsDep) -> Json:
    thread_id = call.event.thread_id()
    message_id = call.event.gmail.messageId if call.event.gmail else None
    found = find_conversation(session, user=call.user, thread_id=thread_id, message_id=message_id)
    if found is None:
        return cards.show(not_in_tandem_card(settings, thread_id=thread_id))
    card = conversation_card(
        session,
        settings=settings,
        conversation=found,
        viewer=call.user,
        offset_minutes=call.event.offset_minutes,
    )
    return cards.show(card)


@router.post(COMPOSE_PATH)
def compose(call: CallDep, session: SessionDep, settings: SettingsDep) -> Json:
    return cards.show(
        compose_card(settings, check_draft(session, user=call.user, event=call.event))
    )


@router.post(REPLY_ALL_PATH)
def reply_all(call: CallDep, session: SessionDep) -> Json:
    """Fills the open draft's To and Cc with Tandem's reply-all recipients."""
    check = check_draft(session, user=call.user, event=call.event)
    if check is None:
        raise Invalid(_("this draft is not a reply in a conversation your team has in Tandem"))
    return cards.update_draft(check.reply_all.to, check.reply_all.cc)


@router.post(ACTIONS_PATH + "/{name}")
def act(name: str, call: CallDep, session: SessionDep, settings: SettingsDep) -> Json:
    """A button of the sidebar: the change, and the card as it is now (the request commits it).
    A rule the change breaks (a past time, a blank note) is a notification on the unchanged
    card."""
    try:
        outcome = perform(name, session, call.user, call.event, utcnow())
    except MalformedEvent:
        raise
    except Invalid as exc:
        return cards.notify(refused(session, exc))
    if outcome.conversation is None:
        thread_id = call.event.parameter("thread_id")
        card = not_in_tandem_card(settings, thread_id=thread_id, note=outcome.notice)
        return cards.replace(card)
    card = conversation_card(
        session,
        settings=settings,
        conversation=outcome.conversation,
        viewer=call.user,
        offset_minutes=call.event.offset_minutes,
    )
    return cards.replace(card, outcome.notice)
