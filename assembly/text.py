"""Markdown rendering, sanitised with nh3 after rendering (called once, at write time), and
the cleaning of text people type."""

import markdown as md
import nh3
from django.utils.translation import gettext as _

from .errors import ActionError

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source):
    """Render Markdown to HTML that is safe to show: no scripts, frames, handlers or odd URLs."""
    if not source:
        return ""
    html = md.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


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
