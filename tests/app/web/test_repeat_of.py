# ruff: noqa: RUF001 - Russian pages are half the point
"""A conversation linked as a repeat request says "repeat of #N" in the inbox list and on its
page (where it links to the earlier conversation), in English and in Russian."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Conversation
from tests.app.web.conftest import Inbox

RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}


def _row(page: str, conversation_id: int) -> str:
    return page.split(f'data-id="{conversation_id}"', 1)[1].split("</li>", 1)[0]


def test_a_repeat_request_says_which_conversation_it_repeats(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    before = client.get("/inbox", params={"view": "open"}).text
    assert "repeat of" not in _row(before, inbox.conversation_id)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        conversation.repeat_of_id = inbox.other_id
    earlier = inbox.other_id

    row = _row(client.get("/inbox", params={"view": "open"}).text, inbox.conversation_id)
    assert re.search(
        rf'<span class="badge repeat-of" title="The client asks again about #{earlier}, closed'
        rf' in the week before">repeat of #{earlier}</span>',
        row,
    )
    page = client.get(f"/c/{inbox.conversation_id}").text
    assert f'<a class="badge repeat-of" href="/c/{earlier}"' in page
    assert f">repeat of #{earlier}</a>" in page

    russian_row = _row(
        client.get("/inbox", params={"view": "open"}, headers=RUSSIAN).text, inbox.conversation_id
    )
    assert f">повтор #{earlier}</span>" in russian_row
    assert f"Клиент снова спрашивает о №{earlier}, закрытом на прошлой неделе" in russian_row
    russian_page = client.get(f"/c/{inbox.conversation_id}", headers=RUSSIAN).text
    assert f'href="/c/{earlier}"' in russian_page and f">повтор #{earlier}</a>" in russian_page
