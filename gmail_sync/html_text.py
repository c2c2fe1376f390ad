"""HTML of an email -> HTML that is safe to display, and plain text to read and search.

Owns the nh3 allowlist, the remote-image mark, the inline images a message carries (its `cid:`
references become data: URLs), HTML-to-text conversion and the markers mail clients put around
quoted history. It never returns HTML that can run script, submit a form or load anything but
images, and never raises for malformed markup.
"""

from __future__ import annotations

import base64
import html as html_entities
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3

# Remote images keep their `src`; this attribute marks them so the UI can block them (tracking
# pixels) until the reader asks. `data:image/...` images are kept as they are, and `cid:` images
# become data: URLs of the message's own image parts (`inline_images`): the HTML is shown in a
# sandboxed frame, which can load neither Tandem's cookie-guarded URLs nor `cid:`.
REMOTE_IMAGE_ATTRIBUTE = "data-tandem-remote-image"
# At most this many bytes of images are written into one message's HTML; the rest keep `cid:`
# (their attachment rows still offer them), so a photo album cannot bloat every view of it.
MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024
# Converting more HTML than this to text costs time and shows nobody anything new.
MAX_HTML_FOR_TEXT = 1024 * 1024

_TAGS = (nh3.ALLOWED_TAGS - {"map", "area"}) | {"font", "tfoot", "big", "section", "main"}
_DROPPED_WITH_CONTENT = {"script", "style", "title", "noscript", "template", "iframe", "object"}
_ATTRIBUTES = {
    # `class` and `id` only as the quote markers `_keep_attribute` lets through
    "*": {
        "style",
        "align",
        "valign",
        "dir",
        "lang",
        "title",
        "width",
        "height",
        "bgcolor",
        "class",
        "id",
    },
    "blockquote": {"type"},
    "a": {"href"},
    "img": {"src", "alt", "border"},
    "table": {"border", "cellpadding", "cellspacing"},
    "td": {"colspan", "rowspan", "nowrap"},
    "th": {"colspan", "rowspan", "nowrap"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "col": {"span"},
    "colgroup": {"span"},
}
# No property that can fetch a URL (background, list-style, content) or escape its box
# (position, z-index).
_STYLE_PROPERTIES = {
    "color", "background-color", "font", "font-family", "font-size", "font-style",
    "font-weight", "text-align", "text-decoration", "text-indent", "text-transform",
    "line-height", "letter-spacing", "word-spacing", "white-space", "vertical-align",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left", "padding",
    "padding-top", "padding-right", "padding-bottom", "padding-left", "border", "border-top",
    "border-right", "border-bottom", "border-left", "border-color", "border-style",
    "border-width", "border-collapse", "border-spacing", "border-radius", "width", "height",
    "max-width", "min-width", "max-height", "min-height", "display", "direction",
    "list-style-type", "table-layout", "word-break", "overflow-wrap",
}  # fmt: skip
_INLINE_IMAGE = re.compile(r"\s*data:image/(?:png|gif|jpe?g|webp|bmp);", re.IGNORECASE)
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_REMOTE_SRC = re.compile(r'\ssrc="https?://', re.IGNORECASE)
_CID_SRC = re.compile(r'(\ssrc=")cid:([^"]*)"', re.IGNORECASE)
# The image types a data: URL may carry (never SVG, which is a document), by declared type.
_DISPLAYABLE = {
    "image/png": "image/png",
    "image/gif": "image/gif",
    "image/jpeg": "image/jpeg",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/webp": "image/webp",
    "image/bmp": "image/bmp",
}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 calls this for every attribute; it must never raise. Of `class`, `id` and
    blockquote's `type` only what marks quoted history is kept, so the stored HTML can still
    be shown without it (`new_part`)."""
    if attribute in ("href", "src") and value.lstrip()[:5].lower() == "data:":
        return value if tag == "img" and _INLINE_IMAGE.match(value) else None
    if attribute == "class":
        return " ".join(name for name in value.split() if name in _QUOTE_CLASSES) or None
    if attribute == "id":
        return value if value.lower() in _QUOTE_IDS else None
    if attribute == "type" and tag == "blockquote":
        return value if value.lower() == "cite" else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes=_ATTRIBUTES,
    attribute_filter=_keep_attribute,
    url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
    url_relative="deny",
    filter_style_properties=_STYLE_PROPERTIES,
    set_tag_attribute_values={"a": {"target": "_blank"}},
)


def sanitize_html(html: str) -> str:
    """HTML safe to put in a page: no script, handlers, forms, frames or javascript: URLs."""
    return _IMG_TAG.sub(_mark_remote_image, _CLEANER.clean(html))


def _mark_remote_image(match: re.Match[str]) -> str:
    tag = match.group(0)
    if not _REMOTE_SRC.search(tag):
        return tag
    return f'<img {REMOTE_IMAGE_ATTRIBUTE}=""{tag[4:]}'


def inline_images(sanitized: str, images: Mapping[str, tuple[str, bytes]]) -> str:
    """`sanitized` HTML with each `<img src="cid:...">` of a displayable image the message
    carries (Content-ID without brackets -> (content type, bytes)) turned into a data: URL."""
    if not images or "cid:" not in sanitized.lower():
        return sanitized
    by_id = {content_id.lower(): image for content_id, image in images.items()}
    budget = MAX_INLINE_IMAGE_BYTES

    def data_url(match: re.Match[str]) -> str:
        nonlocal budget
        reference = unquote(html_entities.unescape(match.group(2))).strip().strip("<>")
        content_type, data = by_id.get(reference.lower(), ("", b""))
        media = _DISPLAYABLE.get(content_type)
        if media is None or not data or len(data) > budget:
            return match.group(0)
        budget -= len(data)
        encoded = base64.b64encode(data).decode("ascii")
        return f'{match.group(1)}data:{media};base64,{encoded}"'

    return _IMG_TAG.sub(lambda tag: _CID_SRC.sub(data_url, tag.group(0)), sanitized)


@dataclass(frozen=True, slots=True)
class HtmlText:
    """Text of an HTML body, split where a client's quoted-history marker begins."""

    visible: str
    quoted: str

    @property
    def text(self) -> str:
        return "\n\n".join(part for part in (self.visible, self.quoted) if part)


def html_to_text(html: str) -> HtmlText:
    """Readable text: blocks on their own lines, blockquote lines prefixed with "> "."""
    writer = _TextWriter()
    try:
        writer.feed(html[:MAX_HTML_FOR_TEXT])
        writer.close()
    except Exception:  # html.parser is lenient, but this must hold for any input
        writer.flush_data()
    return writer.result()


_SKIPPED = frozenset({"script", "style", "head", "title", "noscript", "template", "xml"})
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre"})
_BLOCKS = frozenset(
    {"div", "blockquote", "tr", "li", "hr", "section", "article", "header", "footer",
     "address", "center", "dl", "dt", "dd", "form", "fieldset", "figure", "main", "nav",
     "aside", "tbody", "thead", "tfoot", "caption"}
)  # fmt: skip
_QUOTE_CLASSES = frozenset(
    {"gmail_quote", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted",
     "protonmail_quote"}
)  # fmt: skip
_QUOTE_IDS = frozenset({"divrplyfwdmsg", "appendonsend"})
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def new_part(html: str) -> str | None:
    """The HTML before the first quoted-history marker (everything from the marker on is the
    quote: Outlook's history follows its marker as siblings), for showing a reply without the
    history it quotes; None when there is no marker or nothing readable comes before it. The
    browser closes the tags the cut leaves open."""
    finder = _QuoteFinder()
    try:
        finder.feed(html[:MAX_HTML_FOR_TEXT])
        finder.close()
    except _QuoteFound as found:
        line, column = found.position
        start = 0
        for _ in range(line - 1):
            start = html.index("\n", start) + 1
        cut = html[: start + column]
        return cut if html_to_text(cut).visible.strip() else None
    except Exception:  # html.parser is lenient, but this must hold for any input
        return None
    return None


class _QuoteFound(Exception):
    def __init__(self, position: tuple[int, int]) -> None:
        self.position = position


class _QuoteFinder(HTMLParser):
    """Stops at the first quote marker's start tag, where `getpos()` is that tag's line and
    column."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if _is_quote_marker(tag, {name: value or "" for name, value in attrs}):
            raise _QuoteFound(self.getpos())


def _is_quote_marker(tag: str, attrs: dict[str, str]) -> bool:
    """Gmail's div.gmail_quote, Outlook's #divRplyFwdMsg/#appendonsend, Apple's and
    Thunderbird's blockquote type=cite and .moz-cite-prefix."""
    if tag == "blockquote" and attrs.get("type", "").lower() == "cite":
        return True
    if attrs.get("id", "").lower() in _QUOTE_IDS:
        return True
    return not _QUOTE_CLASSES.isdisjoint(attrs.get("class", "").split())


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[list[str]] = [[]]
        self._newlines = 2  # at the start, as after a paragraph: no leading blank lines
        self._skip = 0
        self._pre = 0
        self._quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "body":
            self._skip = 0  # a <head> that was never closed
        if self._skip:
            return
        values = {name: value or "" for name, value in attrs}
        if len(self._parts) == 1 and _is_quote_marker(tag, values):
            self._parts.append([])
            self._newlines = 2
        self._open(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "blockquote":
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        self._block_break(tag)

    def handle_data(self, data: str) -> None:
        if self._skip or not data:
            return
        if self._pre:
            for index, line in enumerate(data.split("\n")):
                if index:
                    self._hard_newline()
                self._write(line)
            return
        text = _SPACES.sub(" ", data)
        if self._newlines:
            text = text.lstrip()
            if not text and "\xa0" in data:
                self._hard_newline()  # <div>&nbsp;</div>: how Yandex and Outlook write a blank line
        self._write(text)

    def flush_data(self) -> None:
        """What html.parser buffered before it gave up."""
        leftover, self.rawdata = self.rawdata, ""
        self.handle_data(leftover)

    def result(self) -> HtmlText:
        visible, *quoted = ("".join(part) for part in self._parts)
        return HtmlText(_tidy(visible), _tidy(quoted[0]) if quoted else "")

    def _open(self, tag: str) -> None:
        if tag == "br":
            self._hard_newline()
        elif tag in ("td", "th") and not self._newlines:
            self._write(" ")
        elif tag == "li":
            self._ensure_newlines(1)
            self._write("- ")
        else:
            self._block_break(tag)
        if tag == "blockquote":
            self._quote_depth += 1
        elif tag == "pre":
            self._pre += 1

    def _block_break(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self._ensure_newlines(2)
        elif tag in _BLOCKS:
            self._ensure_newlines(1)

    def _ensure_newlines(self, count: int) -> None:
        while self._newlines < count:
            self._hard_newline()

    def _hard_newline(self) -> None:
        self._parts[-1].append("\n")
        self._newlines += 1

    def _write(self, text: str) -> None:
        if not text:
            return
        if self._newlines and self._quote_depth:
            text = "> " * self._quote_depth + text
        self._parts[-1].append(text)
        self._newlines = 0


def _tidy(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()
