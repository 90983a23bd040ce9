"""Privacy operations: the privacy page kept in step with the models, retention purged by
the timer, a person's own data as JSON, deleting an account, sessions and logging out
everywhere, and two-factor authentication required of stewards and facilitators."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from assembly import actions, privacy
from assembly.models import AuditEntry, Membership, Notification, PrivacySettings, SessionRecord
from decisions import actions as decision_actions
from decisions import record
from decisions.models import Ballot, CalendarFeed, Comment, Elector, Participation
from meetings import actions as meeting_actions
from meetings.models import Attendance, Hand, Meeting
from tests.conftest import client_for
from tests.decisions.conftest import open_vote, vote

# -- the privacy page -------------------------------------------------------------------


def personal_fields():
    """Every field that holds or points at a person: each needs a line on the page."""
    required = {
        f"{model._meta.app_label}.{model.__name__}.{f.name}"
        for model, f in privacy._person_fields()
    }
    for model in (get_user_model(), Membership):
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if not f.primary_key:
                required.add(f"{model._meta.app_label}.{model.__name__}.{f.name}")
    return required


def test_every_personal_field_has_a_line_on_the_privacy_page(db):
    covered = {spec for line in privacy.catalogue() for spec in line.fields}
    missing = personal_fields() - covered
    assert not missing, f"add these to a privacy.Kept line (and so to /privacy/): {missing}"
    for spec in covered:  # and no line names a field that no longer exists
        app_label, model, field = spec.split(".")
        apps.get_model(app_label, model)._meta.get_field(field)


def test_the_privacy_page_shows_every_line(client, db):
    page = client.get("/privacy/").content.decode()
    from django.utils.html import escape

    for line in privacy.catalogue():
        for text in (line.what, line.how_long, line.who_sees):
            assert escape(str(text)) in page, text
    assert "IP address" in page


def test_the_privacy_page_in_spanish(client, db):
    client.cookies["django_language"] = "es"
    page = client.get("/privacy/").content.decode()
    assert "Tu dirección de correo" in page and "Quién puede verlo" in page


# -- retention --------------------------------------------------------------------------


def _old_meeting(cast, days_ago):
    meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title=f"Old {days_ago}", starts_at=timezone.now() + timedelta(hours=1)
    )
    meeting_actions.add_item(cast.facilitator, meeting=meeting, title="Item")
    meeting_actions.start_meeting(cast.facilitator, meeting=meeting)
    meeting_actions.check_in(cast.member, meeting=meeting)
    meeting.refresh_from_db()
    meeting_actions.raise_hand(cast.member, item=meeting.current_item, kind="regular")
    meeting_actions.end_meeting(cast.facilitator, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(ended_at=timezone.now() - timedelta(days=days_ago))
    return meeting


def test_the_timer_purges_what_the_assembly_keeps_no_longer(cast):
    chosen = PrivacySettings.objects.create(
        assembly=cast.assembly, attendance_days=30, speaking_days=10, participation_days=20,
        notification_days=5, audit_days=40,
    )  # fmt: skip
    old, recent = _old_meeting(cast, 45), _old_meeting(cast, 5)
    proposal = decision_actions.open_discussion(
        cast.member,
        proposal=decision_actions.draft_proposal(cast.member, title="Pledge", body="Text"),
    )
    poll = open_vote(cast, proposal=proposal, question="Adopt?")
    vote(cast.member, poll, "yes")
    poll = decision_actions.close_poll(cast.facilitator, poll=poll)
    from decisions.models import Poll

    Poll.objects.filter(pk=poll.pk).update(closed_at=timezone.now() - timedelta(days=25))
    Notification.objects.update(created_at=timezone.now() - timedelta(days=6))
    AuditEntry.objects.filter(verb="meeting.scheduled").update(
        created_at=timezone.now() - timedelta(days=41)
    )
    kept_audit = AuditEntry.objects.exclude(verb="meeting.scheduled").count()
    record.record_room_decision(
        cast.facilitator, title="Meet on Tuesdays", text="Agreed.", how_reached="consensus"
    )
    entries = cast.assembly.decisions.count()
    assert entries >= 1

    call_command("send_notifications")

    assert not Attendance.objects.filter(meeting=old).exists()
    assert Attendance.objects.filter(meeting=recent).exists()
    assert not Hand.objects.filter(item__meeting=old).exists()
    assert Hand.objects.filter(item__meeting=recent).exists()
    assert not Participation.objects.filter(poll=poll).exists()
    assert not Elector.objects.filter(poll=poll).exists()
    assert Ballot.objects.filter(poll=poll).count() == 1  # the ballots stay with the result
    poll.refresh_from_db()
    assert poll.turnout == 1
    page = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/").content.decode()
    assert f'id="poll-{poll.pk}-turnout" aria-live="polite">1<' in page
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(verb="meeting.scheduled").exists()
    assert AuditEntry.objects.count() >= kept_audit
    # The decisions log is never purged, and still verifies.
    assert cast.assembly.decisions.count() == entries
    assert record.verify(cast.assembly) is None
    # A longer period keeps them: nothing else goes on a second pass.
    chosen.attendance_days = 3650
    chosen.save()
    call_command("purge")
    assert Attendance.objects.filter(meeting=recent).exists()


def test_stewards_choose_the_periods(cast):
    steward = client_for(cast, "steward")
    form = steward.get("/a/eastside/privacy/")
    assert form.status_code == 200 and 'name="attendance_days" value="365"' in form.content.decode()
    fields = {"attendance_days": "7", "speaking_days": "7", "participation_days": "7",
              "notification_days": "7", "audit_days": "7", "email_details": "on"}  # fmt: skip
    assert steward.post("/a/eastside/privacy/", fields).status_code == 302
    chosen = privacy.settings_for(cast.assembly)
    assert chosen.attendance_days == 7 and chosen.email_details
    assert steward.post("/a/eastside/privacy/", {**fields, "audit_days": "0"}).status_code == 400
    assert steward.post("/a/eastside/privacy/", {**fields, "audit_days": "²"}).status_code == 400
    assert privacy.settings_for(cast.assembly).audit_days == 7
    for who in ("member", "facilitator"):
        assert client_for(cast, who).post("/a/eastside/privacy/", fields).status_code == 403


# -- my data ----------------------------------------------------------------------------


@pytest.fixture
def active_member(cast):
    proposal = decision_actions.open_discussion(
        cast.member2,
        proposal=decision_actions.draft_proposal(cast.member2, title="Pledge", body="Text"),
    )
    decision_actions.post_comment(cast.member, proposal=proposal, body="My own words")
    named = open_vote(cast, question="Named?")
    vote(cast.member, named, "no", reason="Because of the raids")
    secret = open_vote(cast, question="Secret?", secret=True)
    vote(cast.member, secret, "abstain")
    CalendarFeed.objects.create(member=cast.member, token_digest="d" * 64)
    cast.proposal, cast.named, cast.secret = proposal, named, secret
    return cast


def test_download_my_data(active_member):
    cast = active_member
    client = client_for(cast, "member")
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    assert data["account"]["email"] == "member@example.org"
    assert "password" not in data["account"] and data["account"]["password_set"]
    assert "My own words" in text and "Ana" in text
    named = data["records"]["named_ballots"]
    assert named == [
        {"poll": cast.named.pk, "question": "Named?", "choice": "no",
         "reason": "Because of the raids", "voted_at": named[0]["voted_at"]}
    ]  # fmt: skip
    assert {row["poll"] for row in data["records"]["participation"] if "poll" in row} >= {
        cast.named.pk,
        cast.secret.pk,
    }
    assert "abstain" not in text  # the secret ballot is linked to no one
    assert "d" * 64 not in text and "pbkdf2" not in text and "md5$" not in text
    assert data["records"]["sessions"]
    assert client_for(cast, "anonymous").get("/me/data.json").status_code == 302


# -- deleting an account ------------------------------------------------------------------


def test_delete_my_account(active_member):
    cast = active_member
    record.record_room_decision(
        cast.facilitator, title="We meet on Tuesdays", text="Agreed.", how_reached="consensus"
    )
    user = cast.member.user
    secret_ballots = list(Ballot.objects.filter(poll=cast.secret).values_list("pk", "choice"))
    client = client_for(cast, "member")
    refused = client.post("/me/delete/", {"confirm": "not my email"})
    assert refused.status_code == 302 and get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post("/me/delete/", {"confirm": "Member@Example.org"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email="member@example.org").exists()
    former = Membership.objects.get(pk=cast.member.pk)
    assert former.user_id is None and former.status == "removed"
    assert "Ana" not in former.display_name
    # What they wrote stays, signed "former member".
    comment = Comment.objects.get(body="My own words")
    assert comment.author_id == former.pk
    page = client_for(cast, "member2").get(f"/a/eastside/proposals/{cast.proposal.pk}/")
    assert "<bdi>former member</bdi>" in page.content.decode()
    # Votes still add up; the secret ballot is untouched and linked to no one.
    assert Participation.objects.filter(poll=cast.secret, member=former).exists()
    assert list(Ballot.objects.filter(poll=cast.secret).values_list("pk", "choice")) == (
        secret_ballots
    )
    assert Participation.objects.get(poll=cast.secret, member=former).ballot_id is None
    assert not CalendarFeed.objects.filter(member=former).exists()
    assert not Notification.objects.filter(recipient=former).exists()
    call_command("verify_ledger", "eastside")  # raises if the chain broke
    # The browser that deleted it is logged out (sent to the login page); no session of
    # theirs remains.
    assert client.get("/a/eastside/")["Location"].startswith("/accounts/login/")
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")
                == str(user.pk)]  # fmt: skip
    # Stewards cannot bring a deleted account back.
    steward = client_for(cast, "steward")
    steward.post(f"/a/eastside/members/{former.pk}/", {"operation": "reinstate"})
    assert Membership.objects.get(pk=former.pk).status == "removed"


def test_the_last_steward_must_hand_over_first(cast):
    client = client_for(cast, "steward")
    client.post("/me/delete/", {"confirm": "steward@example.org"})
    assert get_user_model().objects.filter(email="steward@example.org").exists()
    actions.change_role(cast.steward, member=cast.facilitator, role="steward")
    client.post("/me/delete/", {"confirm": "steward@example.org"})
    assert not get_user_model().objects.filter(email="steward@example.org").exists()


# -- sessions ----------------------------------------------------------------------------


def test_my_sessions_and_logging_out_everywhere(cast):
    phone, laptop = client_for(cast, "member"), client_for(cast, "member")
    other_person = client_for(cast, "member2")
    page = phone.get("/me/sessions/").content.decode()
    assert page.count('class="badge"') == 1  # "this one"
    rows = SessionRecord.objects.filter(user=cast.member.user)
    assert rows.count() == 2
    mine = rows.get(key_digest=privacy_digest(phone))
    assert phone.post("/me/sessions/", {"operation": "label", "pk": mine.pk,
                                        "label": "phone"}).status_code == 302  # fmt: skip
    assert SessionRecord.objects.get(pk=mine.pk).label == "phone"
    assert "phone" in phone.get("/me/sessions/").content.decode()
    # Nothing about the device or network is kept.
    assert {f.name for f in SessionRecord._meta.concrete_fields} == {
        "id",
        "user",
        "key_digest",
        "started_on",
        "seen_on",
        "label",
    }
    phone.post("/me/sessions/", {"operation": "others"})
    assert laptop.get("/a/eastside/")["Location"].startswith("/accounts/login/")
    assert phone.get("/a/eastside/").status_code == 200
    phone.post("/me/sessions/", {"operation": "everywhere"})
    assert phone.get("/a/eastside/")["Location"].startswith("/accounts/login/")
    assert other_person.get("/a/eastside/").status_code == 200


def privacy_digest(client):
    from assembly.sessions import digest

    return digest(client.session.session_key)


# -- two-factor ------------------------------------------------------------------------


def test_stewards_and_facilitators_must_set_up_two_factor_when_the_assembly_asks(cast):
    steward = client_for(cast, "steward")
    fields = {"attendance_days": "365", "speaking_days": "90", "participation_days": "365",
              "notification_days": "90", "audit_days": "730",
              "require_two_factor": "on"}  # fmt: skip
    refused = steward.post("/a/eastside/privacy/", fields)
    assert refused.status_code == 400 and not privacy.settings_for(cast.assembly).require_two_factor
    TOTP.activate(cast.steward.user, generate_totp_secret())
    assert steward.post("/a/eastside/privacy/", fields).status_code == 302
    assert privacy.settings_for(cast.assembly).require_two_factor

    facilitator = client_for(cast, "facilitator")
    for path in ("/a/eastside/", "/a/eastside/polls/new/", "/a/eastside/audit/",
                 "/a/eastside/meetings/new/"):  # fmt: skip
        response = facilitator.get(path)
        assert response.status_code == 403, path
        assert "/accounts/2fa/totp/activate/" in response.content.decode()
    assert client_for(cast, "member").get("/a/eastside/").status_code == 200
    assert steward.get("/a/eastside/settings/").status_code == 200
    assert client_for(cast, "other").get("/a/lincoln/").status_code == 200
    TOTP.activate(cast.facilitator.user, generate_totp_secret())
    assert facilitator.get("/a/eastside/polls/new/").status_code == 200


def test_a_deleted_account_leaves_the_log_verifiable_even_when_it_named_them(cast):
    chosen = privacy.settings_for(cast.assembly)
    chosen.ledger_names = True
    chosen.save()
    entry = record.record_room_decision(
        cast.facilitator, title="T", text="X", how_reached="consensus"
    )
    assert entry.recorded_by == "Teo"
    actions.change_role(cast.steward, member=cast.member, role="facilitator")
    Client().logout()
    privacy.delete_account(cast.facilitator.user, confirm="fac@example.org")
    assert record.verify(cast.assembly) is None


def test_log_entries_name_no_one_by_default(cast):
    entry = record.record_room_decision(
        cast.facilitator, title="T", text="X", how_reached="consensus"
    )
    assert entry.recorded_by == ""
