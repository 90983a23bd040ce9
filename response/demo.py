"""Demo rapid response for `manage.py seed_demo`: Eastside's Rapid Response group verifies
reports; one verified report is current, one waits for verifiers, one rumour was
debunked, and last night's call-out brought people out."""

from datetime import timedelta

from django.utils import timezone

from assembly.models import Membership
from groups.models import Group

from . import actions
from .models import Callout


def _member(assembly, name):
    return Membership.objects.get(assembly=assembly, display_name=name)


def seed(*, eastside, lincoln):
    group = Group.objects.filter(assembly=eastside, name="Rapid Response").first()
    if group is None:
        return
    steward = _member(eastside, "Rosa M.")
    marisol, mike = _member(eastside, "Marisol R."), _member(eastside, "Big Mike")
    actions.update_settings(steward, verifier_group=group, network_group=group, answer_days=14)
    now = timezone.now()
    seen = actions.file_report(
        _member(eastside, "DJ Lalo"), seen_at=now - timedelta(minutes=40),
        place="Alder Ave & 12th, outside the car wash", agents=5,
        uniforms="dark vests marked POLICE and ERO", vehicles="two unmarked grey SUVs",
        description="They are stopping people walking to the bus stop and asking for papers.",
    )  # fmt: skip
    actions.confirm_report(marisol, seen, expires_in_hours=6)
    actions.confirm_report(mike, seen, expires_in_hours=6)
    actions.file_report(
        _member(eastside, "Chuy"), seen_at=now - timedelta(minutes=10),
        place="Bus depot on Harbor Blvd", agents=2, vehicles="white van, no markings",
    )  # fmt: skip
    rumour = actions.file_report(
        _member(eastside, "Sam T."), seen_at=now - timedelta(hours=5),
        place="Lincoln High, front gate", description="A post on social media says ICE is "
        "waiting at the school gate.",
    )  # fmt: skip
    actions.mark_report(marisol, rumour, status="false", note="Went there: it was a film crew.")
    actions.publish_debunk(
        mike, rumour, expires_in_hours=48,
        text="Nobody from ICE was at Lincoln High. It was a film crew with permits. Please "
        "do not share the post; send people to this page.",
    )  # fmt: skip
    callout = actions.send_callout(
        marisol, place="Alder Ave & 12th", needs=["witnesses", "legal_observers"], wanted=15,
        groups=[group], report=seen, details="Gather at the laundromat; film badges, not faces.",
    )  # fmt: skip
    for name in ("Ana from 5th St", "Sam T.", "Rafa", "Nico"):
        actions.answer_callout(_member(eastside, name), callout, answer="on_way")
    actions.answer_callout(_member(eastside, "Omar"), callout, answer="cant")
    Callout.objects.filter(pk=callout.pk).update(created_at=now - timedelta(minutes=30))
