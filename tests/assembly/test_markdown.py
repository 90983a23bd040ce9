"""Markdown is rendered, then sanitised with nh3: nothing that can run survives."""

import pytest

from assembly.text import render_markdown

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '<div onmouseover="alert(1)">hover</div>',
    "<scr<script>ipt>alert(1)</script>",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=p></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "![x](https://tracker.example/pixel.png)",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "[x](vbscript:msgbox(1))",
]

FORBIDDEN = [
    "<script", "onerror", "onload", "onclick", "onmouseover", "javascript:", "vbscript:",
    "data:", "<iframe", "<svg", "<object", "<embed", "<form", "<img", "<style", "style=",
    "<base", "<meta", "<link", "<math",
]  # fmt: skip


@pytest.mark.parametrize("source", VECTORS)
def test_vectors_render_harmless(source):
    html = render_markdown(source).lower()
    for bad in FORBIDDEN:
        assert bad not in html, (source, html)


def test_links_get_rel_nofollow_noopener():
    html = render_markdown("[our site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_ordinary_markdown_survives():
    html = render_markdown("# Hola\n\n**bold** and *ñandú*\n\n- one\n- two\n\n> quote")
    for tag in ["<h1>", "<strong>", "<em>", "<li>", "<blockquote>"]:
        assert tag in html
    assert "ñandú" in html


def test_empty():
    assert render_markdown("") == ""
