"""Call-outs: who sends them, who is summoned, one answer per person, the count, the
end, and answers deleted after the assembly's retention period by the existing timer."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from assembly.errors import ActionError, NotAllowed
from assembly.models import AuditEntry, Notification
from groups import actions as group_actions
from response import actions
from response.models import Callout, CalloutAnswer
from tests.conftest import client_for, join, make_user
from tests.response.conftest import verified

pytestmark = pytest.mark.django_db


def send(crew, who="verifier", **extra):
    fields = {
        "place": "Corner of 5th & Main",
        "needs": ["witnesses", "legal_observers"],
        "wanted": 20,
        "details": "Bring your phone charged.",
        "groups": [crew.network],
    }
    fields.update(extra)
    return actions.send_callout(getattr(crew, who), **fields)


@pytest.fixture
def callout(crew):
    return send(crew)


def test_the_summoned_hear_of_it_at_once(crew, capture_live):
    with capture_live() as sent:
        callout = send(crew)
    told = Notification.objects.filter(kind="callout", key=f"callout:{callout.pk}")
    assert sorted(told.values_list("recipient__display_name", flat=True)) == ["Ramón", "Rita"]
    # Live, on each summoned person's own sockets (every page they have open).
    live = {group: event for group, event in sent if event["type"] == "callout.sent"}
    assert set(live) == {f"u.{crew.rrlead.user_id}", f"u.{crew.responder.user_id}"}
    banner = live[f"u.{crew.responder.user_id}"]["data"]
    assert banner["id"] == f"callout-{callout.pk}"
    assert "Corner of 5th &amp; Main" in banner["html"]["en"]
    assert "Llamado urgente" in banner["html"]["es"] and "testigos" in banner["html"]["es"]
    assert AuditEntry.objects.filter(verb="callout.sent", actor=crew.verifier).exists()


def test_a_lead_of_the_network_sends_one_too(crew):
    callout = send(crew, who="rrlead", groups=[crew.network, crew.verifiers])
    assert callout.sender == crew.rrlead
    told = Notification.objects.filter(kind="callout")
    # The sender is not told of their own call-out.
    assert sorted(told.values_list("recipient__display_name", flat=True)) == [
        "Rita", "Vera", "Víctor"]  # fmt: skip


@pytest.mark.parametrize("who", ["member", "member2", "facilitator", "steward", "responder"])
def test_others_do_not_send_call_outs(crew, who):
    with pytest.raises(NotAllowed):
        send(crew, who=who)
    assert not Callout.objects.exists()


def test_one_answer_per_person_which_they_can_change(crew, callout):
    actions.answer_callout(crew.responder, callout, answer="on_way")
    actions.answer_callout(crew.rrlead, callout, answer="on_way")
    callout.refresh_from_db()
    assert (callout.on_way_count, callout.cant_count) == (2, 0)
    actions.answer_callout(crew.responder, callout, answer="on_way")  # again: no change
    actions.answer_callout(crew.responder, callout, answer="cant")
    callout.refresh_from_db()
    assert (callout.on_way_count, callout.cant_count) == (1, 1)
    assert CalloutAnswer.objects.filter(callout=callout).count() == 2
    with pytest.raises(ActionError, match="on my way"):
        actions.answer_callout(crew.responder, callout, answer="maybe")


def test_people_it_does_not_summon_cannot_answer_or_see_it(crew, callout):
    with pytest.raises(NotAllowed):
        actions.answer_callout(crew.member, callout, answer="on_way")
    for who in ["member", "member2", "facilitator", "steward"]:
        assert client_for(crew, who).get(f"/a/eastside/callouts/{callout.pk}/").status_code == 404
        assert b"5th" not in client_for(crew, who).get("/a/eastside/callouts/").content
    # Joining the group brings them in.
    group_actions.join_group(crew.member, crew.network)
    actions.answer_callout(crew.member, callout, answer="on_way")


def test_the_sender_ends_it_and_then_nobody_answers(crew, callout):
    with pytest.raises(NotAllowed):
        actions.close_callout(crew.responder, callout)
    actions.close_callout(crew.verifier, callout)
    callout.refresh_from_db()
    assert not callout.is_open and callout.closed_by == crew.verifier
    with pytest.raises(ActionError, match="ended"):
        actions.answer_callout(crew.responder, callout, answer="on_way")
    with pytest.raises(ActionError, match="already ended"):
        actions.close_callout(crew.rrlead, callout)


def test_who_is_coming_is_shown_to_those_who_coordinate(crew, callout):
    actions.answer_callout(crew.responder, callout, answer="on_way")
    sender_page = client_for(crew, "verifier").get(f"/a/eastside/callouts/{callout.pk}/")
    assert "Rita" in sender_page.content.decode()
    page = client_for(crew, "responder").get(f"/a/eastside/callouts/{callout.pk}/").content
    assert b"Rita" not in page.split(b'class="callout-count"')[1]
    assert b"On their way" not in page


def test_a_muted_group_sends_no_notification_but_the_page_still_shows_it(crew):
    group_actions.set_muted(crew.responder, crew.network, muted=True)
    callout = send(crew)
    assert not Notification.objects.filter(kind="callout", recipient=crew.responder).exists()
    assert (
        client_for(crew, "responder").get(f"/a/eastside/callouts/{callout.pk}/").status_code == 200
    )


def test_a_call_out_for_a_verified_report(crew):
    report = verified(crew)
    page = client_for(crew, "rrlead").get(f"/a/eastside/callouts/new/?report={report.pk}")
    assert 'value="5th &amp; Main, outside the laundromat"' in page.content.decode()
    response = client_for(crew, "rrlead").post(
        "/a/eastside/callouts/new/",
        {"report": report.pk, "place": report.place, "needs": ["witnesses"], "wanted": "5",
         "groups": [crew.network.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert Callout.objects.get().report == report


def test_the_call_out_page_is_small_and_needs_no_javascript(crew, callout):
    client = client_for(crew, "responder")
    page = client.get(f"/a/eastside/callouts/{callout.pk}/")
    html = page.content.decode()
    assert len(page.content) < 8000
    assert "vendor/htmx" not in html and "decisions.js" not in html and "<img" not in html
    # The live socket, the banners and the question before an act that cannot be undone,
    # all deferred.
    assert html.count("<script") == 3
    # The answer is a plain form.
    assert f'action="/a/eastside/callouts/{callout.pk}/answer/"' in html
    response = client.post(f"/a/eastside/callouts/{callout.pk}/answer/", {"answer": "on_way"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "They know you are on your way" in html and "Your answer" in html
    assert f'<strong id="callout-{callout.pk}-on-way" class="big-count">1</strong>' in html


def test_answers_are_deleted_after_the_retention_period_by_the_timer(crew, callout):
    actions.update_settings(
        crew.steward, verifier_group=crew.verifiers, network_group=crew.network, answer_days=3
    )
    actions.answer_callout(crew.responder, callout, answer="on_way")
    actions.answer_callout(crew.rrlead, callout, answer="cant")
    actions.close_callout(crew.verifier, callout)
    recent = send(crew, place="Elm St")
    actions.answer_callout(crew.responder, recent, answer="on_way")
    actions.close_callout(crew.verifier, recent)
    Callout.objects.filter(pk=callout.pk).update(closed_at=timezone.now() - timedelta(days=4))
    Callout.objects.filter(pk=recent.pk).update(closed_at=timezone.now() - timedelta(days=2))

    call_command("send_notifications")

    assert not CalloutAnswer.objects.filter(callout=callout).exists()
    assert CalloutAnswer.objects.filter(callout=recent).count() == 1
    callout.refresh_from_db()
    assert callout.answers_purged_at is not None
    assert (callout.on_way_count, callout.cant_count) == (1, 1)  # the counts stay


def test_the_timer_ends_a_forgotten_call_out(crew, callout):
    Callout.objects.filter(pk=callout.pk).update(created_at=timezone.now() - timedelta(hours=25))
    callout.refresh_from_db()
    assert not callout.is_open
    call_command("send_notifications")
    callout.refresh_from_db()
    assert callout.closed_at is not None and callout.closed_by is None


def test_call_outs_target_only_groups_of_the_assembly(crew, cast):
    from groups.models import Group

    elsewhere = Group.objects.create(assembly=cast.other_assembly, name="Lincoln RR", slug="rr")
    with pytest.raises(ActionError, match="working groups"):
        send(crew, groups=[elsewhere])
    with pytest.raises(ActionError, match="working groups"):
        send(crew, groups=[])
    with pytest.raises(ActionError, match="what is needed"):
        send(crew, needs=["snacks"])
    with pytest.raises(ActionError, match="10,000"):
        send(crew, wanted=0)
    assert not Callout.objects.exists()


def test_a_suspended_member_of_the_group_is_not_summoned(crew):
    sus = join(make_user("sus2@example.org"), crew.assembly, "Sus")
    group_actions.join_group(sus, crew.network)
    from assembly import actions as assembly_actions

    assembly_actions.suspend_member(crew.steward, member=sus)
    callout = send(crew)
    assert not Notification.objects.filter(recipient=sus).exists()
    sus.refresh_from_db()
    with pytest.raises(NotAllowed):
        actions.answer_callout(sus, callout, answer="on_way")
