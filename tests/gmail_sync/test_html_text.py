"""gmail_sync.html_text: sanitized HTML runs nothing, and HTML mail reads as sensible text with
its quoted history found by the clients' own markers."""

from __future__ import annotations

import pytest

from gmail_sync.html_text import REMOTE_IMAGE_ATTRIBUTE, html_to_text, new_part, sanitize_html


@pytest.mark.parametrize(
    ("html", "forbidden"),
    [
        ("<p>hi<script>alert(1)</script></p>", "alert"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "data:"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<form action="https://evil.example"><input name="p"></form>', "form"),
        ('<div style="position:fixed;background:url(https://t.example/x)">x</div>', "url("),
        ("<svg><script>alert(1)</script></svg>", "script"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
        ('<base href="https://evil.example/">', "base"),
        ('<a href="/relative">x</a>', "relative"),
        ("<style>body{display:none}</style>text", "display"),
    ],
)
def test_sanitized_html_cannot_run_or_fetch_anything(html: str, forbidden: str) -> None:
    assert forbidden not in sanitize_html(html).lower()


def test_email_formatting_survives_sanitizing() -> None:
    html = (
        '<table cellpadding="4" width="600"><tr><td style="color:#333;font-size:14px" '
        'bgcolor="#eee"><font color="red">Total</font></td></tr></table>'
    )

    clean = sanitize_html(html)

    assert 'style="color:#333;font-size:14px"' in clean
    assert '<font color="red">' in clean and 'cellpadding="4"' in clean


def test_images_remote_marked_inline_kept_relative_dropped() -> None:
    html = (
        '<img src="https://t.example/o.gif"><img src="//t.example/p.gif">'
        '<img src="cid:logo@x"><img src="data:image/png;base64,iVBORw0KGgo=">'
    )

    clean = sanitize_html(html)

    assert clean.count(REMOTE_IMAGE_ATTRIBUTE) == 1
    assert "p.gif" not in clean
    assert f'<img {REMOTE_IMAGE_ATTRIBUTE}="" src="https://t.example/o.gif">' in clean
    assert '<img src="cid:logo@x">' in clean
    assert '<img src="data:image/png;base64,iVBORw0KGgo=">' in clean


def test_links_open_safely() -> None:
    clean = sanitize_html('<a href="https://example.com/help">help</a>')

    assert clean == (
        '<a href="https://example.com/help" target="_blank" rel="noopener noreferrer">help</a>'
    )


def test_blocks_lines_and_lists_become_lines() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<div>Hi team,</div><div><br></div><div>The export is <b>broken</b>.</div>"
        "<ul><li>step one</li><li>step two</li></ul><p>Thanks&nbsp;a lot</p>"
        "<table><tr><td>Total</td><td>10 &euro;</td></tr></table></body></html>"
    )

    text = html_to_text(html)

    assert text.visible == (
        "Hi team,\n\nThe export is broken.\n\n- step one\n- step two\n\nThanks a lot\n\n"
        "Total 10 \u20ac"
    )
    assert text.quoted == ""


def test_blank_lines_written_as_nbsp_paragraphs() -> None:
    text = html_to_text("<div>One</div><div>&nbsp;</div><div>Two</div>")

    assert text.visible == "One\n\nTwo"


def test_preformatted_text_keeps_its_lines() -> None:
    text = html_to_text("<pre>line 1\n  indented\nline 3</pre>")

    assert text.visible == "line 1\n  indented\nline 3"


def test_blockquotes_become_prefixed_lines() -> None:
    text = html_to_text("<div>Yes.</div><blockquote>Is it fixed?<br>Anna</blockquote>")

    assert text.visible == "Yes.\n> Is it fixed?\n> Anna"


@pytest.mark.parametrize(
    "marker",
    [
        '<div class="gmail_quote">',
        '<div class="gmail_quote gmail_quote_container">',
        '<div id="divRplyFwdMsg" dir="ltr">',
        '<div id="appendonsend"></div><div>',
        '<blockquote type="cite">',
        '<div class="moz-cite-prefix">',
    ],
)
def test_client_quote_markers_split_the_text(marker: str) -> None:
    html = f"<div>Fixed, thanks.</div>{marker}Earlier message</div>"

    text = html_to_text(html)

    assert (text.visible, text.quoted.lstrip("> ")) == ("Fixed, thanks.", "Earlier message")
    assert text.text == f"Fixed, thanks.\n\n{text.quoted}"


@pytest.mark.parametrize(
    "html",
    [
        "<div><p>unclosed <b>tags <i>everywhere",
        "<head><title>no end of head<body>Body text",
        "<<<>>><!-- unterminated comment",
        "<a href='x' <b>broken attr</b>",
        "<![CDATA[ odd ]]><?php echo 1 ?><!DOCTYPE html>text",
        "&#xD800; &#99999999; &bogus; &amp",
        "<div>" * 5000 + "deep" + "</div>" * 5000,
    ],
)
def test_malformed_html_never_raises(html: str) -> None:
    text = html_to_text(html)

    assert isinstance(text.text, str)
    assert isinstance(sanitize_html(html), str)


def test_a_head_without_its_end_tag_does_not_hide_the_body() -> None:
    assert html_to_text("<head><title>x</title><body>Body text").visible == "Body text"


@pytest.mark.parametrize(
    ("html", "new"),
    [
        (
            '<div dir="ltr">Thanks!<br>\nSee you</div>\n<div class="gmail_quote">'
            "<div>On Mon, Anna wrote:</div><blockquote>old</blockquote></div>",
            '<div dir="ltr">Thanks!<br>\nSee you</div>\n',
        ),
        (
            '<p>Fine.</p><div id="divRplyFwdMsg"><b>From:</b> Anna</div><div>old text</div>',
            "<p>Fine.</p>",
        ),
        ('<p>Yes.</p>\n\n<blockquote type="cite">old</blockquote>', "<p>Yes.</p>\n\n"),
    ],
)
def test_new_part_is_the_html_before_the_quote_marker(html: str, new: str) -> None:
    assert new_part(html) == new


@pytest.mark.parametrize(
    "html",
    [
        "<p>No history here.</p>",
        '<div class="gmail_quote">only history</div>',
        '<p>&nbsp;</p><blockquote type="cite">only history</blockquote>',
    ],
)
def test_new_part_is_none_without_a_marker_or_without_a_new_part(html: str) -> None:
    assert new_part(html) is None
