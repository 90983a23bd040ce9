"""Demo trainings for `manage.py seed_demo`: next week's know-your-rights training is
nearly full with a public sign-up page, and last month's shows its funnel."""

from datetime import timedelta

from django.utils import timezone

from assembly.models import Membership
from groups.models import Group

from . import actions
from .models import Rsvp, Training


def _member(assembly, name):
    return Membership.objects.get(assembly=assembly, display_name=name)


def seed(*, eastside, lincoln):
    group = Group.objects.filter(assembly=eastside, name="Know Your Rights Trainings").first()
    if group is None:
        return
    offered = list(Group.objects.filter(assembly=eastside, join_policy="open"))
    lead = _member(eastside, "Prof. Ruiz")
    day = (timezone.localtime() + timedelta(days=7)).replace(hour=18, minute=30, second=0,
                                                             microsecond=0)  # fmt: skip
    coming = actions.create_training(
        lead, group=group, title="Know your rights / Conoce tus derechos",
        description="What to do if agents knock, at home, at work or in the street. "
        "**Bring a friend.** Red cards in six languages.",
        place="St. Mary's parish hall", starts_at=day, ends_at=day + timedelta(hours=2),
        capacity=12, public=True, offered_groups=offered,
    )  # fmt: skip
    names = ["Abuela Carmen", "Nurse Patty", "Mr. Okafor", "Luz", "Kim (bakery)", "Dee",
             "Tomás el carpintero", "Priya", "Bea", "Hannah L."]  # fmt: skip
    for name in names:
        actions.sign_up(_member(eastside, name), coming)
    for name, contact in [("Marta G.", "marta@example.net"), ("Don Pepe", "+1 555 010 7788"),
                          ("Wendy", "wendy@example.net")]:  # fmt: skip
        actions.public_sign_up(coming, name=name, contact=contact, language="es")

    # Last month's training, already held: who came, and what they asked for.
    before = timezone.now() - timedelta(days=3)
    past = Training.objects.create(
        assembly=eastside, group=group, title="Rapid response 101", place="Eastside Library",
        starts_at=before, ends_at=before + timedelta(hours=2), capacity=30, created_by=lead,
        confirmed_count=5,
    )  # fmt: skip
    past.offered_groups.set(offered)
    people = [
        Rsvp.objects.create(
            training=past, name=name, contact=f"{name.lower()}@example.net", status="confirmed",
            queued_at=before - timedelta(days=9), placed_at=before - timedelta(days=9),
        )
        for name in ("Iris", "Jon", "Kai", "Lola", "Mo")
    ]  # fmt: skip
    for rsvp in people[:4]:
        actions.check_in(lead, rsvp)
    actions.add_walk_in(lead, past, name="Nadia", contact="nadia@example.net")
    actions.follow_up(people[0], reach="iris@example.net", wants_membership=True,
                      groups=offered[:1])  # fmt: skip
    actions.follow_up(people[1], reach="+1 555 010 4411", wants_membership=True)
