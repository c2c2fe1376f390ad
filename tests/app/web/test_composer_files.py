"""Files in the web composer: the API's limits apply, a refusal keeps the typed text and says
the files must be chosen again, and an untouched file input adds nothing."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Attachment, Message
from tests.app.web.conftest import Inbox


def test_too_many_files_are_refused_and_the_text_is_kept(
    client: TestClient, inbox: Inbox, csrf: str, engine: Engine
) -> None:
    files = [("attachments", (f"f{index}.txt", b"x", "text/plain")) for index in range(21)]

    refused = client.post(
        f"/c/{inbox.conversation_id}/reply",
        data={"csrf_token": csrf, "body_text": "Here are the logs"},
        files=files,
    )

    assert refused.status_code == 422
    assert "at most 20 attachments" in refused.text
    assert "choose them again" in refused.text
    assert "Here are the logs" in refused.text
    with Session(engine) as session:
        assert session.exec(select(Message).where(Message.direction == "outbound")).all() == []


def test_an_untouched_file_input_adds_no_attachment(
    client: TestClient, inbox: Inbox, csrf: str, engine: Engine
) -> None:
    sent = client.post(
        f"/c/{inbox.conversation_id}/reply",
        data={"csrf_token": csrf, "body_text": "No files today"},
        files=[("attachments", ("", b"", "application/octet-stream"))],
        follow_redirects=False,
    )

    assert sent.status_code == 303, sent.text
    with Session(engine) as session:
        assert session.exec(select(Attachment)).all() == []
