"""Template tags every app's templates use."""

from django import template
from django.utils.html import format_html

from assembly import idempotency

register = template.Library()


@register.simple_tag
def idempotency_field():
    """A hidden field with a fresh idempotency key: put it in every form that creates
    something, so that a second press or a retry creates it once (assembly/idempotency.py)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.new_key()
    )


@register.simple_tag(takes_context=True)
def signup_open(context):
    """Whether this browser may make an account now (it holds a valid invitation link)."""
    from allauth.account.adapter import get_adapter

    request = context.get("request")
    return request is not None and get_adapter(request).is_open_for_signup(request)


@register.filter
def reword(text):
    """Stored text the server wrote, said in the reader's language (assembly/text.py)."""
    from assembly.text import reword as _reword

    return _reword(text)


@register.filter
def when(value):
    """A day and time, short, in the reader's language and the assembly's time zone:
    "30 Nov, 18:00", "30 nov, 18:00"."""
    from django.template.defaultfilters import date
    from django.utils.translation import pgettext

    return date(value, pgettext("date format: day, month, time", "j M, H:i"))


@register.filter
def when_day(value):
    """The same with the weekday: "Mon 30 Nov, 18:00", "lun 30 nov, 18:00"."""
    from django.template.defaultfilters import date
    from django.utils.translation import pgettext

    return date(value, pgettext("date format: weekday, day, month, time", "D j M, H:i"))
