"""The event object Google POSTs to an HTTP add-on: what Tandem reads of it, validated.

Unknown fields are ignored (Google adds them over time); a body that is not an event object is
refused with one line saying what is missing, before anything is looked up.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.core.errors import Invalid
from app.core.i18n import gettext as _


class MalformedEvent(Invalid):
    """The body is not an event object Tandem's own cards could have produced."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StringInputs(_Lenient):
    value: list[str] = Field(default_factory=list)


class DateTimeInput(_Lenient):
    msSinceEpoch: int
    hasDate: bool = True
    hasTime: bool = True


class FormInput(_Lenient):
    stringInputs: StringInputs | None = None
    dateTimeInput: DateTimeInput | None = None


class TimeZone(_Lenient):
    offset: int = Field(default=0, description="Milliseconds from UTC.")


class CommonEventObject(_Lenient):
    timeZone: TimeZone | None = None
    userLocale: str | None = Field(default=None, description='The Gmail user\'s locale ("ru-RU").')
    parameters: dict[str, str] = Field(default_factory=dict)
    formInputs: dict[str, FormInput] = Field(default_factory=dict)


class AuthorizationEventObject(_Lenient):
    userIdToken: str | None = None


class GmailEventObject(_Lenient):
    messageId: str | None = None
    threadId: str | None = None
    toRecipients: list[str] = Field(default_factory=list)
    ccRecipients: list[str] = Field(default_factory=list)
    bccRecipients: list[str] = Field(default_factory=list)


class AddonEvent(_Lenient):
    commonEventObject: CommonEventObject
    authorizationEventObject: AuthorizationEventObject = Field(
        default_factory=AuthorizationEventObject
    )
    gmail: GmailEventObject | None = None

    def parameter(self, name: str) -> str:
        """An action parameter Tandem put on its own button; missing means a forged click."""
        value = self.commonEventObject.parameters.get(name)
        if value is None:
            raise MalformedEvent(f"the add-on action needs the parameter {name!r}")
        return value

    def text(self, name: str) -> str:
        found = self.commonEventObject.formInputs.get(name)
        values = found.stringInputs.value if found and found.stringInputs else []
        return values[0] if values else ""

    def moment(self, name: str) -> datetime | None:
        found = self.commonEventObject.formInputs.get(name)
        picked = found.dateTimeInput if found else None
        if picked is None:
            return None
        try:
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=picked.msSinceEpoch)
        except OverflowError:
            raise Invalid(_("%(name)s: the picked time is out of range") % {"name": name}) from None

    def thread_id(self) -> str:
        if self.gmail is None or not self.gmail.threadId:
            raise MalformedEvent("the event names no Gmail thread (gmail.threadId)")
        return self.gmail.threadId

    @property
    def offset_minutes(self) -> int:
        zone = self.commonEventObject.timeZone
        return zone.offset // 60_000 if zone else 0


def read_event(payload: Any) -> AddonEvent:
    """The event object, or Invalid naming the first thing wrong with it."""
    try:
        return AddonEvent.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise MalformedEvent(
            f"not a Google Workspace add-on event object: {where}: {first['msg'].lower()}"
        ) from None
