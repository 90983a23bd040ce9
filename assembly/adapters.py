from allauth.account.adapter import DefaultAccountAdapter

from . import actions

# The session keeps the invitation's digest, never its token: a copy of the session table
# cannot be used to join.
INVITATION_SESSION_KEY = "asamblea_invitation_digest"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to someone holding a valid invitation link."""

    def is_open_for_signup(self, request):
        digest = request.session.get(INVITATION_SESSION_KEY)
        return bool(digest) and actions.find_invitation_by_digest(digest) is not None
