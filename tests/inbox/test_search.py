"""Full-text search through GET /api/v1/conversations?q=, on SQLite FTS5 and PostgreSQL."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, insert, text, update
from sqlmodel import Session

from app.core.db import session_scope
from app.core.migrations import alembic_config, upgrade_to_head
from app.core.models import Conversation, Mailbox, Message, Note, id_of
from inbox import search as search_module
from inbox.search_terms import Word, fts5_query, search_phrases, tsquery
from tests.conftest import Member, Team

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
FILLER = "We looked at the logs and the dashboard and everything seems fine so far. " * 3


class Inbox:
    """Conversations of one workspace, written the way the product writes them."""

    def __init__(self, engine: Engine, member: Member) -> None:
        self.engine, self.member = engine, member
        with session_scope(engine) as session:
            mailbox = Mailbox(workspace_id=member.workspace_id, email=f"s{member.user_id}@a.test")
            session.add(mailbox)
            session.flush()
            self.mailbox_id = id_of(mailbox)
        self.count = 0

    def conversation(self, subject: str, *bodies: str, status: str = "open", **sender: Any) -> int:
        self.count += 1
        with session_scope(self.engine) as session:
            conversation = Conversation(
                workspace_id=self.member.workspace_id,
                mailbox_id=self.mailbox_id,
                gmail_thread_id=f"t{self.count}",
                subject=subject,
                status=status,
                last_message_at=START + timedelta(minutes=self.count),
            )
            session.add(conversation)
            session.flush()
            for index, body in enumerate(bodies):
                session.add(
                    self.message(id_of(conversation), f"m{self.count}.{index}", body, **sender)
                )
            return id_of(conversation)

    def message(self, conversation_id: int, gmail_id: str, body: str, **sender: Any) -> Message:
        return Message(
            workspace_id=self.member.workspace_id,
            conversation_id=conversation_id,
            mailbox_id=self.mailbox_id,
            gmail_id=gmail_id,
            from_address=sender.get("from_address", "client@client.test"),
            from_name=sender.get("from_name", "Client"),
            to=sender.get("to", ["support@acme.test"]),
            cc=sender.get("cc", []),
            visible_text=body,
            text_body=body,
            date=START,
        )

    def note(self, conversation_id: int, body: str) -> int:
        with session_scope(self.engine) as session:
            note = Note(
                workspace_id=self.member.workspace_id,
                conversation_id=conversation_id,
                author_id=self.member.user_id,
                body=body,
            )
            session.add(note)
            session.flush()
            return id_of(note)


@pytest.fixture
def inbox(engine: Engine, admin: Member) -> Inbox:
    return Inbox(engine, admin)


def search(client: TestClient, member: Member, q: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(
        "/api/v1/conversations", params={"q": q, **params}, headers=member.headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


def test_finds_subject_body_participants_and_notes(client: TestClient, inbox: Inbox) -> None:
    subject = inbox.conversation("Invoice for October", "Please send it again.")
    body = inbox.conversation("Hello", "The export button crashes the browser.")
    person = inbox.conversation(
        "Question", "Hi there.", from_address="olga.petrova@bigcorp.test", from_name="Olga Petrova"
    )
    copied = inbox.conversation("Other", "Hi.", cc=["Boris Ivanov <boris@partner.test>"])
    noted = inbox.conversation("Renewal", "When is it due?")
    inbox.note(noted, "Customer is a VIP, escalate to Maria")
    assert ids(search(client, inbox.member, "invoice")) == [subject]
    assert ids(search(client, inbox.member, "EXPORT crashes")) == [body]
    assert ids(search(client, inbox.member, "olga.petrova@bigcorp.test")) == [person]
    assert ids(search(client, inbox.member, "Petrova")) == [person]
    assert ids(search(client, inbox.member, "boris@partner.test")) == [copied]
    assert ids(search(client, inbox.member, "Ivanov")) == [copied]
    assert ids(search(client, inbox.member, "escalate maria")) == [noted]
    assert search(client, inbox.member, "nonexistentword") == []


def test_russian_words_match_in_any_case_and_with_or_without_yo(
    client: TestClient, inbox: Inbox
) -> None:
    bill = inbox.conversation("Оплата", "Добрый день! Пришлите, пожалуйста, счёт за ноябрь.")
    named = inbox.conversation(
        "Вопрос", "Здравствуйте.", from_name="Анна Смирнова", cc=["Пётр Сидоров <p@client.test>"]
    )
    inbox.conversation("Доставка", "Где мой заказ?")
    for q in ("счёт", "СЧЁТ", "Счет", "ноябрь счёт", "пожалуйста"):
        assert ids(search(client, inbox.member, q)) == [bill], q
    for q in ("смирнова", "Сидоров", "петр"):
        assert ids(search(client, inbox.member, q)) == [named], q
    assert ids(search(client, inbox.member, "заказ")) != [bill]


def test_last_word_matches_as_a_prefix_while_typing(client: TestClient, inbox: Inbox) -> None:
    invoice = inbox.conversation("Invoice overdue", "Пришлите счета.")
    assert ids(search(client, inbox.member, "overdue invo")) == [invoice]
    assert ids(search(client, inbox.member, "сче")) == [invoice]


INFLECTED = (
    ("заказ", "заказа", "заказы", "заказов", "заказам"),
    ("invoice", "invoices"),
    ("импорт", "импорта"),
)


def test_each_inflected_form_finds_the_others(client: TestClient, inbox: Inbox) -> None:
    made = {
        form: inbox.conversation("Вопрос", f"Подскажите про {form}, пожалуйста.")
        for forms in INFLECTED
        for form in forms
    }
    for forms in INFLECTED:
        expected = sorted(made[form] for form in forms)
        for form in forms:
            # Followed by another word, a form is matched whole, by its stem only.
            whole = search(client, inbox.member, f"{form} подскажите")
            assert sorted(ids(whole)) == expected, form
            assert sorted(ids(search(client, inbox.member, form.upper()))) == expected, form


def test_a_mixed_language_query_finds_inflected_forms_in_both_languages(
    client: TestClient, inbox: Inbox
) -> None:
    both = inbox.conversation("Вопрос", "Пришлите invoices и счета по заказам.")
    inbox.conversation("Вопрос", "The invoice is here.")
    inbox.conversation("Вопрос", "Где заказ?")
    assert ids(search(client, inbox.member, "заказ invoice")) == [both]
    assert ids(search(client, inbox.member, "invoice счёт заказы")) == [both]


def test_a_word_typed_halfway_still_finds_its_longer_forms(
    client: TestClient, inbox: Inbox
) -> None:
    orders = inbox.conversation("Статус", "Сколько заказов в пути?")
    payment = inbox.conversation("Billing", "The payment failed.")
    assert ids(search(client, inbox.member, "заказо")) == [orders]
    assert ids(search(client, inbox.member, "сколько зака")) == [orders]
    assert ids(search(client, inbox.member, "payme")) == [payment]


def test_highlights_mark_the_inflected_forms_found(client: TestClient, inbox: Inbox) -> None:
    inbox.conversation("Вопрос", "Где мои заказы? И ещё два invoices не пришли.")
    [item] = search(client, inbox.member, "заказов invoice")
    assert "<mark>заказы</mark>" in item["highlight"]
    assert "<mark>invoices</mark>" in item["highlight"]


def test_the_migration_stems_the_mail_already_stored(
    client: TestClient, database_url: str, inbox: Inbox
) -> None:
    """Mail stored before migration 0021 is indexed again with stems when it runs, and the
    index of 0003 comes back on downgrade (the mail is stored at the head: the models write
    the columns of later migrations)."""
    stored = inbox.conversation("Вопрос", "Заказы: where are my invoices?")
    command.downgrade(alembic_config(database_url), "0020")
    upgrade_to_head(database_url)
    assert ids(search(client, inbox.member, "заказ invoice")) == [stored]
    assert ids(search(client, inbox.member, "заказам")) == [stored]


def test_search_is_narrowed_by_the_view_and_filters(
    client: TestClient, inbox: Inbox, admin: Member
) -> None:
    open_one = inbox.conversation("Refund request", "Please refund me.")
    closed_one = inbox.conversation("Refund done", "Thanks for the refund.", status="closed")
    assert sorted(ids(search(client, admin, "refund"))) == sorted([open_one, closed_one])
    assert ids(search(client, admin, "refund", status="closed")) == [closed_one]
    assert ids(search(client, admin, "refund", view="open")) == [open_one]
    assert search(client, admin, "refund", view="mine") == []


def test_a_subject_match_outranks_a_single_mention_in_a_long_body(
    client: TestClient, inbox: Inbox
) -> None:
    mention = inbox.conversation(
        "Weekly status", FILLER + "Also, the invoice looked odd. " + FILLER
    )
    subject = inbox.conversation("Invoice missing", "Hello, we never got it.")
    assert ids(search(client, inbox.member, "invoice")) == [subject, mention]


def test_an_inflected_form_in_a_subject_outranks_one_in_a_long_body(
    client: TestClient, inbox: Inbox
) -> None:
    subject = inbox.conversation("Заказы не пришли", "Hello, we never got them.")
    mention = inbox.conversation("Weekly status", FILLER + "Один заказ задержан. " + FILLER)
    invoices = inbox.conversation("Invoices missing", "Hello, we never got them.")
    invoice = inbox.conversation("Weekly status", FILLER + "The invoice. " + FILLER)
    for q in ("заказам", "заказов заказы"):
        assert ids(search(client, inbox.member, q)) == [subject, mention], q
    for q in ("invoice", "invoices"):
        assert ids(search(client, inbox.member, q)) == [invoices, invoice], q


def test_highlight_marks_matches_and_escapes_everything_else(
    client: TestClient, inbox: Inbox
) -> None:
    inbox.conversation("Bug", "The <script>alert(1)</script> tag shows a popup & the счёт too.")
    [item] = search(client, inbox.member, "popup счёт")
    highlight = item["highlight"]
    assert "<mark>popup</mark>" in highlight
    assert re.search(r"<mark>сч[её]т</mark>", highlight)
    assert "<script>" not in highlight and "&amp;" in highlight
    assert re.sub(r"</?mark>", "", highlight).count("<") == 0


@pytest.mark.parametrize(
    "q",
    ['"', "*", "OR", "NEAR(", "-", "invoice -", '"invoice', "(invoice", "invoice)", "a AND",
     "NOT", "'", "\\", ":*", "&|!", "<->", "subject:invoice", "^invoice", "x" * 200, "!!! ???",
     "NEAR(invoice bug, 2)", "invoice OR bug", "'; DROP TABLE conversation; --", "½ ٣ ß ǅ",
     "\U0001d518\U0001d51e", "😀", "e\u0301te\u0301", "ab\x00cd", "\ue000mark\ue001"],
)  # fmt: skip
def test_hostile_queries_get_results_or_a_clear_422(
    client: TestClient, inbox: Inbox, q: str
) -> None:
    inbox.conversation("Invoice bug", "or near not and")
    response = client.get("/api/v1/conversations", params={"q": q}, headers=inbox.member.headers)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert "q" in str(response.json()["detail"])


def test_a_query_without_words_or_too_long_is_refused_with_a_message(
    client: TestClient, admin: Member
) -> None:
    for q in ("*", '"" ()', "-"):
        response = client.get("/api/v1/conversations", params={"q": q}, headers=admin.headers)
        assert response.status_code == 422
        assert "nothing to search for" in response.json()["detail"]
    too_long = client.get("/api/v1/conversations", params={"q": "a" * 201}, headers=admin.headers)
    assert too_long.status_code == 422


def test_other_workspaces_never_appear(
    client: TestClient, engine: Engine, inbox: Inbox, team: Team
) -> None:
    mine = inbox.conversation("Invoice", "Our invoice.")
    other = Inbox(engine, team.admin_of_new_workspace("Other", "boss@other.test"))
    theirs = other.conversation("Invoice", "Their invoice.")
    other.note(theirs, "invoice note")
    assert ids(search(client, inbox.member, "invoice")) == [mine]
    assert ids(search(client, other.member, "invoice")) == [theirs]


def test_a_message_bulk_inserted_like_the_sync_is_searchable(
    client: TestClient, engine: Engine, inbox: Inbox
) -> None:
    conversation = inbox.conversation("Hello", "First message.")
    rows = [
        inbox.message(conversation, f"bulk{n}", f"Bulk body {word}").model_dump(exclude={"id"})
        for n, word in enumerate(("xylophone", "квитанция"))
    ]
    with session_scope(engine) as session:
        session.execute(insert(Message), rows)
    assert ids(search(client, inbox.member, "xylophone")) == [conversation]
    assert ids(search(client, inbox.member, "КВИТАНЦИЯ")) == [conversation]


def test_edits_and_deletes_follow_into_search(
    client: TestClient, engine: Engine, inbox: Inbox
) -> None:
    conversation = inbox.conversation("Old subject", "Body.")
    kept = inbox.note(conversation, "secret handshake")
    removed = inbox.note(conversation, "temporary password")
    with session_scope(engine) as session:
        session.execute(update(Conversation).values(subject="Fresh subject"))
        session.execute(update(Note).where(Note.id == kept).values(body="new handshake"))
        session.execute(update(Note).where(Note.id == removed).values(deleted_at=datetime.now(UTC)))
    assert search(client, inbox.member, "old subject") == []
    assert ids(search(client, inbox.member, "fresh")) == [conversation]
    assert search(client, inbox.member, "secret") == []
    assert ids(search(client, inbox.member, "new handshake")) == [conversation]
    assert search(client, inbox.member, "temporary password") == []
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM note WHERE id = :id"), {"id": kept})
    assert search(client, inbox.member, "handshake") == []


def test_pages_walk_every_match_once(client: TestClient, inbox: Inbox, admin: Member) -> None:
    made = {inbox.conversation(f"Ticket {n}", "Printer jam again.") for n in range(5)}
    seen: list[int] = []
    cursor = None
    while True:
        params = {"q": "printer", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/conversations", params=params, headers=admin.headers).json()
        seen += ids(page["items"])
        if (cursor := page["next_cursor"]) is None:
            break
    assert sorted(seen) == sorted(made)
    bad = client.get(
        "/api/v1/conversations", params={"q": "printer", "cursor": "x"}, headers=admin.headers
    )
    assert bad.status_code == 422 and "cursor" in bad.json()["detail"]


def test_search_reads_the_index_not_the_conversation_table(
    client: TestClient, engine: Engine, inbox: Inbox
) -> None:
    for n in range(200):
        inbox.conversation(f"Topic {n}", f"Body {n} of the usual words.")
    inbox.conversation("Odd one", "A zebra crossing.")
    statements = list(_captured(engine, client, inbox.member))
    ranked = next(s for s in statements if "GROUP BY conversation_id" in s[0])
    with Session(engine) as session:
        connection = session.connection()
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("SET enable_seqscan = off")
        plan = [str(row[-1]) for row in connection.exec_driver_sql(*_explain(engine, *ranked))]
    if engine.dialect.name == "postgresql":
        assert any("Bitmap Index Scan on ix_message_search_vector" in line for line in plan), plan
        assert not any("Seq Scan on conversation" in line for line in plan), plan
    else:
        assert any(line.startswith("SCAN conversation_search VIRTUAL TABLE") for line in plan)
        assert "SEARCH conversation USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert not any(re.match(r"SCAN conversation( |$)", line) for line in plan), plan


def _captured(
    engine: Engine, client: TestClient, member: Member, q: str = "zebra"
) -> Iterator[tuple[str, Any]]:
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert search(client, member, q)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    yield from captured


def _explain(engine: Engine, statement: str, parameters: Any) -> tuple[str, Any]:
    prefix = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    return prefix + statement, parameters


def test_user_text_becomes_quoted_words_only() -> None:
    phrases = search_phrases('  "Счёт" anna@client.ru NEAR(x* -y) OR   ')
    assert phrases == [("счет",), ("anna", "client", "ru"), ("near", "x"), ("y",), ("or",)]
    assert fts5_query(phrases) == '"счет" AND "anna client ru" AND "near x" AND "y" AND "or"*'
    assert fts5_query([("заказам",), ("invoi",)]) == '"заказ" AND "invoi"*'
    assert fts5_query([("заказов",)]) == '("заказов"* OR "заказ")'
    assert fts5_query([("anna", "clients")]) == '("anna clients"* OR "anna client")'
    address = [Word(("anna",)), Word(("client",)), Word((), "ru")]
    assert tsquery([address]) == "('anna' <-> 'client' <-> 'ru':*)"
    stop_word = [Word(("заказ", "заказа")), Word(()), Word(("invoic",), "invoice")]
    assert tsquery([stop_word]) == "(('заказ' | 'заказа') <2> ('invoic' | 'invoice':*))"
    assert tsquery([[Word(())], [Word(("o'k",))]]) == "('o''k')"
    assert tsquery([[Word(())]]) == ""
    assert search_phrases("*** () -- '") == []


def test_a_common_word_ranks_its_newest_matches_subject_first(
    client: TestClient, engine: Engine, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    oldest = inbox.conversation("Printer broken", "It jams.")
    bodies = [inbox.conversation(f"Ticket {n}", "The printer jams again.") for n in range(4)]
    titled = inbox.conversation("Printer toner", "Empty.")
    exact = ids(search(client, inbox.member, "printer"))
    assert set(exact[:2]) == {oldest, titled} and set(exact[2:]) == set(bodies)
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 4)
    newest = ids(search(client, inbox.member, "printer"))
    assert newest == [titled, bodies[3], bodies[2], bodies[1]], "older matches left out"


def test_a_word_in_most_messages_is_found_from_the_newest_once_the_database_knows_it(
    client: TestClient, engine: Engine, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ANALYZE has seen a word in most messages, PostgreSQL finds its newest matches by
    walking the primary key instead of a GIN bitmap of the table; a rare word still takes the
    index. The answer is the same either way: the newest matches, best first."""
    made = [
        inbox.conversation(f"Ticket {n}", "The printer jams again.", "Printer still jams.")
        for n in range(30)
    ]
    odd = inbox.conversation("Odd one", "A zebra crossing.")
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 6)
    common = list(_captured(engine, client, inbox.member, "printer"))
    rare = list(_captured(engine, client, inbox.member, "zebra"))
    assert ids(search(client, inbox.member, "printer")) == made[:-4:-1], "three newest, by id"
    assert ids(search(client, inbox.member, "zebra")) == [odd]
    if engine.dialect.name == "postgresql":
        walked = [statement for statement, _ in common + rare if " AS walk " in statement]
        assert len(walked) == 1 and walked[0] in {statement for statement, _ in common}
