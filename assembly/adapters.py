from allauth.account.adapter import DefaultAccountAdapter

from . import actions

INVITATION_SESSION_KEY = "asamblea_invitation"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to someone holding a valid invitation link."""

    def is_open_for_signup(self, request):
        token = request.session.get(INVITATION_SESSION_KEY)
        return bool(token) and actions.find_invitation(token) is not None
