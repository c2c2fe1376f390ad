"""Markdown-lite rendering and the @mention syntax: HTML in a note is text, only safe links
survive, lists and code render, and a mention is recognised only where one is meant."""

import pytest

from notes.markup import Mention, find_mentions, render_note


def test_html_in_a_note_is_shown_as_text() -> None:
    html = render_note('<script>alert("x")</script> <img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "body",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](vbscript:msgbox)",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_links_are_dropped(body: str) -> None:
    html = render_note(body)
    assert "href" not in html
    assert "<a" not in html


def test_safe_links_open_without_referrer_or_endorsement() -> None:
    html = render_note(
        "[policy](https://acme.test/refunds), https://acme.test/x and <mailto:a@b.test>"
    )
    assert html.count('rel="noopener noreferrer nofollow"') == 3
    assert 'href="https://acme.test/refunds"' in html
    assert 'href="https://acme.test/x"' in html
    assert 'href="mailto:a@b.test"' in html


def test_lists_code_and_emphasis_render() -> None:
    html = render_note(
        "Steps:\n\n- one\n- two\n\n1. first\n\n`a < b` and **bold**\n\n```\n<b>x</b>\n```"
    )
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n</ol>" in html
    assert "<code>a &lt; b</code>" in html
    assert "<strong>bold</strong>" in html
    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>" in html


def test_images_and_headings_stay_text() -> None:
    """No remote image loads from a note, and a `#` keeps its meaning as a number sign."""
    html = render_note("# 114\n\n![x](https://tracker.test/p.png)")
    assert "<img" not in html and "<h1" not in html


def test_mentions_are_highlighted() -> None:
    html = render_note('Ask @Anna or @"Boris Ivanov" (@cid@acme.test)')
    assert '<span class="mention">@Anna</span>' in html
    assert '<span class="mention">@Boris Ivanov</span>' in html
    assert '<span class="mention">@cid@acme.test</span>' in html


def test_the_three_mention_forms() -> None:
    assert find_mentions('@anna@acme.test, @"Anna  Petrova" and @Anne-Marie.') == [
        Mention("@anna@acme.test", "anna@acme.test", True),
        Mention('@"Anna  Petrova"', "Anna  Petrova", False),
        Mention("@Anne-Marie", "Anne-Marie", False),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "write to bob@client.test",
        "see https://medium.test/@anna",
        "meet @10:30",
        "an email: `@anna` in code",
        "```\n@anna\n```",
        r"escaped \@anna",
        "a lone @ sign",
    ],
)
def test_what_is_not_a_mention(body: str) -> None:
    assert find_mentions(body) == []


def test_each_mention_counts_once_and_keeps_its_order() -> None:
    mentions = find_mentions("@Boris, @anna and @boris again; @Anna's call")
    assert [m.handle for m in mentions] == ["Boris", "anna"]


def test_a_mention_at_the_start_of_a_list_item_or_in_emphasis() -> None:
    assert [m.handle for m in find_mentions("- @anna\n- **@boris**")] == ["anna", "boris"]
