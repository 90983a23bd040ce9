"""Malformed input on every groups form: a clear answer, never a 500, nothing
half-written."""

import pytest

from assembly.models import AuditEntry
from groups.models import Group, GroupMembership, Post, PostRevision, Signup
from tests.conftest import client_for

GARBAGE = [
    {},
    {"name": "x" * 100_000, "title": "x" * 100_000, "body": "y" * 100_000},
    {"kind": "'; DROP TABLE groups_post; --", "title": "T", "body": "B"},
    {"kind": "need", "title": "T", "starts_at": "not a date", "place": "P", "wanted": "3"},
    {"kind": "need", "title": "T", "starts_at": "1999-01-01T07:30", "place": "P", "wanted": "3"},
    {"kind": "need", "title": "T", "starts_at": "2026-13-45T99:99", "place": "P", "wanted": "3"},
    {"kind": "need", "title": "T", "starts_at": "2099-01-01T07:30", "place": "P", "wanted": "3"},
    {"kind": "need", "title": "T", "place": "P", "wanted": "1e309"},
    {"kind": "need", "title": "T", "place": "P", "wanted": "-1"},
    {"kind": "update", "title": "\x00\x01", "body": "\x00"},
    {"name": "\u202e", "kind": "other", "join_policy": "open", "leads": ["99999999999999999999"]},
    {"name": " ", "kind": "other", "join_policy": "open", "leads": ["abc"]},
    {"operation": "explode", "target": "1"},
    {"operation": "remove", "target": "99999999999999999999999"},
    {"operation": "make_lead", "target": "-1"},
    {"operation": "sign_up", "muted": ["1", "0"]},
    {"next": "https://evil.example/", "operation": "withdraw"},
]

# (who, form, its answer to any of the garbage): the form again with the reason (400),
# back to the page with the reason as a message (302), no such need (404), or not in the
# group, so not theirs to mute or leave (403).
FORMS = [
    ("steward", "/a/eastside/groups/new/", 400),
    ("lead", "/a/eastside/groups/rapid-response/edit/", 400),
    ("lead", "/a/eastside/groups/rapid-response/post/", 400),
    ("lead", "/a/eastside/groups/rapid-response/members/", 400),
    ("lead", "/a/eastside/groups/rapid-response/p/{post}/edit/", 400),
    ("member", "/a/eastside/groups/rapid-response/p/{post}/signup/", 302),
    ("member", "/a/eastside/groups/rapid-response/p/999999/signup/", 404),
    ("member", "/a/eastside/groups/rapid-response/mute/", 403),
    ("member", "/a/eastside/groups/rapid-response/leave/", 403),
]


def snapshot():
    return (
        list(Group.objects.values()),
        list(GroupMembership.objects.values()),
        list(Post.objects.values()),
        PostRevision.objects.count(),
        Signup.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("who,url,status", FORMS)
def test_garbage_never_breaks_anything(crew, need, who, url, status):
    client = client_for(crew, who)
    for data in GARBAGE:
        if "signup" in url and data.get("operation") != "withdraw":  # a sign-up is valid input
            data = {**data, "operation": "explode"}
        before = snapshot()
        response = client.post(url.format(post=need.pk), data)
        assert response.status_code == status, data
        assert b"Traceback" not in response.content
        assert snapshot() == before, data
        if status == 302:
            assert response["Location"].startswith("/a/eastside/"), data


@pytest.mark.parametrize(
    "query",
    ["?group=nope&kind=cabal&show=rumours", "?group=%00&show=need", "?before=abc",
     "?before=99999999999999999999999", "?compact=yes"],
)  # fmt: skip
def test_odd_query_strings_are_ignored(crew, need, query):
    client = client_for(crew, "member")
    for url in ["/a/eastside/board/", "/a/eastside/board/items/",
                "/a/eastside/groups/rapid-response/"]:  # fmt: skip
        assert client.get(url + query).status_code == 200


def test_get_on_post_only_urls_is_a_clear_405(crew, need):
    client = client_for(crew, "member")
    for tail in [
        "join/",
        "leave/",
        "mute/",
        "post/",
        f"p/{need.pk}/signup/",
        f"p/{need.pk}/delete/",
    ]:
        assert client.get(f"/a/eastside/groups/rapid-response/{tail}").status_code == 405


def test_a_need_form_with_errors_keeps_what_was_typed(crew):
    response = client_for(crew, "lead").post(
        "/a/eastside/groups/rapid-response/post/",
        {"kind": "need", "title": "Drop-off watch", "place": "Gate", "wanted": "3"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say when people are needed." in body
    assert 'value="Drop-off watch"' in body
