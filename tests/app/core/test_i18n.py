# ruff: noqa: RUF001 - Russian durations are the point
"""The translation catalogs against the code: every message marked in the code and templates is
translated in every language's catalog, and the catalogs hold nothing the code no longer says;
and a refusal a person can meet is marked."""

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.core.i18n import (
    LANGUAGES,
    LOCALES,
    duration,
    preferred_language,
    reading_as,
    relative,
)

ROOT = Path(__file__).resolve().parents[3]


def extracted() -> set[str]:
    """What `make messages` extracts, read with the same mapping."""
    with (ROOT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    found = extract_from_dir(str(ROOT), method_map, options_map)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_marked_message_is_translated_and_none_is_stale(language: str) -> None:
    with (LOCALES / language / "LC_MESSAGES" / "tandem.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    translated = {
        (message.id if isinstance(message.id, str) else message.id[0]): message
        for message in catalog
        if message.id
    }
    marked = extracted()
    assert len(marked) > 40
    untranslated = sorted(
        key
        for key in marked
        if key not in translated or not translated[key].string or translated[key].fuzzy
    )
    assert untranslated == [], f"run `make messages` and translate: {untranslated}"
    assert sorted(set(translated) - marked) == [], "messages the code no longer has"


#: Refusals only an operator, the command line or another machine reads, in English on purpose:
#: a whole module, or one refusal of it by the words it starts with.
MACHINE_REFUSALS = {
    "app/addon/actions.py": "an add-on card names an action Tandem lacks",
    "app/addon/identity.py": "the add-on's own configuration and Google's system token",
    "app/addon/preview.py": "`tandem addon preview`, a command",
    "app/cli/background.py": "a command",
    "app/cli/commands.py": "a command",
    "app/core/db.py": "the database's address, at start",
    "gmail_sync/push.py": "Google's push service",
    "gmail_sync/oauth.py: push token rejected": "Google's push service",
    "inbox/sla.py": "a workspace deleted under a timer",
    "app/http/uploads.py": "a field's name and a reason already translated",
    "inbox/canned_replies.py": "a field's name and pydantic's message",
}
REFUSALS = {"Conflict", "Forbidden", "Invalid", "NotFound", "TandemError", "Unavailable"}


def test_a_refusal_a_person_can_meet_is_marked_for_translation() -> None:
    """A refusal raised with a bare string reaches the page (or the API caller) in English
    whatever the reader's language, and the catalog test above cannot see it."""
    bare = []
    for package in ("app", "inbox", "notes", "gmail_sync", "webhooks", "scheduler"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                words = _english_refusal(node)
                if words is not None and not _machine_reads(name, words):
                    bare.append(f"{name}:{getattr(node, 'lineno', 0)} {words[:40]}")
    assert bare == [], "mark these with _() and translate them, or say who reads them"


def _english_refusal(node: ast.AST) -> str | None:
    """The words a refusal is raised with, when they are written out and not translated."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id not in REFUSALS or not node.args:
        return None
    argument = node.args[0]
    while isinstance(argument, ast.BinOp):
        argument = argument.left
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    if isinstance(argument, ast.JoinedStr):
        return "".join(
            part.value
            for part in argument.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return None


def _machine_reads(name: str, words: str) -> bool:
    return name in MACHINE_REFUSALS or any(
        key.startswith(f"{name}: ") and words.startswith(key.partition(": ")[2])
        for key in MACHINE_REFUSALS
    )


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,de;q=0.9,ru;q=0.5,en;q=0.4", "ru"),
        ("en;q=0.3, ru;q=0.7", "ru"),
        ("fr, de", None),
        ("ru;q=0", None),
        ("ru;q=banana, en", "en"),
        ("", None),
        (None, None),
    ],
)
def test_the_browsers_first_language_tandem_speaks(header: str | None, language: str) -> None:
    assert preferred_language(header) == language


@pytest.mark.parametrize(
    ("language", "offset", "said"),
    [
        ("en", timedelta(hours=2), "in 2 hours"),
        ("en", -timedelta(minutes=5), "5 minutes ago"),
        ("en", timedelta(seconds=20), "now"),
        ("ru", timedelta(hours=2), "через 2 часа"),
        ("ru", -timedelta(days=3), "3 дня назад"),
        ("ru", -timedelta(seconds=20), "сейчас"),
    ],
)
def test_how_far_off_a_moment_is_reads_in_the_readers_language(
    language: str, offset: timedelta, said: str
) -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    with reading_as(language, ZoneInfo("Europe/Moscow")):
        assert relative(now + offset, now) == said


@pytest.mark.parametrize(
    ("seconds", "english", "russian"),
    [
        (40, "40 sec", "40 с"),
        (2700, "45 min", "45 мин"),
        (3569, "59 min", "59 мин"),
        (5400, "1 hr 30 min", "1 ч 30 мин"),
        (84_500, "23 hr 28 min", "23 ч 28 мин"),
        (187_200, "2 days 4 hr", "2 дн. 4 ч"),
        (259_200, "3 days", "3 дн."),
    ],
)
def test_a_wait_reads_in_its_two_largest_units(seconds: int, english: str, russian: str) -> None:
    """A median of 1.5 hours is not "2 hours", nor 23.5 hours "1 day"."""
    for language, expected in (("en", english), ("ru", russian)):
        with reading_as(language, ZoneInfo("UTC")):
            assert duration(seconds) == expected
