"""Every decisions view for the whole cast, and the plain-HTML forms end to end."""

import pytest

from decisions import actions
from decisions.models import Participation, Proposal
from tests.conftest import ROLES, client_for
from tests.decisions.conftest import open_vote, vote

MEMBERS_UP = {"member": 200, "facilitator": 200, "steward": 200}
FACILITATORS_UP = {"member": 403, "facilitator": 200, "steward": 200}


def urls(proposal, poll, comment):
    base = "/a/eastside"
    return {
        f"{base}/proposals/": MEMBERS_UP,
        f"{base}/proposals/new/": MEMBERS_UP,
        f"{base}/proposals/{proposal.pk}/": MEMBERS_UP,
        f"{base}/proposals/{proposal.pk}/?part=main": MEMBERS_UP,
        f"{base}/proposals/{proposal.pk}/?part=comment&id={comment.pk}": MEMBERS_UP,
        f"{base}/proposals/{proposal.pk}/versions/": MEMBERS_UP,
        f"{base}/proposals/{proposal.pk}/amend/": MEMBERS_UP,
        f"{base}/polls/": MEMBERS_UP,
        f"{base}/polls/new/": FACILITATORS_UP,
        f"{base}/polls/{poll.pk}/": MEMBERS_UP,
        f"{base}/polls/{poll.pk}/receipt/?code=abc": MEMBERS_UP,
    }


@pytest.mark.parametrize("who", ROLES)
def test_get_matrix(cast, proposal, who):
    poll = open_vote(cast, question="Standalone?")
    comment = actions.post_comment(cast.member2, proposal=proposal, body="Yes!")
    client = client_for(cast, who)
    for url, table in urls(proposal, poll, comment).items():
        # Signed out: the login page first (issue 12); signed in outside: 404.
        outside = 302 if who == "anonymous" else 404
        assert client.get(url).status_code == table.get(who, outside), url


@pytest.mark.parametrize("who", ROLES)
def test_other_assemblies_objects_are_not_found(cast, proposal, who):
    # Lincoln's members ask for an Eastside proposal through Lincoln's URL.
    response = client_for(cast, who).get(f"/a/lincoln/proposals/{proposal.pk}/")
    assert response.status_code == (302 if who == "anonymous" else 404)


POSTS = [
    ("second", lambda p, poll, c: (f"/a/eastside/proposals/{p.pk}/act/", {"operation": "second"})),
    ("comment", lambda p, poll, c: (f"/a/eastside/proposals/{p.pk}/comments/", {"body": "hi"})),
    ("hide", lambda p, poll, c: (f"/a/eastside/proposals/{p.pk}/comments/{c.pk}/hide/",
                                 {"reason": "off topic"})),
    ("vote", lambda p, poll, c: (f"/a/eastside/polls/{poll.pk}/",
                                 {"choice": "yes", "idempotency_key": "k" * 16})),
    ("counts", lambda p, poll, c: (f"/a/eastside/polls/{poll.pk}/counts/", {"count-yes": "3"})),
    ("close", lambda p, poll, c: (f"/a/eastside/polls/{poll.pk}/close/", {"confirmed": "1"})),
    ("table", lambda p, poll, c: (f"/a/eastside/proposals/{p.pk}/act/", {"operation": "table"})),
]  # fmt: skip

ALLOWED = {
    "second": {"member2", "facilitator", "steward"},
    "comment": {"member", "facilitator", "steward"},
    "hide": {"facilitator", "steward"},
    "vote": {"member", "facilitator", "steward"},
    "counts": {"facilitator", "steward"},
    "close": {"facilitator", "steward"},
    "table": {"facilitator", "steward"},
}


def effect(name, proposal, poll, comment, who):
    proposal.refresh_from_db()
    poll.refresh_from_db()
    comment.refresh_from_db()
    return {
        "second": proposal.seconds.exists(),
        "comment": proposal.comments.count() > 1,
        "hide": comment.hidden_at is not None,
        "vote": Participation.objects.filter(poll=poll).exists(),
        "counts": poll.entered_counts.exists(),
        "close": poll.state == "closed",
        "table": proposal.state == "tabled",
    }[name]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", [n for n, _ in POSTS])
def test_post_matrix(cast, proposal, who, name):
    poll = open_vote(cast, question="Standalone?")
    comment = actions.post_comment(cast.member2, proposal=proposal, body="First")
    url, data = dict(POSTS)[name](proposal, poll, comment)
    response = client_for(cast, who).post(url, data)
    member_up = who in ("member", "facilitator", "steward")
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    elif not member_up:
        assert response.status_code == 404
    elif name in ("hide", "counts", "close", "table") and who == "member":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
    assert effect(name, proposal, poll, comment, who) == (who in ALLOWED[name])


