"""How pages show a name that stands for someone: isolated with <bdi>, so a name written
right to left (or one that tries to) cannot reorder the text around it, and a former
member (an account deleted) as "former member". Built in to every template
(config/settings.py), so templates need no {% load %}."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


def _name(person):
    if person is None or person == "":
        return ""
    if hasattr(person, "user_id") and person.user_id is None:
        return gettext("former member")
    return person.display_name if hasattr(person, "display_name") else str(person)


@register.filter
def who(person):
    """A membership (or join request) as its display name in <bdi>."""
    name = _name(person)
    return format_html("<bdi>{}</bdi>", name) if name else ""


@register.filter
def who_text(person):
    """The same, for plain text (Markdown exports, email)."""
    return _name(person)


@register.filter
def bdi(text):
    """Any other name shown as an identity (a working group, an assembly) in <bdi>."""
    return format_html("<bdi>{}</bdi>", text) if text not in (None, "") else ""
