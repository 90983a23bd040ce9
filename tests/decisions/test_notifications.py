"""Notifications: each person's choices honoured, digests, and nothing lost when the mail
server fails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assembly import notifications
from assembly.models import DigestChoice, Notification, NotificationPreference
from decisions import actions, notify, record
from tests.conftest import client_for
from tests.decisions.conftest import open_vote


def test_a_vote_opening_notifies_the_electorate(cast, capture_live):
    with capture_live() as sent:
        poll = open_vote(cast, question="Strike on Friday?")
    recipients = set(
        Notification.objects.filter(kind="poll_opened").values_list("recipient_id", flat=True)
    )
    assert recipients == {cast.member.pk, cast.member2.pk, cast.steward.pk}  # not the opener
    user_events = [g for g, e in sent if e.get("type") == "notification.created"]
    assert len(user_events) == 3
    page = client_for(cast, "member").get("/notifications/").content.decode()
    assert "Strike on Friday?" in page
    assert poll.pk


def test_preferences_off_means_no_notification(cast):
    NotificationPreference.objects.create(
        user=cast.member.user, kind="poll_opened", in_app=False, email=False
    )
    NotificationPreference.objects.create(
        user=cast.member2.user, kind="poll_opened", in_app=False, email=True
    )
    open_vote(cast, question="Q?")
    assert not Notification.objects.filter(recipient=cast.member).exists()
    email_only = Notification.objects.get(recipient=cast.member2)
    assert email_only.email_pending and not email_only.in_app
    assert notifications.unread_count(cast.member2.user) == 0


def test_settings_page_saves_choices(cast):
    client = client_for(cast, "member")
    client.post("/notifications/settings/", {"email-poll_opened": "on", "digest": "daily"})
    pref = NotificationPreference.objects.get(user=cast.member.user, kind="poll_opened")
    assert (pref.in_app, pref.email) == (False, True)
    assert DigestChoice.objects.filter(user=cast.member.user).exists()


def _details(assembly):
    """These tests read what the email says: the assembly chooses detailed emails
    (content-free is the default: tests/decisions/test_email_privacy.py)."""
    from assembly import privacy

    chosen = privacy.settings_for(assembly)
    chosen.email_details = True
    chosen.save()


def test_immediate_email_and_retry_after_a_failing_mail_server(cast, settings):
    _details(cast.assembly)
    open_vote(cast, question="Rent strike?")
    settings.EMAIL_BACKEND = "tests.decisions.failing_mail.Backend"
    sent, failed = notifications.send_pending()
    assert (sent, failed) == (0, 3)
    assert Notification.objects.filter(email_pending=True).count() == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent, failed = notifications.send_pending()
    assert (sent, failed) == (3, 0)
    assert len(mail.outbox) == 3 and "Rent strike?" in mail.outbox[0].subject
    assert not Notification.objects.filter(email_pending=True).exists()


def test_a_digest_gathers_items_into_one_email_a_day(cast):
    _details(cast.assembly)
    DigestChoice.objects.create(user=cast.member.user)
    open_vote(cast, question="First?")
    open_vote(cast, question="Second?")
    notifications.send_pending()
    to_member = [m for m in mail.outbox if m.to == ["member@example.org"]]
    assert len(to_member) == 1
    assert "First?" in to_member[0].body and "Second?" in to_member[0].body
    open_vote(cast, question="Third?")
    notifications.send_pending()  # within 24 hours: waits for tomorrow's digest
    assert len([m for m in mail.outbox if m.to == ["member@example.org"]]) == 1
    later = timezone.now() + timedelta(hours=25)
    notifications.send_pending(now=later)
    assert len([m for m in mail.outbox if m.to == ["member@example.org"]]) == 2


def test_email_is_in_the_recipients_language(cast):
    _details(cast.assembly)
    cast.member.user.language = "es"
    cast.member.user.save()
    open_vote(cast, question="¿Huelga?")
    notifications.send_pending()
    to_member = [m for m in mail.outbox if m.to == ["member@example.org"]][0]
    assert "votación" in to_member.subject.lower()


def test_closing_soon_reminder_only_for_those_who_have_not_voted(cast):
    from tests.decisions.conftest import vote

    poll = open_vote(cast, question="Q?", closes_at=timezone.now() + timedelta(hours=3))
    vote(cast.member, poll, "yes")
    call_command("send_notifications")
    reminded = set(
        Notification.objects.filter(kind="poll_closing").values_list("recipient_id", flat=True)
    )
    assert cast.member.pk not in reminded and cast.member2.pk in reminded
    call_command("send_notifications")  # once only
    assert Notification.objects.filter(kind="poll_closing").count() == len(reminded)


def test_reply_to_my_comment(cast, proposal):
    top = actions.post_comment(cast.member2, proposal=proposal, body="Question?")
    actions.post_comment(cast.member, proposal=proposal, body="Answer.", parent=top)
    assert Notification.objects.filter(recipient=cast.member2, kind="comment_reply").exists()


def test_overdue_action_assigned_to_me(cast):
    entry = record.record_room_decision(
        cast.facilitator, title="Flyers", text="Print flyers.", how_reached="consensus"
    )
    record.add_action_item(
        cast.facilitator, decision=entry, what="Print 500 flyers", assignee=cast.member,
        due=timezone.localdate() - timedelta(days=2),
    )  # fmt: skip
    notify.due_reminders()
    assert Notification.objects.filter(recipient=cast.member, kind="action_overdue").exists()


@pytest.mark.parametrize("who", ["member", "member2", "nobody", "anonymous"])
def test_opening_a_notification_marks_it_read_and_is_private(cast, who):
    open_vote(cast, question="Q?")
    notification = Notification.objects.get(recipient=cast.member)
    response = client_for(cast, who).get(f"/notifications/{notification.pk}/")
    if who == "member":
        assert response.status_code == 302
        notification.refresh_from_db()
        assert notification.read_at is not None
    elif who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
        notification.refresh_from_db()
        assert notification.read_at is None
