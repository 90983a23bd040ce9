"""What leads and members write (post text, report-back asks, a group's mandate) is
Markdown rendered and sanitised with nh3 once, at write time: nothing that can run
survives, in the stored HTML or on the page."""

import re
from html.parser import HTMLParser

import pytest

from groups import actions
from tests.conftest import client_for
from tests.groups.conftest import soon

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<svg><script href="data:,alert(1)"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="&#x01;javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '<div onmouseover="alert(1)">hover</div>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<body onload="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=p><button formaction="javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<textarea><script>alert(1)</script></textarea>",
    "![x](https://tracker.example/pixel.png)",
    '![x](x" onerror="alert(1))',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<style>body{background:url(https://evil.example)}</style>",
    "[x](vbscript:msgbox(1))",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    '**<a href="javascript:alert(1)">bold trick</a>**',
    "> <img src=x onerror=alert(1)>",
]

SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
    # the page's own markup around posts
    "article", "header", "span", "div", "time", "meter", "form", "input", "button",
    "section", "details", "summary", "main", "label", "small", "nav", "bdi",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def _runs(url):
    """Whether a browser would read `url` with a scheme other than http(s) or mailto
    (browsers drop tabs and newlines anywhere in a URL, and spaces around it)."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    match = SCHEME.match(cleaned)
    return bool(match) and match.group(1).lower() not in SAFE_SCHEMES


class _Inspector(HTMLParser):
    """Collects what could run: unexpected tags, event handlers, styles, odd URLs."""

    def __init__(self, user_tags_only):
        super().__init__(convert_charrefs=True)
        self.user_tags_only = user_tags_only
        self.problems = []

    def handle_starttag(self, tag, attrs):
        allowed = SAFE_TAGS if not self.user_tags_only else ALLOWED_USER_TAGS
        if tag not in allowed:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction", "src"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "action") and value is not None and _runs(value):
                self.problems.append(f"{tag}[{name}={value}]")


ALLOWED_USER_TAGS = SAFE_TAGS - {"form", "input", "button", "meter", "time", "article",
                                 "header", "span", "div", "section", "details", "summary",
                                 "main", "label", "small", "nav", "bdi"}  # fmt: skip


def harmless(html, *, stored=True):
    """The problems found in `html` (an empty list when it is harmless)."""
    inspector = _Inspector(user_tags_only=stored)
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def article(page, pk):
    match = re.search(rf'<article id="post-{pk}".*?</article>', page, re.S)
    assert match, "post not on the page"
    return match.group(0)


@pytest.mark.parametrize("vector", VECTORS)
def test_a_post_renders_harmless(crew, vector):
    post = actions.create_post(
        crew.lead, crew.group, kind="report", title="Report", body=vector, asks=vector
    )
    assert harmless(post.body_html) == [], post.body_html
    assert harmless(post.asks_html) == [], post.asks_html
    page = client_for(crew, "member").get("/a/eastside/groups/rapid-response/").content.decode()
    assert harmless(article(page, post.pk), stored=False) == []
    board = client_for(crew, "member").get("/a/eastside/board/").content.decode()
    assert harmless(article(board, post.pk), stored=False) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_an_edited_post_and_its_history_render_harmless(crew, vector):
    post = actions.create_post(crew.lead, crew.group, kind="update", title="T", body="fine")
    actions.edit_post(crew.lead, post, title=vector[:140], body=vector)
    actions.edit_post(crew.lead, post, title="T", body="fine again")
    page = client_for(crew, "steward").get(
        f"/a/eastside/groups/rapid-response/p/{post.pk}/history/"
    )
    main = page.content.decode().split('<main id="main">')[1]
    assert harmless(main.split("</main>")[0], stored=False) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_a_mandate_renders_harmless(crew, vector):
    actions.update_group(
        crew.lead, crew.group, name="Rapid Response", kind="rapid_response", mandate=vector,
        join_policy="open", members_may_post=False,
    )  # fmt: skip
    crew.group.refresh_from_db()
    assert harmless(crew.group.mandate_html) == []
    page = client_for(crew, "member").get("/a/eastside/groups/rapid-response/").content.decode()
    mandate = page.split('id="mandate-h"')[1].split("</section>")[0]
    assert harmless(mandate.split(">", 1)[1], stored=False) == []


def test_plain_text_fields_are_escaped(crew):
    post = actions.create_post(
        crew.lead, crew.group, kind="need", title="<b onmouseover=alert(1)>Watch</b>",
        body="", starts_at=soon(),
        place="<script>alert(1)</script>", wanted=2,
    )  # fmt: skip
    page = client_for(crew, "member").get("/a/eastside/groups/rapid-response/").content.decode()
    html = article(page, post.pk)
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "<b onmouseover" not in html


def test_links_get_nofollow_noopener(crew):
    post = actions.create_post(
        crew.lead, crew.group, kind="update", title="Link", body="[form](https://example.org/f)"
    )
    assert 'href="https://example.org/f"' in post.body_html
    assert "nofollow" in post.body_html and "noopener" in post.body_html
