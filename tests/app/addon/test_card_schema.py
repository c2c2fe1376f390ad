"""The hand-written card schema the add-on's answers are validated against names only fields
that Google's own Card v1 types have (GoogleAppsCardV1* in the Chat API discovery document that
google-api-python-client ships), with Google's enum values."""

import json
from importlib import resources
from typing import Any

import pytest

from tests.app.addon.conftest import CARD_SCHEMA

DISCOVERY = json.loads(
    resources.files("googleapiclient")
    .joinpath("discovery_cache/documents/chat.v1.json")
    .read_text(encoding="utf-8")
)["schemas"]
WIDGET = CARD_SCHEMA["$defs"]["widget"]["properties"]
BUTTON = CARD_SCHEMA["$defs"]["button"]["properties"]

#: (our schema object, Google's type)
PAIRS = [
    (CARD_SCHEMA["$defs"]["card"], "GoogleAppsCardV1Card"),
    (CARD_SCHEMA["$defs"]["card"]["properties"]["header"], "GoogleAppsCardV1CardHeader"),
    (CARD_SCHEMA["$defs"]["section"], "GoogleAppsCardV1Section"),
    (CARD_SCHEMA["$defs"]["widget"], "GoogleAppsCardV1Widget"),
    (WIDGET["textParagraph"], "GoogleAppsCardV1TextParagraph"),
    (WIDGET["decoratedText"], "GoogleAppsCardV1DecoratedText"),
    (WIDGET["buttonList"], "GoogleAppsCardV1ButtonList"),
    (WIDGET["textInput"], "GoogleAppsCardV1TextInput"),
    (WIDGET["selectionInput"], "GoogleAppsCardV1SelectionInput"),
    (WIDGET["selectionInput"]["properties"]["items"]["items"], "GoogleAppsCardV1SelectionItem"),
    (WIDGET["dateTimePicker"], "GoogleAppsCardV1DateTimePicker"),
    (CARD_SCHEMA["$defs"]["button"], "GoogleAppsCardV1Button"),
    (BUTTON["onClick"], "GoogleAppsCardV1OnClick"),
    (BUTTON["onClick"]["properties"]["action"], "GoogleAppsCardV1Action"),
    (
        BUTTON["onClick"]["properties"]["action"]["properties"]["parameters"]["items"],
        "GoogleAppsCardV1ActionParameter",
    ),
    (BUTTON["onClick"]["properties"]["openLink"], "GoogleAppsCardV1OpenLink"),
]


@pytest.mark.parametrize(("ours", "google_type"), PAIRS, ids=[name for _, name in PAIRS])
def test_every_field_and_enum_is_googles(ours: dict[str, Any], google_type: str) -> None:
    theirs = DISCOVERY[google_type]["properties"]
    unknown = set(ours["properties"]) - set(theirs)
    assert not unknown, f"{google_type} has no {sorted(unknown)}"
    for name, spec in ours["properties"].items():
        if "enum" in spec:
            assert set(spec["enum"]) <= set(theirs[name]["enum"]), name
