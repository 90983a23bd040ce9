"""Who signed up and who came is attendance: the timer stops a training's sign-ups naming
anyone once the assembly's attendance period has passed after it (the privacy page says
so); deleting an account gives back the person's places at trainings still to come."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from assembly import actions as assembly_actions
from assembly import privacy
from assembly.models import Invitation, PrivacySettings
from tests.conftest import client_for, make_user
from tests.trainings.conftest import people, plan, started
from trainings import actions, queries
from trainings.models import Rsvp, Training

pytestmark = pytest.mark.django_db


def ended(training, days):
    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() - timedelta(days=days, hours=2),
        ends_at=timezone.now() - timedelta(days=days),
    )


def came(crew, training):
    """A member and a non-member who joined through the invitation both came."""
    member = people(crew, 1, prefix=f"t{training.pk}-")[0]
    actions.sign_up(member, training)
    flor = actions.public_sign_up(training, name="Flor", contact=f"flor{training.pk}@example.net")
    started(training)
    for rsvp in (Rsvp.objects.get(member=member, training=training), flor):
        actions.check_in(crew.facilitator, rsvp)
    token = actions.invite(crew.facilitator, flor)
    assembly_actions.accept_invitation(
        make_user(f"flor{training.pk}@example.net"), token=token, display_name=f"Flor {training.pk}"
    )
    return member, flor


def test_sign_ups_name_no_one_after_the_attendance_period(crew):
    PrivacySettings.objects.create(assembly=crew.assembly, attendance_days=60)
    old, recent = plan(crew), plan(crew, title="First aid")
    old_member, old_flor = came(crew, old)
    recent_member, recent_flor = came(crew, recent)
    ended(old, 61)
    ended(recent, 59)

    call_command("send_notifications")

    for row in Rsvp.objects.filter(training=old):
        assert (row.member_id, row.checked_in_by_id, row.invited_by_id, row.joined_as_id) == (
            None, None, None, None,
        )  # fmt: skip
        assert (row.name, row.contact, row.reach) == ("", "", "") and row.details_deleted_at
        assert row.checked_in_at is not None  # that someone came stays
    assert queries.funnel(old)["came"] == 2

    # Nor does the invitation Flor was sent, which was labelled with her name.
    def label(rsvp):
        return Invitation.objects.get(pk=Rsvp.objects.get(pk=rsvp.pk).invitation_id).label

    assert label(old_flor) == "Know your rights" and label(recent_flor) == "First aid: Flor"
    kept = Rsvp.objects.get(pk=recent_flor.pk)
    assert kept.name == "Flor" and kept.checked_in_by == crew.facilitator
    assert Rsvp.objects.filter(training=recent, member=recent_member).exists()

    # A person's own data no longer holds the old training's sign-up.
    def signed_up(member):
        records = privacy.export(member.user)["records"].get("trainings", [])
        return [r["training"] for r in records if r["table"] == "trainings.Rsvp"]

    assert signed_up(old_member) == [] and signed_up(recent_member) == [recent.pk]


def test_deleting_an_account_gives_back_places_still_to_come(crew):
    training = plan(crew, capacity=1)
    ana, luz = people(crew, 2, prefix="d")
    actions.sign_up(ana, training)
    actions.sign_up(luz, training)  # the waitlist
    client = client_for(crew, "anonymous")
    client.force_login(ana.user)
    response = client.post("/me/delete/", {"confirm": ana.user.email})
    assert response.status_code == 302
    assert Rsvp.objects.get(training=training, member=ana).status == "cancelled"
    assert Rsvp.objects.get(training=training, member=luz).status == "confirmed"
    training.refresh_from_db()
    assert training.confirmed_count == 1
