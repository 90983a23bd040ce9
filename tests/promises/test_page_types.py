"""The page-wide promises (tests/pages.py: the Content-Security-Policy header, 'self'
only; no inline code; nothing loaded from elsewhere; no one else's email address) on the
pages that are not in the permission table: allauth's account pages, the admin, and
every error page (400, 403 for a failed CSRF check, 404, 405, 500).

Checked: `@csp_exempt` on the 500 handler, and an inline `style=` in the 404 template,
each fail here.
"""

import pytest
from django.test import Client, override_settings

from tests.conftest import client_for
from tests.pages import page_problems

SIGNED_OUT = {
    "/accounts/login/": 200,
    "/accounts/login/code/": 200,
    "/accounts/signup/": 200,  # closed without an invitation: says so
    "/accounts/password/reset/": 200,
    "/accounts/confirm-email/not-a-key/": 200,  # "this link is not valid"
    "/admin/login/": 302,  # the admin's login goes through allauth
    "/no-such-page/": 404,
    "/i/not-a-valid-invitation-token/": 404,
}
SIGNED_IN = {
    "/accounts/email/": 200,
    "/accounts/password/change/": 200,
    "/accounts/2fa/": 200,
    "/accounts/logout/": 200,  # asks to confirm
    "/admin/": 302,  # not staff: to the login
    "/a/nowhere/": 404,
}


@pytest.mark.parametrize(("path", "status"), SIGNED_OUT.items())
def test_signed_out_pages(db, path, status):
    response = Client().get(path)
    assert response.status_code == status
    assert page_problems(response, None) == []


@pytest.mark.parametrize(("path", "status"), SIGNED_IN.items())
def test_signed_in_pages(cast, path, status):
    response = client_for(cast, "member").get(path)
    assert response.status_code == status
    assert page_problems(response, cast.member.user.email) == []


def test_the_admin_for_a_superuser(cast):
    cast.steward.user.is_staff = cast.steward.user.is_superuser = True
    cast.steward.user.save()
    for path in ("/admin/", "/admin/assembly/membership/", "/admin/groups/group/"):
        response = client_for(cast, "steward").get(path)
        assert response.status_code == 200
        # Superusers manage accounts by email here.
        assert page_problems(response, None, emails=False) == []


def test_a_bad_request(db):
    response = Client().get("/", HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    assert page_problems(response, None) == []


def test_a_failed_csrf_check(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member.user)
    response = client.post("/language/", {"language": "es"})
    assert response.status_code == 403
    assert page_problems(response, cast.member.user.email) == []


def test_a_method_not_allowed(db):
    response = Client().post("/privacy/")
    assert response.status_code == 405
    assert page_problems(response, None) == []


@override_settings(ROOT_URLCONF="tests.promises.failing_urls")
def test_the_server_error_page(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.member.user)
    response = client.get("/fails/")
    assert response.status_code == 500
    assert page_problems(response, cast.member.user.email) == []
