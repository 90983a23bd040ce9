"""Trainings: places and the waitlist, overflow sessions, the door, the follow-up and the
funnel from signed up to joined a group."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from assembly import actions as assembly_actions
from assembly.errors import ActionError, NotAllowed
from assembly.models import Invitation, Notification
from groups import actions as group_actions
from groups.models import GroupMembership
from tests.conftest import make_user
from tests.trainings.conftest import people, plan, started, tomorrow
from trainings import actions, queries
from trainings.models import Rsvp, Training

pytestmark = pytest.mark.django_db


def statuses(training):
    return [(r.display_name, r.status) for r in queries.people(training)]


def test_places_then_a_waitlist_in_order(crew, training):
    a, b, c, d, e = people(crew, 5)
    for person in (a, b, c):
        assert actions.sign_up(person, training).status == "confirmed"
    assert actions.sign_up(d, training).status == "waitlisted"
    assert actions.public_sign_up(training, name="Flor", contact="+1 555 010 2030").status == (
        "waitlisted"
    )
    training.refresh_from_db()
    assert training.confirmed_count == 3 and training.is_full
    assert queries.waitlist_position(Rsvp.objects.get(member=d)) == 1
    assert queries.waitlist_position(Rsvp.objects.get(name="Flor")) == 2
    with pytest.raises(ActionError, match="already signed up"):
        actions.sign_up(a, training)


def test_a_cancelled_place_goes_to_the_first_on_the_waitlist_at_once(crew, training, mailoutbox):
    a, b, c, d = people(crew, 4)
    for person in (a, b, c):
        actions.sign_up(person, training)
    guest = actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    actions.sign_up(d, training)
    actions.cancel_sign_up(b, training)
    guest.refresh_from_db()
    assert guest.status == "confirmed" and guest.mail_pending == "placed"
    assert Rsvp.objects.get(member=d).status == "waitlisted"
    actions.cancel_sign_up(c, training)
    assert Rsvp.objects.get(member=d).status == "confirmed"
    assert Notification.objects.filter(kind="training_place", recipient=d).exists()
    training.refresh_from_db()
    assert training.confirmed_count == 3
    # The guest hears by email, with their ticket, when the timer runs.
    mail.outbox.clear()
    call_command("send_notifications")
    sent = [m for m in mail.outbox if m.to == ["flor@example.net"]]
    assert len(sent) == 1 and "You have a place" in sent[0].subject
    assert f"/ticket/{guest.ticket}/" in sent[0].body
    assert "Eastside" not in sent[0].body  # nothing of the assembly


def test_raising_the_capacity_moves_the_waitlist_up(crew, training):
    group = people(crew, 6)
    for person in group:
        actions.sign_up(person, training)
    fields = {"title": training.title, "place": training.place, "starts_at": training.starts_at,
              "ends_at": training.ends_at, "description": training.description}  # fmt: skip
    actions.update_training(crew.facilitator, training, capacity=5, **fields)
    assert [s for _n, s in statuses(training)] == ["confirmed"] * 5 + ["waitlisted"]
    with pytest.raises(ActionError, match="at least 5"):
        actions.update_training(crew.facilitator, training, capacity=4, **fields)
    with pytest.raises(NotAllowed):
        actions.update_training(crew.member, training, capacity=50, **fields)


def test_an_overflow_session_takes_the_first_of_the_waitlist(crew, training):
    group = people(crew, 7)
    for person in group:
        actions.sign_up(person, training)
    overflow = actions.open_overflow(
        crew.facilitator, training, place="Library, room C", starts_at=tomorrow(3),
        ends_at=tomorrow(5), capacity=2, move=3,
    )  # fmt: skip
    assert overflow.parent == training and overflow.public_token not in (None, "")
    assert overflow.public_token != training.public_token
    assert statuses(overflow) == [("P 3", "confirmed"), ("P 4", "confirmed"),
                                  ("P 5", "waitlisted")]  # fmt: skip
    assert statuses(training)[-1] == ("P 6", "waitlisted")
    assert Notification.objects.filter(kind="training_place", recipient=group[3]).exists()
    # Organisers move people by hand too; a place freed in the first session moves its
    # waitlist up.
    first = Rsvp.objects.get(training=training, member=group[0])
    actions.move_people(crew.facilitator, training, to=overflow, rsvps=[first.pk])
    assert Rsvp.objects.get(pk=first.pk).training_id == overflow.pk
    assert Rsvp.objects.get(member=group[6]).status == "confirmed"
    training.refresh_from_db()
    overflow.refresh_from_db()
    assert training.confirmed_count == 3 and overflow.confirmed_count == 2
    with pytest.raises(ActionError, match="already signed up"):
        actions.sign_up(group[0], overflow)


def test_check_in_by_ticket_or_list_and_walk_ins(crew, training):
    a, b = people(crew, 2)
    actions.sign_up(a, training)
    guest = actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    with pytest.raises(ActionError, match="on the day"):
        actions.check_in(crew.facilitator, guest)
    started(training)
    with pytest.raises(NotAllowed):
        actions.check_in(crew.member2, guest)
    actions.check_in(crew.facilitator, guest)
    with pytest.raises(ActionError, match="already checked in"):
        actions.check_in(crew.steward, guest)
    actions.undo_check_in(crew.facilitator, guest)
    actions.check_in(crew.steward, guest)
    walk = actions.add_walk_in(crew.facilitator, training, name="Beto", contact="")
    assert walk.status == "walk_in" and walk.came
    # A member who signed up and walks in is checked in as themselves.
    mine = actions.add_walk_in(crew.facilitator, training, member=a)
    assert mine.member == a and mine.status == "confirmed" and mine.came
    # Someone who cancelled and came after all.
    training_b = plan(crew, title="Second")
    actions.sign_up(b, training_b)
    actions.cancel_sign_up(b, training_b)
    started(training_b)
    assert actions.check_in(crew.facilitator, Rsvp.objects.get(member=b)).status == "walk_in"
    training.refresh_from_db()
    assert training.confirmed_count == 2  # walk-ins take no place from those who signed up


def test_follow_up_invitation_and_the_funnel(crew, training):
    a, b = people(crew, 2)
    actions.sign_up(a, training)
    actions.sign_up(b, training)
    flor = actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    waiting = actions.public_sign_up(training, name="Gus", contact="+15550102030")
    started(training)
    for rsvp in (flor, Rsvp.objects.get(member=a)):
        actions.check_in(crew.facilitator, rsvp)
    actions.add_walk_in(crew.facilitator, training, name="Hana", contact="hana@example.net")
    with pytest.raises(ActionError, match="checked in"):
        actions.follow_up(waiting, reach="", wants_membership=True)
    with pytest.raises(ActionError, match="groups listed"):
        actions.follow_up(flor, wants_membership=True, groups=[crew.other_assembly.pk])
    actions.follow_up(flor, reach="flor.new@example.net", wants_membership=True,
                      groups=[crew.group])  # fmt: skip
    # A member who came joins the group they tick at once (it is open).
    actions.follow_up(Rsvp.objects.get(member=a), groups=[crew.group])
    assert GroupMembership.objects.filter(group=crew.group, member=a, status="active").exists()
    assert queries.funnel(training) == {
        "signed_up": 4, "came": 3, "walk_ins": 1, "asked": 2, "became": 0, "joined_group": 1,
    }  # fmt: skip

    with pytest.raises(NotAllowed):
        actions.invite(crew.member2, flor)
    with pytest.raises(ActionError, match="people who came"):
        actions.invite(crew.facilitator, waiting)
    with pytest.raises(ActionError, match="already a member"):
        actions.invite(crew.facilitator, Rsvp.objects.get(member=a))
    token = actions.invite(crew.facilitator, flor)
    invitation = Invitation.objects.get()
    assert invitation.token_digest == Invitation.digest(token) and token not in str(
        list(Invitation.objects.values_list())
    )
    assert invitation.max_uses == 1 and invitation.role == "member"
    with pytest.raises(ActionError, match="still works"):
        actions.invite(crew.facilitator, flor)

    # Flor accepts, and joins the group she ticked.
    flor_user = make_user("flor@example.net")
    new = assembly_actions.accept_invitation(flor_user, token=token, display_name="Flor")
    assert queries.funnel(training)["became"] == 1
    group_actions.join_group(new, crew.group)
    assert queries.funnel(training) == {
        "signed_up": 4, "came": 3, "walk_ins": 1, "asked": 2, "became": 1, "joined_group": 2,
    }  # fmt: skip
    with pytest.raises(ActionError, match="already joined"):
        actions.invite(crew.facilitator, flor)


def test_a_group_that_approves_members_gets_a_request(crew):
    approval = group_actions.create_group(
        crew.steward, name="Legal", kind="other", join_policy="approval", leads=[crew.lead]
    )
    training = plan(crew, offered_groups=[approval])
    a = people(crew, 1)[0]
    actions.sign_up(a, training)
    started(training)
    actions.check_in(crew.facilitator, Rsvp.objects.get(member=a))
    actions.follow_up(Rsvp.objects.get(member=a), groups=[approval])
    assert GroupMembership.objects.get(group=approval, member=a).status == "pending"


def test_reminders_go_out_once_the_day_before(crew, training, mailoutbox):
    a, b, c, d = people(crew, 4)
    for person in (a, b):
        actions.sign_up(person, training)
    guest = actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    actions.sign_up(c, training)  # waitlisted: no reminder
    later = plan(crew, title="Next month", starts_at=tomorrow(24 * 30),
                 ends_at=tomorrow(24 * 30 + 2))  # fmt: skip
    actions.sign_up(d, later)
    call_command("send_notifications")  # the guest's "you have a place" goes first
    assert not Notification.objects.filter(kind="training_soon").exists()
    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() + timedelta(hours=20), ends_at=timezone.now() + timedelta(hours=22)
    )
    mail.outbox.clear()
    call_command("send_notifications")
    reminded = Notification.objects.filter(kind="training_soon")
    assert sorted(reminded.values_list("recipient__display_name", flat=True)) == ["P 0", "P 1"]
    guest_mail = [m for m in mail.outbox if m.to == ["flor@example.net"]]
    assert len(guest_mail) == 1 and "Tomorrow" in guest_mail[0].subject
    assert f"/ticket/{guest.ticket}/" in guest_mail[0].body
    call_command("send_notifications")
    assert Notification.objects.filter(kind="training_soon").count() == 2
    assert len([m for m in mail.outbox if m.to == ["flor@example.net"]]) == 1


def test_a_guests_email_is_in_their_language(crew, training, mailoutbox):
    from django.utils import translation

    with translation.override("es"):
        actions.public_sign_up(training, name="Flor", contact="flor@example.net", language="es")
    call_command("send_notifications")
    sent = [m for m in mail.outbox if m.to == ["flor@example.net"]]
    assert sent[0].subject.startswith("Tienes un lugar")


def test_guests_details_are_deleted_after_the_period_unless_they_join(crew, training):
    flor = actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    gus = actions.public_sign_up(training, name="Gus", contact="+15550102030")
    member = people(crew, 1)[0]
    actions.sign_up(member, training)
    started(training)
    for rsvp in (flor, gus):
        actions.check_in(crew.facilitator, rsvp)
    actions.follow_up(flor, reach="", wants_membership=True)
    token = actions.invite(crew.facilitator, flor)
    assembly_actions.accept_invitation(make_user("flor@example.net"), token=token,
                                       display_name="Flor")  # fmt: skip
    ticket = gus.ticket
    actions.invite(crew.facilitator, gus)  # he never uses it

    def ended(days):
        Training.objects.filter(pk=training.pk).update(
            starts_at=timezone.now() - timedelta(days=days, hours=2),
            ends_at=timezone.now() - timedelta(days=days),
        )

    ended(29)
    call_command("send_notifications")
    assert Rsvp.objects.get(pk=gus.pk).contact == "+15550102030"
    ended(31)
    call_command("send_notifications")
    gus.refresh_from_db()
    assert (gus.name, gus.contact, gus.reach) == ("", "", "") and gus.details_deleted_at
    # The invitation was labelled with his name: it keeps only the training's title.
    assert Invitation.objects.get(pk=gus.invitation_id).label == "Know your rights"
    flor_invitation = Rsvp.objects.get(pk=flor.pk).invitation_id
    assert Invitation.objects.get(pk=flor_invitation).label == "Know your rights: Flor"
    flor.refresh_from_db()
    assert flor.name == "Flor" and flor.joined_as is not None  # she became a member
    assert Rsvp.objects.get(member=member).details_deleted_at is None
    assert queries.funnel(training)["came"] == 2  # the counts stay
    from tests.conftest import client_for

    assert client_for(crew, "anonymous").get(f"/ticket/{ticket}/").status_code == 404


def test_the_assembly_sets_the_period(crew, training):
    with pytest.raises(NotAllowed):
        actions.update_settings(crew.facilitator, guest_days=3)
    actions.update_settings(crew.steward, guest_days=3)
    gus = actions.public_sign_up(training, name="Gus", contact="+15550102030")
    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() - timedelta(days=4, hours=2),
        ends_at=timezone.now() - timedelta(days=4),
    )
    call_command("send_notifications")
    gus.refresh_from_db()
    assert gus.details_deleted_at is not None


def test_who_starts_trainings(crew):
    with pytest.raises(NotAllowed):
        plan(crew, who="member")
    with pytest.raises(NotAllowed):
        plan(crew, who="lead")  # a lead starts the group's trainings, not the assembly's
    training = plan(crew, who="lead", group=crew.group)
    assert training.group == crew.group
    started(training)
    guest = actions.public_sign_up(
        Training.objects.create(
            assembly=crew.assembly, title="x", place="y", starts_at=tomorrow(),
            ends_at=tomorrow(1), capacity=1, public_token="tok-" + "x" * 20,
        ),
        name="Q", contact="q@example.net",
    )  # fmt: skip
    assert guest.status == "confirmed"
    walk = actions.add_walk_in(crew.lead, training, name="Ivo")  # leads organise it
    assert walk.came
    with pytest.raises(NotAllowed):
        actions.add_walk_in(crew.member, training, name="Ivo")


def test_the_database_never_gives_more_places_than_capacity(crew, training):
    with pytest.raises(IntegrityError), transaction.atomic():
        Training.objects.filter(pk=training.pk).update(confirmed_count=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(training=training, status="confirmed", name="", contact="x")
    a = people(crew, 1)[0]
    actions.sign_up(a, training)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(training=training, member=a, status="waitlisted")


@pytest.mark.parametrize(
    "contact,ok",
    [("flor@example.net", True), ("+1 (555) 010-2030", True), ("5550102030", True),
     ("flor@", False), ("call me", False), ("12", False), ("", False)],
)  # fmt: skip
def test_one_contact_an_email_or_a_phone(crew, training, contact, ok):
    if ok:
        assert actions.public_sign_up(training, name="Flor", contact=contact).contact == contact
    else:
        with pytest.raises(ActionError):
            actions.public_sign_up(training, name="Flor", contact=contact)


def test_trainings_are_in_the_calendar_feed(crew, training):
    from tests.conftest import client_for

    client = client_for(crew, "member2")
    page = client.post("/a/eastside/calendar/").content.decode()
    link = page.split('value="http://testserver')[1].split('"')[0]
    feed = client.get(link).content.decode()
    assert f"training-{training.pk}@" in feed and "Training: Know your rights" in feed
    assert "LOCATION:Library\\, room B" in feed
