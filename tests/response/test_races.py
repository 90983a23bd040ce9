"""Verifiers pressing at the same moment: a report is published exactly once, and a
verifier who presses twice (two tabs, a double tap on a slow connection) counts once.

Real threads, each with its own database connection, against PostgreSQL when
DATABASE_URL is set (on SQLite the same test runs, with writes serialised)."""

import pytest

from assembly.models import Notification
from groups import actions as group_actions
from response import actions
from response.models import Confirmation, Report, ReportEvent
from tests import races as threads
from tests.conftest import join, make_user
from tests.response.conftest import file

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


def race(calls):
    """ "ok" for each call that went through, else the message it was refused with."""
    return ["ok" if isinstance(r, Report) else r for r in threads.race(calls)]


def test_two_verifiers_confirming_at_once_publish_it_exactly_once(crew):
    third = join(make_user("verifier3@example.org"), crew.assembly, "Valentina")
    row = group_actions.join_group(third, crew.verifiers)
    group_actions.decide_request(crew.verifier, crew.verifiers, target=row, approve=True)
    active = crew.assembly.memberships.filter(status="active").count()
    for n in range(ROUNDS):
        report = file(crew, place=f"Corner {n}")
        verifiers = [crew.verifier, crew.verifier2, third]
        outcomes = race([lambda v=v, r=report: actions.confirm_report(v, r) for v in verifiers])
        assert outcomes == ["ok", "ok", "ok"]
        report.refresh_from_db()
        assert report.status == "verified"
        assert report.confirmations_count == 3 == Confirmation.objects.filter(report=report).count()
        assert ReportEvent.objects.filter(report=report, kind="verified").count() == 1
        told = Notification.objects.filter(kind="report_verified", key=f"report:{report.pk}")
        assert told.count() == active
    assert Report.objects.filter(status="verified").count() == ROUNDS


def test_a_verifier_pressing_twice_at_once_counts_once(crew):
    presses = 6
    for n in range(ROUNDS):
        report = file(crew, place=f"Bus stop {n}")
        outcomes = race([lambda r=report: actions.confirm_report(crew.verifier, r)] * presses)
        assert outcomes.count("ok") == 1
        assert set(outcomes) - {"ok"} == {
            "You have already confirmed this report. Another verifier must confirm it too."
        }
        report.refresh_from_db()
        assert report.status == "pending"
        assert report.confirmations_count == 1
        assert Confirmation.objects.filter(report=report).count() == 1
        assert ReportEvent.objects.filter(report=report, kind="confirmed").count() == 1


def test_one_verifier_twice_and_another_once_at_once(crew):
    for n in range(ROUNDS):
        report = file(crew, place=f"Market {n}")
        calls = [lambda r=report: actions.confirm_report(crew.verifier, r)] * 3
        calls.append(lambda r=report: actions.confirm_report(crew.verifier2, r))
        outcomes = race(calls)
        assert outcomes.count("ok") == 2 and outcomes[3] == "ok"
        report.refresh_from_db()
        assert report.status == "verified" and report.confirmations_count == 2
        assert ReportEvent.objects.filter(report=report, kind="verified").count() == 1
