"""A group's page, its live fragment, the board and the assembly home page run the same
number of queries whether there are 5 posts or 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Post, Signup
from tests.conftest import client_for, join, make_user
from tests.groups.conftest import soon

PAGES = [
    ("lead", "/a/eastside/groups/rapid-response/"),
    ("member", "/a/eastside/groups/rapid-response/"),
    ("steward", "/a/eastside/groups/rapid-response/stream/"),
    ("member", "/a/eastside/board/"),
    ("member", "/a/eastside/board/items/"),
    ("member", "/a/eastside/"),
    ("member", "/a/eastside/groups/"),
]
# The home page also carries the other apps' sections (rapid response, trainings).
BUDGET = {"/a/eastside/": 18}


def add_posts(crew, count, signers):
    kinds = ["update", "report", "need"]
    posts = []
    for i in range(count):
        kind = kinds[i % 3]
        need = kind == "need"
        posts.append(
            Post(
                assembly=crew.assembly, group=crew.group, author=crew.lead, kind=kind,
                title=f"Post {i}", body=f"Text {i}", body_html=f"<p>Text {i}</p>",
                asks="Decide" if kind == "report" else "",
                asks_html="<p>Decide</p>" if kind == "report" else "",
                starts_at=soon() if need else None, place="Gate" if need else "",
                wanted=len(signers) + 1 if need else None,
                signups_count=len(signers) if need else 0,
            )
        )  # fmt: skip
    created = Post.objects.bulk_create(posts)
    Signup.objects.bulk_create(
        Signup(post=post, member=member)
        for post in created
        if post.kind == "need"
        for member in signers
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who,url", PAGES)
def test_query_count_does_not_grow_with_posts(crew, who, url):
    signers = [crew.member2, crew.gmember] + [
        join(make_user(f"s{i}@example.org"), crew.assembly, f"Signer {i}") for i in range(3)
    ]
    client = client_for(crew, who)
    add_posts(crew, 5, signers)
    client.get(url)  # warm the session and the template cache
    few = count_queries(client, url)
    add_posts(crew, 495, signers)
    many = count_queries(client, url)
    assert many == few, (few, many)
    assert few <= BUDGET.get(url, 14)


def test_django_assert_num_queries_on_the_group_page(crew, django_assert_num_queries):
    signers = [crew.member2, crew.gmember]
    add_posts(crew, 5, signers)
    client = client_for(crew, "lead")
    client.get("/a/eastside/groups/rapid-response/")
    expected = count_queries(client, "/a/eastside/groups/rapid-response/")
    add_posts(crew, 495, signers)
    with django_assert_num_queries(expected):
        client.get("/a/eastside/groups/rapid-response/")
