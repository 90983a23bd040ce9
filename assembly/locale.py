"""Which language and time zone a request speaks in.

Language, first that applies: the signed-in person's own choice (their account), the
choice they made while signed out (the language cookie), their browser's language
(Accept-Language), then, on the pages of an assembly, that assembly's default, and last
settings.LANGUAGE_CODE. Time zone: the assembly's, on its pages; settings.TIME_ZONE
elsewhere.

The assembly is known only once the view has checked the person may see it
(`assembly.queries.access_assembly`, the invitation pages), so that is where `enter`
is called: a page of an assembly the person may not see is answered exactly as one that
does not exist, in the same language and time zone. `LocaleMiddleware` below sets the
request's part up and tears the time zone down after the response.
"""

import zoneinfo
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import trans_real

# None outside a request (actions called from a command or a test change nothing);
# inside one, whether the person has said nothing about their language.
_no_language_of_their_own = ContextVar("no_language_of_their_own", default=None)


@lru_cache(maxsize=1)
def time_zone_names():
    """Every IANA time zone name this Python knows, sorted (for the stewards' form)."""
    return sorted(zoneinfo.available_timezones())


def is_time_zone(name):
    return bool(name) and name in set(time_zone_names())


def default_time_zone():
    return settings.TIME_ZONE


def validate_time_zone(name):
    if not is_time_zone(name):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext

        raise ValidationError(gettext("Choose a time zone from the list."))


def personal_language(request):
    """The language the person asked for, by account, cookie or browser; None if none of
    these names a language the site has."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        return user.language
    supported = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in supported:
        return chosen
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def enter(assembly, *, language=True):
    """On a page of `assembly` (the person may see it): speak its time zone, and its
    default language if the person has not said which language they read (and
    `language`: a public page of a training shows its times, not its assembly's ways)."""
    fallback = _no_language_of_their_own.get()
    if fallback is None:
        return
    timezone.activate(zone_of(assembly))
    if language and fallback and assembly.language in dict(settings.LANGUAGES):
        translation.activate(assembly.language)


def zone_of(assembly):
    try:
        return zoneinfo.ZoneInfo(assembly.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class LocaleMiddleware:
    """After Django's LocaleMiddleware and authentication: the person's own language
    (account, cookie, browser) is activated; without one, the page keeps the site default
    until `enter` finds the assembly's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = personal_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        token = _no_language_of_their_own.set(language is None)
        try:
            return self.get_response(request)
        finally:
            _no_language_of_their_own.reset(token)
            timezone.deactivate()

    def process_exception(self, request, exception):
        from .errors import LoginRequired

        if isinstance(exception, LoginRequired):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return None
