# ruff: noqa: RUF001 - the Russian demo is written in Russian
"""The language the demo team works in: `tandem serve --demo` is an English interface over
bilingual mail; `--lang ru` is the same team working in Russian (its interface, its mail to
clients in Moscow time, its canned replies). Applied at every start, so switching back and forth
needs no fresh database.
"""

from sqlmodel import Session, select

from app.core.models import Template, User, Workspace, utcnow
from inbox.canned_replies import TemplateIn, add_template

_TEMPLATES = {
    "en": (
        (
            "Got it — we are on it",
            "Hello {{ contact.first_name }},\n\nthank you for the details: we are looking into it"
            "{% if promised_time %} and will write back by {{ promised_time }}{% endif %}.\n\n"
            "{{ agent.name }}\n",
        ),
        (
            "Resolved",
            "Hello {{ contact.first_name }},\n\nthis is now resolved. If anything is still not "
            "right, just reply to this message.\n\n{{ agent.name }}\n",
        ),
    ),
    "ru": (
        (
            "Взяли в работу",
            "Здравствуйте, {{ contact.first_name }}!\n\nСпасибо за подробности, мы уже "
            "разбираемся.{% if promised_time %} Срок ответа: {{ promised_time }}.{% endif %}\n\n"
            "{{ agent.name }}\n",
        ),
        (
            "Решено",
            "Здравствуйте, {{ contact.first_name }}!\n\nВопрос решён. Если что-то всё ещё не так, "
            "просто ответьте на это письмо.\n\n{{ agent.name }}\n",
        ),
    ),
}
_ZONES = {"en": "UTC", "ru": "Europe/Moscow"}
LANGUAGES = tuple(_TEMPLATES)


def speak(session: Session, *, admin: User, language: str) -> None:
    """Sets the workspace's language and zone and every member's interface language (English
    leaves it to each browser), and adds the language's canned replies if they are missing."""
    workspace = session.get(Workspace, admin.workspace_id)
    assert workspace is not None, "a user's workspace exists"
    workspace.language, workspace.timezone = language, _ZONES[language]
    session.add(workspace)
    for member in session.exec(select(User).where(User.workspace_id == admin.workspace_id)):
        member.language = None if language == "en" else language
        session.add(member)
    names = set(
        session.exec(select(Template.name).where(Template.workspace_id == admin.workspace_id))
    )
    for name, text in _TEMPLATES[language]:
        if name not in names:
            body = TemplateIn(name=name, body_text=text)
            add_template(session=session, author=admin, body=body, now=utcnow())
