"""Settings: read from TANDEM_* variables; a bad or missing one fails with one line naming it."""

import pytest

from app.core.settings import Settings, SettingsError, load_settings


def test_defaults_run_on_a_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TANDEM_DATABASE_URL", "TANDEM_UNDO_SEND_SECONDS", "TANDEM_GMAIL_EMULATOR_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:///./tandem.db"
    assert settings.undo_send_seconds == 10
    assert settings.gmail_emulator_url is None


def test_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql+psycopg://u@db.internal/tandem")
    monkeypatch.setenv("TANDEM_GMAIL_EMULATOR_URL", "http://127.0.0.1:8025")
    monkeypatch.setenv("TANDEM_PUBLIC_URL", "https://help.acme.test")
    monkeypatch.setenv("TANDEM_UNDO_SEND_SECONDS", "0")
    settings = load_settings()
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert str(settings.gmail_emulator_url) == "http://127.0.0.1:8025/"
    assert settings.public_url.host == "help.acme.test"
    assert settings.undo_send_seconds == 0


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TANDEM_DATABASE_URL", "not a url", "TANDEM_DATABASE_URL: not a database URL"),
        ("TANDEM_DATABASE_URL", "mysql://u@h/db", "TANDEM_DATABASE_URL: unsupported database"),
        ("TANDEM_UNDO_SEND_SECONDS", "-1", "TANDEM_UNDO_SEND_SECONDS"),
        ("TANDEM_UNDO_SEND_SECONDS", "ten", "TANDEM_UNDO_SEND_SECONDS"),
        ("TANDEM_PUBLIC_URL", "help desk", "TANDEM_PUBLIC_URL"),
        ("TANDEM_SECRET_KEY", "short", "TANDEM_SECRET_KEY"),
        ("TANDEM_LOG_LEVEL", "LOUD", "TANDEM_LOG_LEVEL"),
    ],
)
def test_malformed_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


def test_serving_without_a_secret_key_names_it() -> None:
    with pytest.raises(SettingsError, match="TANDEM_SECRET_KEY is not set"):
        Settings(secret_key=None).require_secret_key()
