"""Reports: who sees them, who verifies them, and what every member is told once two
verifiers have confirmed one."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from assembly import notifications
from assembly.errors import ActionError, NotAllowed
from assembly.models import Notification, NotificationPreference, PrivacySettings
from response import actions
from response.models import Confirmation, Report, ReportEvent
from tests.conftest import client_for
from tests.response.conftest import file, seen, verified

pytestmark = pytest.mark.django_db


def url(report, tail=""):
    return f"/a/eastside/reports/{report.pk}/{tail}"


def kinds(report):
    return list(
        ReportEvent.objects.filter(report=report).values_list("kind", "actor__display_name")
    )


def test_a_report_goes_first_to_the_verifiers_only(crew, report):
    waiting = Notification.objects.filter(kind="report_filed")
    assert sorted(waiting.values_list("recipient__display_name", flat=True)) == ["Vera", "Víctor"]
    assert report.status == "pending"
    # Members (stewards included) never see it: 404, as if it did not exist.
    for who in ["member2", "facilitator", "steward", "rrlead"]:
        response = client_for(crew, who).get(url(report))
        assert response.status_code == 404, who
        assert b"laundromat" not in response.content
        assert b"laundromat" not in client_for(crew, who).get("/a/eastside/reports/").content
    # The verifiers and the reporter do; the reporter sees its status.
    assert client_for(crew, "verifier").get(url(report)).status_code == 200
    page = client_for(crew, "member").get(url(report)).content.decode()
    assert "waiting for verification" in page
    assert "Your reports" in client_for(crew, "member").get("/a/eastside/reports/").content.decode()


def test_two_different_verifiers_publish_it_to_every_member(crew, report, capture_live):
    actions.confirm_report(crew.verifier, report, expires_in_hours=6)
    report.refresh_from_db()
    assert report.status == "pending" and report.confirmations_count == 1
    assert client_for(crew, "member2").get(url(report)).status_code == 404
    assert not Notification.objects.filter(kind="report_verified").exists()

    with capture_live() as sent:
        actions.confirm_report(crew.verifier2, report, expires_in_hours=6)
    report.refresh_from_db()
    assert report.status == "verified"
    assert report.expires_at - report.verified_at == timedelta(hours=6)
    # Every active member hears of it, in the list and by email (their defaults).
    told = Notification.objects.filter(kind="report_verified")
    active = crew.assembly.memberships.filter(status="active").count()
    assert told.count() == active
    assert not told.filter(recipient=crew.suspended).exists()
    # One event to the assembly's stream carries the banner in both languages.
    events = [e for group, e in sent if group == f"s.assembly.{crew.assembly.pk}"]
    assert [e["type"] for e in events] == ["report.verified"]
    alert = events[0]["data"]
    assert alert["id"] == f"report-{report.pk}" and alert["kind"] == "verified"
    assert "Verified report" in alert["html"]["en"] and "5th &amp; Main" in alert["html"]["en"]
    assert "Reporte verificado" in alert["html"]["es"]
    # Everyone now sees it; the reporter's name is shown only to verifiers.
    page = client_for(crew, "member2").get(url(report)).content.decode()
    assert "Verified report" in page and "laundromat" in page and "Ana" not in page
    assert "Reported by Ana" in client_for(crew, "verifier").get(url(report)).content.decode()
    # Every change is kept, with who.
    assert kinds(report) == [
        ("filed", "Ana"), ("confirmed", "Vera"), ("confirmed", "Víctor"), ("verified", "Víctor"),
    ]  # fmt: skip


def test_no_one_verifies_their_own_report(crew):
    own = file(crew, who="verifier")
    with pytest.raises(NotAllowed, match="own report"):
        actions.confirm_report(crew.verifier, own)
    with pytest.raises(NotAllowed, match="own report"):
        actions.mark_report(crew.verifier, own, status="false", note="mine")
    actions.confirm_report(crew.verifier2, own)
    own.refresh_from_db()
    assert own.status == "pending" and own.confirmations_count == 1
    # Verifiers filing don't notify themselves.
    assert not Notification.objects.filter(kind="report_filed", recipient=crew.verifier).exists()


def test_a_verifier_confirming_twice_counts_once(crew, report):
    actions.confirm_report(crew.verifier, report)
    with pytest.raises(ActionError, match="already confirmed"):
        actions.confirm_report(crew.verifier, report)
    report.refresh_from_db()
    assert report.status == "pending" and report.confirmations_count == 1
    assert Confirmation.objects.filter(report=report).count() == 1


@pytest.mark.parametrize("who", ["member", "member2", "facilitator", "steward", "rrlead"])
def test_only_members_of_the_named_group_verify(crew, report, who):
    with pytest.raises(NotAllowed):
        actions.confirm_report(getattr(crew, who), report)
    with pytest.raises(NotAllowed):
        actions.mark_report(getattr(crew, who), report, status="false", note="no")
    assert Confirmation.objects.count() == 0


def test_the_assemblys_settings_decide_who_verifies(crew, report):
    actions.confirm_report(crew.verifier, report)
    # The stewards name another group: Vera and Víctor are no longer verifiers.
    actions.update_settings(
        crew.steward, verifier_group=crew.network, network_group=crew.network, answer_days=14
    )
    with pytest.raises(NotAllowed):
        actions.confirm_report(crew.verifier2, report)
    assert client_for(crew, "verifier2").get(url(report)).status_code == 404
    actions.confirm_report(crew.responder, report)
    report.refresh_from_db()
    assert report.status == "verified"  # Vera's earlier confirmation and Rita's
    # With no group named, nobody verifies.
    actions.update_settings(crew.steward, answer_days=14)
    assert client_for(crew, "responder").get("/a/eastside/reports/queue/").status_code == 403


def test_unconfirmed_and_false_need_a_note_and_are_kept(crew, report):
    with pytest.raises(ActionError, match="cannot be empty"):
        actions.mark_report(crew.verifier, report, status="unconfirmed", note="  ")
    actions.mark_report(crew.verifier, report, status="unconfirmed", note="Nobody else saw it")
    actions.mark_report(crew.verifier2, report, status="false", note="It was a utility crew")
    report.refresh_from_db()
    assert report.status == "false"
    assert kinds(report)[1:] == [("unconfirmed", "Vera"), ("false", "Víctor")]
    assert ReportEvent.objects.filter(note="It was a utility crew").exists()
    with pytest.raises(ActionError, match="already"):
        actions.confirm_report(crew.verifier, report)
    # The reporter sees what was decided, and the note.
    page = client_for(crew, "member").get(url(report)).content.decode()
    assert "It was a utility crew" in page
    assert client_for(crew, "member2").get(url(report)).status_code == 404


def test_a_false_report_goes_out_as_a_rumour_debunked(crew, report, capture_live):
    with pytest.raises(ActionError, match="marked false"):
        actions.publish_debunk(crew.verifier, report, text="Not true")
    actions.mark_report(crew.verifier, report, status="false", note="A film shoot")
    with capture_live() as sent:
        actions.publish_debunk(
            crew.verifier2, report, text="It was a film shoot with actors.", expires_in_hours=48
        )
    report.refresh_from_db()
    assert report.debunked_at is not None
    event = next(e for g, e in sent if g == f"s.assembly.{crew.assembly.pk}")
    assert event["type"] == "report.debunked" and event["data"]["kind"] == "debunked"
    assert "Rumor desmentido" in event["data"]["html"]["es"]
    assert Notification.objects.filter(kind="rumour_debunked").count() == (
        crew.assembly.memberships.filter(status="active").count()
    )
    page = client_for(crew, "member2").get(url(report)).content.decode()
    assert "Rumour debunked" in page and "film shoot with actors" in page
    with pytest.raises(ActionError, match="already published"):
        actions.publish_debunk(crew.verifier, report, text="again")


def test_a_verified_report_found_wrong_disappears_from_every_screen(crew, capture_live):
    report = verified(crew)
    with capture_live() as sent:
        actions.mark_report(crew.verifier, report, status="false", note="Wrong corner")
    report.refresh_from_db()
    assert report.status == "false" and not report.is_current
    assert (f"s.assembly.{crew.assembly.pk}", {
        "stream": f"assembly:{crew.assembly.pk}", "type": "report.ended",
        "data": {"id": f"report-{report.pk}"}}) in sent  # fmt: skip
    assert client_for(crew, "member2").get(url(report)).status_code == 404


def test_the_verifier_sets_until_when_it_is_shown(crew, capture_live):
    report = verified(crew)
    actions.set_expiry(crew.verifier, report, expires_in_hours=48)
    report.refresh_from_db()
    assert report.expires_at > timezone.now() + timedelta(hours=47)
    with pytest.raises(ActionError):
        actions.set_expiry(crew.verifier, report, expires_in_hours=500)
    with pytest.raises(NotAllowed):
        actions.set_expiry(crew.member2, report, expires_in_hours=2)
    with capture_live() as sent:
        actions.set_expiry(crew.verifier2, report, end_now=True)
    assert [e["type"] for _g, e in sent if _g.startswith("s.assembly")] == ["report.ended"]
    report.refresh_from_db()
    assert not report.is_current
    assert [k for k, _a in kinds(report)][-2:] == ["expiry", "expiry"]
    # Still on the list, as earlier, for members.
    assert "Earlier" in client_for(crew, "member2").get("/a/eastside/reports/").content.decode()


def test_the_reporter_withdraws_while_it_waits(crew, report):
    with pytest.raises(NotAllowed):
        actions.withdraw_report(crew.verifier, report)
    actions.withdraw_report(crew.member, report)
    report.refresh_from_db()
    assert report.status == "withdrawn"
    with pytest.raises(NotAllowed):
        actions.withdraw_report(crew.member, report)
    with pytest.raises(ActionError):
        actions.confirm_report(crew.verifier, report)


def test_the_database_refuses_a_report_verified_without_two_confirmations(crew, report):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status="verified", confirmations_count=1, verified_at=timezone.now(),
            expires_at=timezone.now(),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status="verified", confirmations_count=2, verified_at=timezone.now()
        )
    Confirmation.objects.create(report=report, verifier=crew.verifier)
    with pytest.raises(IntegrityError), transaction.atomic():
        Confirmation.objects.create(report=report, verifier=crew.verifier)


@pytest.mark.parametrize(
    "change,message",
    [
        ({"seen_at": timezone.now() + timedelta(hours=2)}, "still to come"),
        ({"seen_at": timezone.now() - timedelta(days=40)}, "last 30 days"),
        ({"seen_at": "yesterday"}, "exactly when"),
        ({"place": "   "}, "cannot be empty"),
        ({"place": "x" * 201}, "at most 200"),
        ({"agents": 1001}, "0 to 1000"),
        ({"agents": True}, "0 to 1000"),
        ({"description": "a\x00b"}, "cannot be stored"),
    ],
)
def test_a_report_without_what_it_needs_is_refused(crew, change, message):
    with pytest.raises(ActionError, match=message):
        file(crew, **change)
    assert not Report.objects.exists()


@pytest.mark.parametrize("details", [False, True])
def test_each_persons_notification_choices_are_honoured(crew, report, mailoutbox, details):
    """Email names the report only where the assembly chose detailed email (its privacy
    settings): by default a subject says only how many notifications wait, so a lock
    screen or a mail provider learns nothing of a raid (assembly/notifications.py)."""
    PrivacySettings.objects.create(assembly=crew.assembly, email_details=details)
    NotificationPreference.objects.create(
        user=crew.member2.user, kind="report_verified", in_app=False, email=False
    )
    NotificationPreference.objects.create(
        user=crew.facilitator.user, kind="report_verified", in_app=True, email=False
    )
    crew.steward.user.language = "es"
    crew.steward.user.save()
    actions.confirm_report(crew.verifier, report)
    actions.confirm_report(crew.verifier2, report)
    told = Notification.objects.filter(kind="report_verified")
    assert not told.filter(recipient=crew.member2).exists()
    assert told.get(recipient=crew.facilitator).email_pending is False
    mail.outbox.clear()
    notifications.send_pending()
    to = {m.to[0]: m for m in mail.outbox}
    assert "member2@example.org" not in to and "fac@example.org" not in to
    if details:
        assert "reporte verificado: 5th & Main" in to["steward@example.org"].subject
        assert "verified report: 5th & Main" in to["member@example.org"].subject
    else:
        assert to["steward@example.org"].subject == "Asamblea: 1 notificación nueva"
        assert to["member@example.org"].subject == "Asamblea: 1 new notification"
        for sent in to.values():
            assert "Main" not in sent.subject + sent.body and "Eastside" not in sent.subject


def test_verified_reports_are_in_the_calendar_feed(crew):
    report = verified(crew)
    client = client_for(crew, "member2")
    client.post("/a/eastside/calendar/")
    from decisions.models import CalendarFeed

    assert CalendarFeed.objects.filter(member=crew.member2).exists()
    page = client.post("/a/eastside/calendar/").content.decode()
    link = page.split('value="http://testserver')[1].split('"')[0]
    feed = client.get(link).content.decode()
    assert f"report-{report.pk}@" in feed and "Verified report: 5th & Main" in feed
    pending = file(crew, place="Elm St")
    assert "Elm St" not in client.get(link).content.decode()
    assert pending.status == "pending"


def test_the_home_page_shows_current_reports_and_the_queue_to_verifiers(crew, report):
    assert "1 report waits for verifiers" in (
        client_for(crew, "verifier").get("/a/eastside/").content.decode()
    )
    page = client_for(crew, "member2").get("/a/eastside/").content.decode()
    assert "waits for verifiers" not in page and "laundromat" not in page
    verified(crew, place="Oak Ave depot")
    assert "Oak Ave depot" in client_for(crew, "member2").get("/a/eastside/").content.decode()


def test_an_old_report_time_is_checked_against_now(crew):
    assert file(crew, seen_at=seen(60 * 24 * 29)).status == "pending"
