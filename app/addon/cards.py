"""Card v1 JSON and the add-on response envelopes (RenderActions), as plain dicts.

Shapes follow Google's Card v1 types (GoogleAppsCardV1*) and the add-on RenderActions of the
HTTP runtime; only the widgets Tandem uses. Every text that came from people (subjects, notes,
names) is HTML-escaped here or by the caller, since Gmail renders card text as simple HTML.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

Json = dict[str, Any]


def card(title: str, sections: Sequence[Json], *, subtitle: str = "", name: str = "") -> Json:
    header: Json = {"title": title}
    if subtitle:
        header["subtitle"] = subtitle
    built: Json = {"header": header, "sections": [s for s in sections if s["widgets"]]}
    if name:
        built["name"] = name
    return built


def section(widgets: Sequence[Json], *, header: str = "") -> Json:
    built: Json = {"widgets": list(widgets)}
    if header:
        built["header"] = header
    return built


def paragraph(text: str) -> Json:
    return {"textParagraph": {"text": text}}


def decorated(text: str, *, top: str = "", bottom: str = "", button: Json | None = None) -> Json:
    built: Json = {"text": text, "wrapText": True}
    if top:
        built["topLabel"] = top
    if bottom:
        built["bottomLabel"] = bottom
    if button is not None:
        built["button"] = button
    return {"decoratedText": built}


def action(url: str, parameters: Mapping[str, str] | None = None) -> Json:
    """An HTTP add-on action: `function` is the endpoint Google POSTs the next event to."""
    built: Json = {"function": url}
    if parameters:
        built["parameters"] = [{"key": key, "value": value} for key, value in parameters.items()]
    return built


def button(text: str, on_click: Json) -> Json:
    return {"text": text, "onClick": on_click}


def run(url: str, parameters: Mapping[str, str] | None = None) -> Json:
    return {"action": action(url, parameters)}


def open_link(url: str) -> Json:
    return {"openLink": {"url": url}}


def buttons(*items: Json) -> Json:
    return {"buttonList": {"buttons": list(items)}}


def text_input(name: str, label: str, *, multiline: bool = False, hint: str = "") -> Json:
    built: Json = {
        "name": name,
        "label": label,
        "type": "MULTIPLE_LINE" if multiline else "SINGLE_LINE",
    }
    if hint:
        built["hintText"] = hint
    return {"textInput": built}


def dropdown(name: str, label: str, items: Sequence[tuple[str, str]], selected: str) -> Json:
    """(value, text) pairs; the item whose value is `selected` is preselected."""
    return {
        "selectionInput": {
            "name": name,
            "label": label,
            "type": "DROPDOWN",
            "items": [
                {"text": text, "value": value, "selected": value == selected}
                for value, text in items
            ],
        }
    }


def date_time_picker(name: str, label: str, value: datetime | None, offset_minutes: int) -> Json:
    """Prefilled with `value`; Gmail shows it in the agent's zone (`offset_minutes` from UTC)."""
    built: Json = {
        "name": name,
        "label": label,
        "type": "DATE_AND_TIME",
        "timezoneOffsetDate": offset_minutes,
    }
    if value is not None:
        built["valueMsEpoch"] = str(int(value.timestamp() * 1000))
    return {"dateTimePicker": built}


def show(built: Json) -> Json:
    """A trigger's answer: the card, pushed onto the add-on's stack."""
    return {"action": {"navigations": [{"pushCard": built}]}}


def replace(built: Json, notice: str = "") -> Json:
    """An action's answer: the current card replaced in place, with a short confirmation."""
    answer: Json = {"navigations": [{"updateCard": built}]}
    if notice:
        answer["notification"] = {"text": notice}
    return {"renderActions": {"action": answer}}


def notify(text: str) -> Json:
    """An action's answer that changes nothing: a short message over the unchanged card."""
    return {"renderActions": {"action": {"notification": {"text": text}}}}


def update_draft(to: Sequence[str], cc: Sequence[str]) -> Json:
    """UpdateDraftActionResponse: replaces the open draft's To and Cc."""
    markup = {
        "updateToRecipients": {"toRecipients": [{"email": address} for address in to]},
        "updateCcRecipients": {"ccRecipients": [{"email": address} for address in cc]},
    }
    return {
        "renderActions": {"hostAppAction": {"gmailAction": {"updateDraftActionMarkup": markup}}}
    }
