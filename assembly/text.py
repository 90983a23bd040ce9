"""Markdown rendering, sanitised with nh3 after rendering (called once, at write time), and
the cleaning of text people type.

The parser is markdown-it-py (CommonMark): its inline parsing is linear in the length of
the text and its block nesting is capped, so no text a member can submit (at most 50,000
characters) takes long to render, whatever its shape: nested brackets, runs of emphasis,
link references, list markers nested thousands deep, HTML-looking text (the inputs are in
tests/assembly/markdown_inputs.py; bench/bench_markdown.py times them). Python-Markdown,
used before, rescans the rest of the text at every "[" and recursed once per nested list.
"""

import nh3
from django.utils.html import escape
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from .errors import ActionError

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


MAX_NESTING = 40


def _parser():
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    # Images are never shown (nh3 drops <img>): "![text](url)" stays a plain link.
    md.disable("image")
    # Every link is kept for nh3 to judge, so an unsafe one loses its address rather
    # than showing its source text.
    md.validateLink = lambda url: True
    return md


_MD = _parser()


def render_markdown(source):
    """Render Markdown to HTML that is safe to show: no scripts, frames, handlers or odd URLs."""
    if not source:
        return ""
    tokens = _MD.parse(source)
    if any(token.level >= MAX_NESTING - 1 for token in tokens):
        # Nested deeper than the parser goes (it would drop what lies below): keep every
        # word, as plain paragraphs.
        return _plain(source)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    ).strip()


def _plain(source):
    paragraphs = [part.strip() for part in source.split("\n\n") if part.strip()]
    return "\n".join(f"<p>{escape(part)}</p>" for part in paragraphs)


# Direction overrides and other invisible controls let a name or a place pose as another.
_INVISIBLE = dict.fromkeys(
    [*range(0x00, 0x20), 0x7F, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def clean_line(value, *, field, maximum, required=True):
    """One line of text a person typed: whitespace collapsed, invisible controls removed.

    `field` names it in messages ("The place"). Raises ActionError."""
    return _checked(
        " ".join(_raw(value).replace("\t", " ").translate(_INVISIBLE).split()),
        field=field,
        maximum=maximum,
        required=required,
    )


def clean_text(value, *, field, maximum, required=True):
    """Several lines of text a person typed, trimmed. Raises ActionError."""
    return _checked(_raw(value).strip(), field=field, maximum=maximum, required=required)


def _raw(value):
    raw = str(value or "")
    if "\x00" in raw:
        raise ActionError(_("The text contains characters that cannot be stored."))
    return raw


def _checked(text, *, field, maximum, required):
    if required and not text:
        raise ActionError(_("%(field)s cannot be empty.") % {"field": field})
    if len(text) > maximum:
        raise ActionError(
            _("%(field)s can be at most %(max)d characters.") % {"field": field, "max": maximum}
        )
    return text


# -- words the server wrote into stored text -----------------------------------------------
# Some text is written once and kept (a decision's "by vote" is part of the hash-chained
# log; an agenda item "Report-back: Mutual Aid" was titled when it was added), in the
# language of whoever caused it. Shown, it is said again in the reader's language: each
# app registers the phrases it writes (their English msgids, and patterns with the
# variable parts), and `reword` recognises them; anything else is shown as written.
PHRASES = set()
PATTERNS = []  # (compiled regex, fn(match) -> str in the active language)


def reword(text):
    if not text:
        return text
    from django.utils.translation import gettext

    if text in PHRASES:
        return gettext(text)
    for pattern, say in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return say(match)
    return text
