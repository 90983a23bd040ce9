"""Rapid response keeps who took part only for the assembly's period (the privacy page
says so): once it has passed after a report is settled, the timer deletes who filed,
confirmed and decided it; after a call-out ends, who answered, sent and ended it. What
happened and the counts stay. A report still waiting, or still shown, keeps its names."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from response import actions, queries
from response.models import Callout, CalloutAnswer, Confirmation, Report, ReportEvent
from tests.conftest import client_for
from tests.response.conftest import file, verified

pytestmark = pytest.mark.django_db


def period(crew, days):
    actions.update_settings(
        crew.steward, verifier_group=crew.verifiers, network_group=crew.network, answer_days=days
    )


def aged(report, days):
    """Every step of the report, and its showing, `days` ago."""
    then = timezone.now() - timedelta(days=days)
    ReportEvent.objects.filter(report=report).update(created_at=then)
    Report.objects.filter(pk=report.pk, expires_at__isnull=False).update(expires_at=then)


def names(report):
    return {
        "reporter": Report.objects.get(pk=report.pk).reporter_id,
        "actors": set(ReportEvent.objects.filter(report=report).values_list("actor", flat=True)),
        "confirmations": Confirmation.objects.filter(report=report).count(),
    }


def test_names_on_a_settled_report_are_deleted_after_the_period(crew):
    period(crew, 3)
    old = verified(crew, place="Oak Ave depot")
    shown = verified(crew, place="Pine St")  # verified long ago, still shown as current
    false = file(crew, place="Birch St")
    actions.mark_report(crew.verifier, false, status="false", note="Nobody there.")
    waiting = file(crew, place="Elm St")  # nobody has decided on it yet
    recent = verified(crew, place="Cedar Rd")
    for report in (old, false, waiting):
        aged(report, 4)
    aged(shown, 4)
    Report.objects.filter(pk=shown.pk).update(expires_at=timezone.now() + timedelta(hours=2))
    Report.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=4))
    aged(recent, 2)

    call_command("send_notifications")

    for report in (old, false):
        assert names(report) == {"reporter": None, "actors": {None}, "confirmations": 0}
        report.refresh_from_db()
        assert report.names_purged_at is not None
    old.refresh_from_db()
    assert (old.status, old.place, old.confirmations_count) == ("verified", "Oak Ave depot", 2)
    assert ReportEvent.objects.filter(report=old).count() == 4  # the steps stay, unnamed
    for report in (shown, waiting, recent):
        assert names(report)["reporter"] == crew.member.pk, report.place
        assert None not in names(report)["actors"]
    assert names(recent)["confirmations"] == 2
    # The reporter no longer finds it among their own; the verifiers see no names on it.
    assert old.pk not in [r.pk for r in queries.my_reports(crew.member)]
    page = client_for(crew, "verifier").get(f"/a/eastside/reports/{old.pk}/").content.decode()
    assert "Oak Ave depot" in page and "Ana" not in page and "Víctor" not in page
    # A second pass changes nothing.
    stamp = Report.objects.get(pk=old.pk).names_purged_at
    call_command("send_notifications")
    assert Report.objects.get(pk=old.pk).names_purged_at == stamp


def test_who_sent_and_ended_a_call_out_goes_with_its_answers(crew):
    period(crew, 3)
    callout = actions.send_callout(
        crew.verifier, place="5th & Main", needs=["witnesses"], wanted=5, groups=[crew.network]
    )
    actions.answer_callout(crew.responder, callout, answer="on_way")
    actions.close_callout(crew.rrlead, callout)
    recent = actions.send_callout(
        crew.verifier, place="Elm St", needs=["drivers"], wanted=2, groups=[crew.network]
    )
    actions.close_callout(crew.rrlead, recent)
    Callout.objects.filter(pk=callout.pk).update(closed_at=timezone.now() - timedelta(days=4))

    call_command("send_notifications")

    callout.refresh_from_db()
    assert (callout.sender_id, callout.closed_by_id) == (None, None)
    assert not CalloutAnswer.objects.filter(callout=callout).exists()
    assert callout.on_way_count == 1
    recent.refresh_from_db()
    assert (recent.sender, recent.closed_by) == (crew.verifier, crew.rrlead)