def test_voting_with_plain_forms_for_every_method(cast):
    client = client_for(cast, "member")
    forms = {
        "majority": ([], {"choice": "no"}),
        "consensus": ([], {"choice": "stand_aside"}),
        "temperature": ([], {"choice": "4"}),
        "single": (["A", "B"], {"choice": "o2"}),
        "approval": (["A", "B", "C"], {"choice": ["o1", "o3"]}),
        "irv": (["A", "B", "C"], {"rank-o3": "1", "rank-o1": "2"}),
        "stv": (["A", "B", "C", "D"], {"rank-o2": "1", "rank-o4": "2"}),
        "score": (["A", "B"], {"score-o1": "5", "score-o2": "0"}),
        "dots": (["A", "B"], {"dots-o1": "2", "dots-o2": "1"}),
    }
    expected = {
        "majority": "no", "consensus": "stand_aside", "temperature": 4, "single": "o2",
        "approval": ["o1", "o3"], "irv": ["o3", "o1"], "stv": ["o2", "o4"],
        "score": {"o1": 5, "o2": 0}, "dots": {"o1": 2, "o2": 1},
    }  # fmt: skip
    for method, (options, data) in forms.items():
        extra = {"dots": 3} if method == "dots" else {}
        extra.update({"seats": 2} if method == "stv" else {})
        poll = open_vote(cast, method=method, options=options, question=method, **extra)
        page = client.get(f"/a/eastside/polls/{poll.pk}/")
        assert page.status_code == 200
        assert 'name="idempotency_key"' in page.content.decode(), method
        response = client.post(
            f"/a/eastside/polls/{poll.pk}/", {**data, "idempotency_key": f"key-{method}-123"}
        )
        assert response.status_code == 302, (method, response.content[:300])
        assert poll.ballots.get().choice == expected[method], method
        actions.close_poll(cast.facilitator, poll=poll)
        closed = client.get(f"/a/eastside/polls/{poll.pk}/")
        assert closed.status_code == 200, method


@pytest.mark.parametrize(
    "data,message",
    [
        ({}, "Choose an answer"),
        ({"choice": "perhaps"}, "not valid"),
    ],
)
def test_a_bad_ballot_form_gets_a_clear_message(cast, data, message):
    poll = open_vote(cast, question="Q?")
    response = client_for(cast, "member").post(
        f"/a/eastside/polls/{poll.pk}/", {**data, "idempotency_key": "abcdefghijk"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not poll.ballots.exists()


def test_ranked_form_refuses_duplicate_ranks(cast):
    poll = open_vote(cast, method="irv", options=["A", "B"], question="Q?")
    response = client_for(cast, "member").post(
        f"/a/eastside/polls/{poll.pk}/",
        {"rank-o1": "1", "rank-o2": "1", "idempotency_key": "abcdefghijk"},
    )
    assert response.status_code == 400
    assert "different rank" in response.content.decode()


def test_a_receipt_finds_the_ballot_after_close(cast):
    poll = open_vote(cast, question="Q?", secret=True, receipts=True)
    client = client_for(cast, "member")
    page = client.post(
        f"/a/eastside/polls/{poll.pk}/", {"choice": "yes", "idempotency_key": "abcdefghijk"}
    )
    code = page.context["receipt"]
    assert code in page.content.decode()
    assert client.get(f"/a/eastside/polls/{poll.pk}/receipt/?code={code}").context["ballot"] is None
    actions.close_poll(cast.facilitator, poll=poll)
    found = client.get(f"/a/eastside/polls/{poll.pk}/receipt/?code={code}").context["ballot"]
    assert found == poll.ballots.get()


def test_proposal_pages_and_forms(cast):
    client = client_for(cast, "member")
    response = client.post(
        "/a/eastside/proposals/new/", {"title": "Rapid response line", "body": "Let us *start* it."}
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == f"/a/eastside/proposals/{proposal.pk}/"
    client.post(f"/a/eastside/proposals/{proposal.pk}/act/", {"operation": "open"})
    client_for(cast, "member2").post(
        f"/a/eastside/proposals/{proposal.pk}/amend/", {"body": "Let us start it **today**."}
    )
    amendment = proposal.amendments.get()
    client.post(
        f"/a/eastside/proposals/{proposal.pk}/amendments/{amendment.pk}/", {"operation": "accept"}
    )
    page = client.get(f"/a/eastside/proposals/{proposal.pk}/versions/?a=1&b=2").content.decode()
    assert "<ins>" in page and "<del>" in page
    empty = client.post("/a/eastside/proposals/new/", {"title": "", "body": "text kept"})
    assert empty.status_code == 400 and "text kept" in empty.content.decode()


def test_comment_pages_run_a_fixed_number_of_queries(cast, proposal):
    client = client_for(cast, "member")
    url = f"/a/eastside/proposals/{proposal.pk}/"

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for i in range(5):
        top = actions.post_comment(cast.member2, proposal=proposal, body=f"c{i}")
        actions.post_comment(cast.member, proposal=proposal, body="r", parent=top)
    few = count_queries()
    for i in range(120):
        top = actions.post_comment(cast.member2, proposal=proposal, body=f"more {i}")
        actions.post_comment(cast.member, proposal=proposal, body="r", parent=top)
    assert count_queries() == few
    page = client.get(url).content.decode()
    assert "Earlier comments" in page  # windowed: the rest is one link away


def test_home_page_shows_open_votes(cast, proposal):
    poll = open_vote(cast, proposal=proposal)
    page = client_for(cast, "member").get("/a/eastside/").content.decode()
    assert f"/a/eastside/polls/{poll.pk}/" in page
    vote(cast.member, poll, "yes")
