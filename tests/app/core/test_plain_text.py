"""One-line fields (names, subjects, addresses, URLs) refuse line breaks and control characters
where they enter, with a message a person can act on; other text keeps them."""

from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError

from app.core.plain_text import ONE_LINE, one_line


class _Named(BaseModel):
    name: Annotated[str, Field(max_length=20), ONE_LINE]


@pytest.mark.parametrize(
    "hostile", ["a\r\nBcc: x@evil.test", "a\nb", "tab\there", "nul\x00", "line\u2028sep", "\x7f"]
)
def test_a_one_line_field_refuses_breaks_and_control_characters(hostile: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _Named(name=hostile)
    [error] = refused.value.errors()
    assert error["loc"] == ("name",)
    assert "must be one line" in error["msg"]


def test_a_one_line_field_keeps_any_printable_text_and_its_length_limit() -> None:
    assert _Named(name="Анна — «support» 😀").name == "Анна — «support» 😀"
    with pytest.raises(ValidationError, match="String should have at most 20 characters"):
        _Named(name="x" * 21)


def test_a_header_value_is_written_on_one_line() -> None:
    assert one_line(" Invoice\r\n\tquestion\x00 ") == "Invoice question"
