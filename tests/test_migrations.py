"""Migrations keep the data: a database as it was before meetings became an app of their
own and the notification inbox moved to the base (assembly_meeting..., decisions_notification...)
is migrated forward with rows in every moved table, and back again, and nothing is lost.
Runs on whichever database the suite uses (SQLite, and PostgreSQL in CI's second pass)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

# The schema as it was on main before the moves.
BEFORE = [
    ("assembly", "0006_submissions"),
    ("decisions", "0005_room_counts"),
    ("meetings", None),
]

MEETING_TABLES = [
    "meeting", "meeting_facilitators", "agendaitem", "hand", "attendance", "meetingpoll",
    "sanction", "proxy", "meetingsettings",
]  # fmt: skip
NOTIFICATION_TABLES = ["notification", "notificationpreference", "digestchoice"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def tables():
    return set(connection.introspection.table_names())


def fill(apps):
    """A row in every moved table, through the models as they were."""
    User = apps.get_model("assembly", "User")
    Assembly = apps.get_model("assembly", "Assembly")
    Membership = apps.get_model("assembly", "Membership")
    Poll = apps.get_model("decisions", "Poll")
    Meeting = apps.get_model("assembly", "Meeting")
    now = timezone.now()
    user = User.objects.create(email="kept@example.org", language="es")
    other = User.objects.create(email="other@example.org")
    assembly = Assembly.objects.create(name="Kept", slug="kept")
    me = Membership.objects.create(
        assembly=assembly, user=user, display_name="Kept", name_skeleton="kept", role="steward"
    )
    them = Membership.objects.create(
        assembly=assembly, user=other, display_name="Other", name_skeleton="other"
    )
    meeting = Meeting.objects.create(
        assembly=assembly, title="Tuesday", starts_at=now, projector_token="p" * 24, created_by=me
    )
    meeting.facilitators.add(me)
    item = apps.get_model("assembly", "AgendaItem").objects.create(
        meeting=meeting, title="Rent strike", position=1
    )
    hand = apps.get_model("assembly", "Hand").objects.create(
        item=item, member=them, raised_seq=1, kind="regular"
    )
    item.current_hand = hand
    item.save()
    meeting.current_item = item
    meeting.save()
    apps.get_model("assembly", "Attendance").objects.create(meeting=meeting, member=them)
    poll = Poll.objects.create(
        assembly=assembly, question="Strike?", method="majority", opened_by=me
    )
    apps.get_model("assembly", "MeetingPoll").objects.create(meeting=meeting, item=item, poll=poll)
    apps.get_model("assembly", "Sanction").objects.create(
        meeting=meeting, member=them, kind="mute", reason="shouting", by=me
    )
    apps.get_model("assembly", "Proxy").objects.create(meeting=meeting, delegator=them, delegate=me)
    apps.get_model("assembly", "MeetingSettings").objects.create(
        assembly=assembly, progressive="item"
    )
    apps.get_model("decisions", "Notification").objects.create(
        recipient=me, kind="poll_opened", subject="Strike?", url="/a/kept/polls/1/",
        key=f"poll:{poll.pk}", created_at=now - timedelta(days=1), email_pending=True,
    )  # fmt: skip
    apps.get_model("decisions", "NotificationPreference").objects.create(
        user=user, kind="callout", in_app=True, email=False
    )
    apps.get_model("decisions", "DigestChoice").objects.create(user=user, last_sent_at=now)
    return {"meeting": meeting.pk, "item": item.pk, "hand": hand.pk, "poll": poll.pk}


def check(apps, app, notifications_app, ids):
    """Every row is there, through the models as they now are."""
    Meeting = apps.get_model(app, "Meeting")
    meeting = Meeting.objects.get(pk=ids["meeting"])
    assert meeting.title == "Tuesday" and meeting.projector_token == "p" * 24
    assert [m.display_name for m in meeting.facilitators.all()] == ["Kept"]
    assert meeting.current_item_id == ids["item"]
    item = apps.get_model(app, "AgendaItem").objects.get(pk=ids["item"])
    assert item.meeting_id == meeting.pk and item.current_hand_id == ids["hand"]
    assert apps.get_model(app, "Hand").objects.get(pk=ids["hand"]).member.display_name == "Other"
    assert apps.get_model(app, "Attendance").objects.filter(meeting=meeting).count() == 1
    assert apps.get_model(app, "MeetingPoll").objects.get(meeting=meeting).poll_id == ids["poll"]
    assert apps.get_model(app, "Sanction").objects.get(meeting=meeting).reason == "shouting"
    assert apps.get_model(app, "Proxy").objects.get(meeting=meeting).delegate.display_name == "Kept"
    assert apps.get_model(app, "MeetingSettings").objects.get().progressive == "item"
    notification = apps.get_model(notifications_app, "Notification").objects.get()
    assert (notification.kind, notification.key) == ("poll_opened", f"poll:{ids['poll']}")
    assert notification.recipient.display_name == "Kept" and notification.email_pending
    preference = apps.get_model(notifications_app, "NotificationPreference").objects.get()
    assert (preference.kind, preference.in_app, preference.email) == ("callout", True, False)
    digest = apps.get_model(notifications_app, "DigestChoice").objects.get()
    assert digest.user.email == "kept@example.org" and digest.last_sent_at is not None


def test_moving_meetings_and_notifications_keeps_every_row():
    final = latest()
    try:
        old = migrate(BEFORE)
        assert {f"assembly_{t}" for t in MEETING_TABLES} <= tables()
        assert {f"decisions_{t}" for t in NOTIFICATION_TABLES} <= tables()
        ids = fill(old)

        now = migrate(final)
        check(now, "meetings", "assembly", ids)
        assert {f"meetings_{t}" for t in MEETING_TABLES} <= tables()
        assert {f"assembly_{t}" for t in NOTIFICATION_TABLES} <= tables()
        assert not {f"assembly_{t}" for t in MEETING_TABLES} & tables()
        assert not {f"decisions_{t}" for t in NOTIFICATION_TABLES} & tables()
        # The app's own code reads them too.
        from assembly.models import Notification
        from meetings.models import Meeting

        assert Meeting.objects.get(pk=ids["meeting"]).items.get().hands.count() == 1
        assert Notification.objects.get().recipient.user.email == "kept@example.org"

        # And back: the old schema gets its rows again.
        again = migrate(BEFORE)
        check(again, "assembly", "decisions", ids)
    finally:
        migrate(final)


def test_content_types_move_with_their_models():
    """The admin's history and permissions point at content types: they follow."""
    final = latest()
    try:
        old = migrate(BEFORE)
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label__in=["meetings", "assembly", "decisions"]).filter(
            model__in=["meeting", "hand", "notification"]
        ).delete()
        before = {
            ContentType.objects.create(app_label="assembly", model="meeting").pk: "meetings",
            ContentType.objects.create(app_label="assembly", model="hand").pk: "meetings",
            ContentType.objects.create(app_label="decisions", model="notification").pk: "assembly",
        }
        now = migrate(final)
        moved = now.get_model("contenttypes", "ContentType").objects.in_bulk(list(before))
        assert {pk: ct.app_label for pk, ct in moved.items()} == before
    finally:
        migrate(final)
