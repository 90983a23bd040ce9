from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from . import actions

# The session keeps the invitation's digest, never its token: a copy of the session table
# cannot be used to join.
INVITATION_SESSION_KEY = "asamblea_invitation_digest"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to someone holding a valid invitation link."""

    def is_open_for_signup(self, request):
        digest = request.session.get(INVITATION_SESSION_KEY)
        return bool(digest) and actions.find_invitation_by_digest(digest) is not None

    def send_mail(self, template_prefix, email, context):
        """Emails name the site by SITE_NAME and SITE_URL, not by the Host the request
        came in on ("127.0.0.1:8000")."""
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})
