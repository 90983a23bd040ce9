"""A Spanish-speaking member sees no English (issue 12): the pages a member walks through,
rendered in Spanish, hold none of a list of tell-tale English words in their visible
text (text between tags, and the labels screen readers read: aria-label, title,
placeholder, alt). What people wrote themselves (titles, bodies, names) is English in
this world and is taken out before looking.

Checked: on the code before issue 12 (the account page left out, it did not exist) this
fails on "Nov" (assembly home, group page), "accepted by the author" (versions), "1
votaron" (a vote with one ballot), "Report-back" (meeting), "by vote" (log, entry) and
"majority" (entry); the invitation steps on "Log in", "Change" and English sentences.
"""

import pytest
from django.test import Client

from assembly import actions as assembly_actions
from assembly.adapters import INVITATION_SESSION_KEY
from assembly.models import Invitation
from decisions import actions as decision_actions
from decisions.models import Decision
from meetings import actions as meeting_actions
from tests.conftest import make_user
from tests.permissions import world as world_module
from tests.spanish import english_in


@pytest.fixture
def world(cast):
    w = world_module.build(cast)
    # A proposal decided by vote (its answers and "by vote" are kept in the log), an
    # amendment its author accepted, a report-back on the agenda.
    decision_actions.decide_amendment(cast.member, amendment=w.amendment, accept=True)
    buddy = decision_actions.draft_proposal(
        cast.member, title="Buddy system", body="Nobody goes alone."
    )
    buddy = decision_actions.open_discussion(cast.member, proposal=buddy)
    w.decided_poll = decision_actions.open_poll(
        cast.facilitator, question="Buddy system", method="majority", proposal=buddy
    )
    voters = [cast.member, cast.member2, cast.facilitator, cast.steward, w.lead]
    for i, voter in enumerate(voters):
        decision_actions.cast_ballot(
            voter, poll=w.decided_poll, choice="abstain" if i == 4 else "yes",
            idempotency_key=f"spanish-{i}",
        )  # fmt: skip
    decision_actions.close_poll(cast.facilitator, poll=w.decided_poll)
    w.decided_poll.refresh_from_db()
    assert w.decided_poll.outcome == "passed", w.decided_poll.result
    w.by_vote = Decision.objects.get(assembly=cast.assembly, title="Buddy system")
    # One ballot: "1 votó", not "1 votaron".
    w.lonely_poll = decision_actions.open_poll(
        cast.facilitator, question="Rent strike?", method="majority"
    )
    decision_actions.cast_ballot(
        cast.member, poll=w.lonely_poll, choice="no", idempotency_key="spanish-lonely"
    )
    decision_actions.close_poll(cast.facilitator, poll=w.lonely_poll)
    meeting_actions.add_item(
        cast.facilitator, meeting=w.meeting, title="", kind="report", group=w.group
    )
    return w


def member_pages(w):
    a = "/a/eastside"
    return [
        f"{a}/",
        f"{a}/proposals/",
        f"{a}/proposals/{w.proposal.pk}/",
        f"{a}/proposals/{w.proposal.pk}/versions/",
        f"{a}/proposals/{w.decided_poll.proposal_id}/",
        f"{a}/polls/",
        f"{a}/polls/{w.poll.pk}/",
        f"{a}/polls/{w.decided_poll.pk}/",
        f"{a}/polls/{w.lonely_poll.pk}/",
        f"{a}/meetings/",
        f"{a}/meetings/{w.meeting.pk}/",
        f"{a}/groups/",
        f"{a}/groups/rapid-response/",
        f"{a}/decisions/",
        f"{a}/decisions/{w.by_vote.sequence}/",
        "/notifications/",
        "/me/",
    ]


def test_a_member_who_chose_spanish_sees_no_english(world):
    user = world.member.user
    user.language = "es"
    user.save(update_fields=["language"])
    client = Client()  # no Accept-Language: the person's own choice is what speaks
    client.force_login(user)
    found = {}
    for path in member_pages(world):
        response = client.get(path)
        assert response.status_code == 200, path
        english, _text = english_in(response.content.decode())
        if english:
            found[path] = english
    assert not found, f"English on Spanish pages: {found}"


def test_the_decision_entry_and_the_log_are_spanish(world):
    """The decision recorded from the vote: its answers and how it was reached."""
    entry = world.by_vote
    client = Client(headers={"accept-language": "es"})
    client.force_login(world.member2.user)
    for path in (f"/a/eastside/decisions/{entry.sequence}/", "/a/eastside/decisions/"):
        page = client.get(path).content.decode()
        english, text = english_in(page)
        assert not english, (path, english)
        assert "por votación" in text, path


def test_an_invitee_whose_browser_speaks_spanish_sees_spanish_steps(cast):
    """The assembly's default is English; the browser asks for Spanish: the invitation
    page, the display-name step and "Welcome to ..." are Spanish."""
    written = ["Eastside People's Assembly", "Asamblea"]
    _invitation, token = assembly_actions.create_invitation(cast.steward, max_uses=2)
    anonymous = Client(headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    page = anonymous.get(f"/i/{token}/")
    assert page.status_code == 200
    english, _text = english_in(page.content.decode(), written)
    assert not english, english

    newcomer = make_user("newcomer@example.org")
    client = Client(headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    client.force_login(newcomer)
    session = client.session
    session[INVITATION_SESSION_KEY] = Invitation.digest(token)
    session.save()
    step = client.get("/i/continue/")
    assert step.status_code == 200
    english, _text = english_in(step.content.decode(), written)
    assert not english, english
    joined = client.post("/i/continue/", {"display_name": "Nueva"}, follow=True)
    assert joined.status_code == 200
    english, text = english_in(joined.content.decode(), written)
    assert not english, english
    assert "Te damos la bienvenida" in text, text[:500]
