"""Tandem's configuration: one pydantic-settings class read from `TANDEM_*` environment variables.

It validates every value at start so a bad deployment fails with one line naming the setting,
and it never reads the environment anywhere else.
"""

from functools import lru_cache
from typing import Annotated

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DATABASES = ("sqlite", "postgresql")

#: Used only by `tandem serve --demo` when no key is configured: the demo talks to the local
#: Gmail emulator, so its sessions and tokens protect nothing real.
DEMO_SECRET_KEY = "tandem-demo-only-secret-key-never-use-in-production"  # noqa: S105


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANDEM_", extra="ignore")

    database_url: str = "sqlite:///./tandem.db"
    secret_key: Annotated[SecretStr | None, Field(min_length=16)] = None
    google_client_id: str | None = None
    google_client_secret: SecretStr | None = None
    gmail_emulator_url: AnyHttpUrl | None = None
    public_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")
    undo_send_seconds: Annotated[int, Field(ge=0, le=600)] = 10
    session_max_age_seconds: Annotated[int, Field(ge=60)] = 12 * 3600
    log_level: str = "INFO"
    previous_secret_keys: str = Field(
        default="", description="Comma-separated old keys, still accepted to decrypt tokens."
    )
    sync_lookback_days: Annotated[int, Field(ge=1, le=3650)] = 90
    poll_interval_seconds: Annotated[int, Field(ge=1, le=86400)] = 60
    sync_batch_size: Annotated[int, Field(ge=1, le=100)] = 50
    push_topic: str | None = Field(
        default=None, description="Pub/Sub topic for Gmail watch; unset means polling only."
    )
    push_oidc_audience: str | None = None
    push_oidc_email: str | None = None
    push_oidc_certs_url: AnyHttpUrl | None = None
    gmail_retry_base_seconds: Annotated[float, Field(gt=0, le=60)] = 1.0
    addon_service_account: str | None = Field(
        default=None,
        description="The Gmail add-on's service account (service-N@gcp-sa-gsuiteaddons...); "
        "unset means the add-on endpoints are off.",
    )
    addon_audience: str | None = Field(
        default=None, description="Audience of the add-on's system ID token; else the endpoint URL."
    )
    addon_oauth_client_id: str | None = Field(
        default=None, description="Audience of the add-on's user ID tokens, when set."
    )
    addon_certs_url: AnyHttpUrl | None = None
    run_scheduler: bool = True
    sync_lease_seconds: Annotated[int, Field(ge=5, le=3600)] = Field(
        default=60,
        description="How long a worker's claim on a mailbox's sync lasts unless renewed (it is "
        "renewed at every step); a killed worker's mailboxes are synced by another after this.",
    )
    metrics_token: Annotated[SecretStr | None, Field(min_length=16)] = Field(
        default=None,
        description="Bearer token that /metrics requires; unset, /metrics answers only direct "
        "calls from loopback addresses.",
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="Address `tandem worker` serves its /metrics on."
    )
    metrics_port: Annotated[int | None, Field(ge=1, le=65535)] = Field(
        default=None, description="Port `tandem worker` serves /metrics on; unset, none."
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Let webhooks post to loopback, link-local and private addresses (tests, "
        "a receiver on the same network); off, such targets are refused.",
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (e.g. sqlite:///./tandem.db)") from None
        if url.get_backend_name() not in SUPPORTED_DATABASES:
            raise ValueError(
                f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    def require_secret_key(self) -> str:
        """The signing key for sessions and token encryption; serving without one is refused."""
        if self.secret_key is None:
            raise SettingsError(
                "TANDEM_SECRET_KEY is not set: set it to a long random string "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return self.secret_key.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read the environment, turning pydantic's multi-line report into one line per setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = [
            f"TANDEM_{'_'.join(str(part) for part in err['loc']).upper()}: "
            + err["msg"].removeprefix("Value error, ")
            for err in exc.errors()
        ]
        raise SettingsError("invalid setting " + "; ".join(problems)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
