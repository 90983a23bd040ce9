from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from . import actions

# The invitation a signed-out visitor opened, kept in their browser (a signed cookie)
# until they have an account: never in the session row, because the database keeps
# invitation tokens only as digests (a copy of it must not let anyone join).
INVITATION_COOKIE = "asamblea_invitation"
_SALT = "asamblea.invitation"


def remember_invitation(response, token):
    response.set_signed_cookie(
        INVITATION_COOKIE, token, salt=_SALT, max_age=settings.SESSION_COOKIE_AGE,
        httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip


def remembered_invitation(request):
    return request.get_signed_cookie(
        INVITATION_COOKIE, default=None, salt=_SALT, max_age=settings.SESSION_COOKIE_AGE
    )


def forget_invitation(response):
    response.delete_cookie(INVITATION_COOKIE, samesite="Lax")


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to someone holding a valid invitation link."""

    def is_open_for_signup(self, request):
        token = remembered_invitation(request)
        return bool(token) and actions.find_invitation(token) is not None
