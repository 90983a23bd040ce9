"""The demo data shows rapid response and trainings as an assembly would use them."""

from django.core.management import call_command

from response.models import Callout, Report
from trainings import queries
from trainings.models import Training


def test_seed_demo_adds_reports_call_outs_and_trainings(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(Report.objects.values_list("status", flat=True)) == {"verified", "pending", "false"}
    assert Report.objects.filter(debunked_at__isnull=False).count() == 1
    callout = Callout.objects.get()
    assert callout.on_way_count == 4 and callout.cant_count == 1
    coming = Training.objects.get(public_token__isnull=False)
    assert coming.confirmed_count == 12 == coming.capacity
    assert coming.rsvps.filter(status="waitlisted").count() == 1
    past = Training.objects.get(title="Rapid response 101")
    assert queries.funnel(past) == {
        "signed_up": 5, "came": 5, "walk_ins": 1, "asked": 2, "became": 0, "joined_group": 0,
    }  # fmt: skip
