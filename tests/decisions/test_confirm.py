"""Closing a vote and withdrawing a proposal ask first, without JavaScript too: the
first post shows what will happen and changes nothing; the confirmed post acts. And the
form that opens a vote asks for the method first (issue 12)."""

import re

from decisions.models import Poll, Proposal
from tests.conftest import client_for
from tests.decisions.conftest import open_vote


def test_closing_a_vote_asks_first(cast):
    poll = open_vote(cast, question="Join the coalition?")
    client = client_for(cast, "facilitator")
    asked = client.post(f"/a/eastside/polls/{poll.pk}/close/")
    page = asked.content.decode()
    assert asked.status_code == 200 and "Close the vote and count?" in page
    assert "Join the coalition?" in page and 'name="confirmed" value="1"' in page
    assert Poll.objects.get(pk=poll.pk).state == "open"
    client.post(f"/a/eastside/polls/{poll.pk}/close/", {"confirmed": "1"})
    assert Poll.objects.get(pk=poll.pk).state == "closed"


def test_withdrawing_a_proposal_asks_first(cast, proposal):
    client = client_for(cast, "member")
    act = f"/a/eastside/proposals/{proposal.pk}/act/"
    asked = client.post(act, {"operation": "withdraw"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "Withdraw “Sanctuary pledge for Lincoln High”?" in page
    assert '<input type="hidden" name="operation" value="withdraw">' in page
    assert Proposal.objects.get(pk=proposal.pk).state == "discussion"
    client.post(act, {"operation": "withdraw", "confirmed": "1"})
    assert Proposal.objects.get(pk=proposal.pk).state == "withdrawn"


def test_someone_else_cannot_withdraw_even_through_the_step(cast, proposal):
    response = client_for(cast, "member2").post(
        f"/a/eastside/proposals/{proposal.pk}/act/", {"operation": "withdraw"}
    )
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).state == "discussion"


def test_the_poll_form_asks_for_the_method_first(cast):
    client = client_for(cast, "facilitator")
    page = client.get("/a/eastside/polls/new/?method=consensus").content.decode()
    assert '<input type="hidden" name="method" value="consensus" data-method-value>' in page
    blocks = page[page.rindex('<div class="field', 0, page.index('id="id_max_blocks"')) :]
    assert blocks.startswith('<div class="field" data-methods="consensus">')
    threshold = page[page.rindex('<div class="field', 0, page.index('id="id_threshold"')) :]
    assert threshold.startswith('<div class="field" data-methods="majority" hidden>')
    response = client.post("/a/eastside/polls/new/", {
        "question": "Paint the office?", "method": "consensus", "max_blocks": "1",
        "threshold": "", "seats": "", "score_max": "", "results_visibility": "live",
        "idempotency_key": "k" * 16,
    })  # fmt: skip
    assert response.status_code == 302
    poll = Poll.objects.get(question="Paint the office?")
    assert poll.method == "consensus" and poll.max_blocks == 1


def test_choosing_the_method_without_javascript_keeps_what_was_typed(cast):
    """ "Choose" is a button of the vote form (not a GET form of its own): what was typed
    before choosing comes back with the new method's fields, and no vote is opened."""
    client = client_for(cast, "facilitator")
    page = client.get("/a/eastside/polls/new/").content.decode()
    assert 'name="choose_method" form="poll-form"' in page
    assert 'form="poll-form" name="step" value="method" formnovalidate' in page
    response = client.post("/a/eastside/polls/new/", {
        "question": "Which evening for the phone tree?", "method": "majority",
        "choose_method": "irv", "step": "method", "options": "Monday\r\nFriday",
        "threshold": "two_thirds", "secret": "on", "results_visibility": "after_close",
        "idempotency_key": "k" * 16,
    })  # fmt: skip
    assert response.status_code == 200
    assert not Poll.objects.exists()
    page = response.content.decode()
    assert '<input type="hidden" name="method" value="irv" data-method-value>' in page
    assert 'value="Which evening for the phone tree?"' in page
    assert ">\nMonday\r\nFriday</textarea>" in page
    assert re.search(r'<input type="checkbox" name="secret"[^>]*checked', page)
    assert re.search(r'<option value="after_close" selected>', page)
    assert re.search(r'<input type="checkbox" name="allow_change"(?![^>]*checked)', page)
    options = page[page.rindex('<div class="field', 0, page.index('id="id_options"')) :]
    assert options.startswith('<div class="field" data-methods="')
    assert not options.split(">", 1)[0].endswith("hidden")
