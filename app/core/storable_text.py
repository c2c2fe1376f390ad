"""Text a database can store: SQLite and PostgreSQL store UTF-8, which has no form for a lone
UTF-16 surrogate (JSON can still write one, `"\\ud800"`), and PostgreSQL refuses NUL in text.
Such input is refused where it enters (`app.http.text_input`, the multipart readers), never
left to fail at storage."""


def why_unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains a lone surrogate (\\u{ord(text[exc.start]):04x}), which is no text"
    return None
