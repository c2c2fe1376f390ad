"""Where Google reaches the add-on and where its links lead: every URL is built from
`TANDEM_PUBLIC_URL`, the address Google and agents see (not the one a proxy forwards to)."""

from app.core.settings import Settings

HOMEPAGE_PATH = "/addon/homepage"
MESSAGE_PATH = "/addon/message"
COMPOSE_PATH = "/addon/compose"
ACTIONS_PATH = "/addon/actions"


def public(settings: Settings, path: str) -> str:
    return str(settings.public_url).rstrip("/") + path


def action_url(settings: Settings, name: str) -> str:
    return public(settings, f"{ACTIONS_PATH}/{name}")


def conversation_url(settings: Settings, conversation_id: int) -> str:
    return public(settings, f"/c/{conversation_id}")
