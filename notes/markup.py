"""Markdown-lite for note bodies and the @mention syntax, both read by one parser so that what
is highlighted is exactly what notifies.

A body is untrusted: raw HTML is escaped by the parser and the result is sanitized again, so
only paragraphs, lists, code, quotes, emphasis and http/https/mailto links come out.

Mentions start with `@` at a word boundary (not after a letter, digit or `@ . / : + - = & ? # %`,
so `bob@client.test` and URLs are ordinary text) and take one of three forms: `@anna@acme.test`
(an email), `@"Anna Petrova"` (a full name, quoted) or `@Anna` (one word starting with a letter:
a full or first name). Inside code, or escaped as `\\@`, an `@` is literal text.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

MENTION = re.compile(
    r'@(?:"(?P<quoted>[^"\n]{1,200})"'
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<word>[^\W\d_]\w*(?:[.-]\w+)*))"
)
_NOT_BEFORE_MENTION = "@./:+-=&?#%"

_RULES = ["linkify", "list", "code", "fence", "blockquote", "newline", "escape", "entity"]
_RULES += ["backticks", "emphasis", "link", "autolink"]
_TAGS = {"p", "br", "ul", "ol", "li", "code", "pre", "blockquote", "em", "strong", "a", "span"}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_CLASSES = {"span": {"mention"}}
_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"


@dataclass(frozen=True)
class Mention:
    """One @mention as written: `handle` is the email or name after the `@`."""

    text: str
    handle: str
    is_email: bool


def _mention_at(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@":
        return False
    before = state.src[pos - 1] if pos > 0 else " "
    if before.isalnum() or before in _NOT_BEFORE_MENTION:
        return False
    match = MENTION.match(state.src, pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.content = match.group(0)
        email = match.group("email")
        handle = email or match.group("quoted") or match.group("word")
        token.meta = {"mention": Mention(match.group(0), handle.strip(), email is not None)}
    state.pos = match.end()
    return True


def _render_mention(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """`@"Anna Petrova"` reads as @Anna Petrova: the quotes only delimit a name with spaces."""
    return f'<span class="mention">@{escape(tokens[idx].meta["mention"].handle)}</span>'


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True})
    md.enable(_RULES)
    md.inline.ruler.push("mention", _mention_at)
    md.add_render_rule("mention", _render_mention)
    return md


_MD = _parser()


def render_note(body: str) -> str:
    """The body as sanitized HTML, mentions as `<span class="mention">`."""
    html = _MD.render(body)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=_SCHEMES,
        link_rel=LINK_REL,
    )


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def find_mentions(body: str) -> list[Mention]:
    """The body's mentions in order of appearance, each distinct handle once."""
    found: dict[tuple[str, bool], Mention] = {}
    for token in _walk(_MD.parse(body)):
        if token.type == "mention":
            mention: Mention = token.meta["mention"]
            found.setdefault((mention.handle.casefold(), mention.is_email), mention)
    return list(found.values())
