"""format=flowed plain text (RFC 3676) -> the lines its author typed.

Owns unwrapping: a line ending in a space (a soft break) joins the next line of the same quote
depth, the space-stuffing a sender adds to lines starting with a space, ">" or "From " is
removed, DelSp=yes drops the space a soft break was made of, and the "-- " signature separator
is never joined. Quoted lines come back as ">" marks, a space and their text, so quotes.py reads
them like any other quote. It changes nothing but line breaks and stuffing, and never raises.
"""

from __future__ import annotations

_SIGNATURE_SEPARATOR = "-- "


def unflow(text: str, *, delsp: bool = False) -> str:
    """`text` (newlines already "\\n") with its soft line breaks joined."""
    lines: list[str] = []
    paragraph: list[str] = []
    depth = 0
    for line in text.split("\n"):
        line_depth, content = _parts(line)
        if paragraph and line_depth != depth:
            # RFC 3676 4.5: a flowed line followed by another quote depth ends there.
            lines.append(_quoted(depth, "".join(paragraph).rstrip(" ")))
            paragraph = []
        depth = line_depth
        if content.endswith(" ") and content != _SIGNATURE_SEPARATOR:
            paragraph.append(content[:-1] if delsp else content)
            continue
        lines.append(_quoted(depth, "".join(paragraph) + content))
        paragraph = []
    if paragraph:
        lines.append(_quoted(depth, "".join(paragraph).rstrip(" ")))
    return "\n".join(lines)


def _parts(line: str) -> tuple[int, str]:
    """A line's quote depth and its text without the quote marks and the stuffed space."""
    content = line.lstrip(">")
    depth = len(line) - len(content)
    return depth, content[1:] if content.startswith(" ") else content


def _quoted(depth: int, content: str) -> str:
    return f"{'>' * depth} {content}" if depth and content else ">" * depth + content
