"""What people do with working groups, through groups/actions.py: each checks who may,
validates, writes in one transaction, audits a lead's decisions about others, and tells
the live streams (only what changed, never HTML or names) on commit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assembly.errors import ActionError, NotAllowed
from assembly.models import AuditEntry
from groups import actions, queries
from groups.models import Group, GroupMembership, Post, PostRevision, Signup
from tests.groups.conftest import post_need, soon


def streams_of(sent):
    return [(group, event["type"]) for group, event in sent]


def row(crew, who, group=None):
    return GroupMembership.objects.get(group=group or crew.group, member=getattr(crew, who))


# -- groups ----------------------------------------------------------------------------


def test_a_steward_creates_a_group_with_leads(cast, capture_live):
    with capture_live() as sent:
        group = actions.create_group(
            cast.steward, name="  Mutual   Aid ", kind="mutual_aid",
            mandate="Groceries *and* rides", join_policy="approval",
            leads=[cast.member, cast.member2],
        )  # fmt: skip
    assert group.name == "Mutual Aid" and group.slug == "mutual-aid"
    assert group.mandate_html == "<p>Groceries <em>and</em> rides</p>"
    leads = GroupMembership.objects.filter(group=group, is_lead=True)
    assert {r.member_id for r in leads} == {cast.member.pk, cast.member2.pk}
    assert AuditEntry.objects.filter(verb="group.created", actor=cast.steward).exists()
    assert streams_of(sent) == [
        (f"s.group.{group.pk}", "group.created"),
        (f"s.board.{cast.assembly.pk}", "group.created"),
    ]


def test_group_slugs_stay_unique_and_readable(cast):
    a = actions.create_group(cast.steward, name="New", kind="other", leads=[cast.member])
    # Two names that differ (no look-alikes: see tests/assembly/test_names.py) but slugify
    # alike.
    b = actions.create_group(cast.steward, name="New!", kind="other", leads=[cast.member])
    c = actions.create_group(cast.steward, name="救援", kind="other", leads=[cast.member])
    assert (a.slug, b.slug, c.slug) == ("new-group", "new-group-2", "group")


@pytest.mark.parametrize("who", ["member", "facilitator", "suspended"])
def test_only_stewards_create_groups(cast, who):
    with pytest.raises(NotAllowed):
        actions.create_group(getattr(cast, who), name="X", kind="other", leads=[cast.member])
    assert not Group.objects.exists()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"leads": []}, "Choose at least one lead."),
        ({"name": "   "}, "A working group needs a name."),
        ({"name": "x" * 121}, "A group's name can be at most 120 characters."),
        ({"kind": "cabal"}, "Choose what kind of group this is."),
        ({"join_policy": "secret"}, "Choose how people join the group."),
        ({"mandate": "a\x00b"}, "The text contains characters that cannot be stored."),
    ],
)
def test_creating_a_group_validates(cast, changes, message):
    args = {"name": "X", "kind": "other", "leads": [cast.member]} | changes
    with pytest.raises(ActionError) as caught:
        actions.create_group(cast.steward, **args)
    assert caught.value.message == message
    assert not Group.objects.exists()


def test_leads_must_be_active_members_of_this_assembly(cast):
    for lead in [cast.suspended, cast.other]:
        with pytest.raises(ActionError):
            actions.create_group(cast.steward, name="X", kind="other", leads=[lead])
    assert not Group.objects.exists()


def test_a_lead_edits_the_group_and_the_edit_is_audited(crew, capture_live):
    with capture_live() as sent:
        actions.update_group(
            crew.lead, crew.group, name="Rapid Response Line", kind="rapid_response",
            mandate="New", join_policy="approval", members_may_post=True,
        )  # fmt: skip
    crew.group.refresh_from_db()
    assert crew.group.slug == "rapid-response"  # links keep working
    assert crew.group.members_may_post and crew.group.join_policy == "approval"
    entry = AuditEntry.objects.get(verb="group.updated")
    assert set(entry.detail["fields"]) == {"name", "mandate", "join_policy", "members_may_post"}
    assert streams_of(sent)[0] == (f"s.group.{crew.group.pk}", "group.updated")


# -- joining, leaving, leads ---------------------------------------------------------------


def test_joining_an_open_group_is_immediate(crew, capture_live):
    with capture_live() as sent:
        mine = actions.join_group(crew.member, crew.group)
    assert mine.status == "active" and not mine.is_lead
    assert streams_of(sent) == [(f"s.group.{crew.group.pk}", "member.joined")]
    with pytest.raises(ActionError, match="already in this group"):
        actions.join_group(crew.member, crew.group)


def test_joining_a_group_with_approval_waits_for_a_lead(crew):
    crew.group.join_policy = "approval"
    crew.group.save()
    mine = actions.join_group(crew.member, crew.group)
    assert mine.status == "pending"
    with pytest.raises(ActionError, match="already waiting"):
        actions.join_group(crew.member, crew.group)
    # A pending person is not a member: cannot post, mute, or see their name listed.
    assert crew.member.pk not in {r.member_id for r in queries.people(crew.group)}
    with pytest.raises(NotAllowed):
        actions.set_muted(crew.member, crew.group, muted=True)
    with pytest.raises(NotAllowed):
        actions.decide_request(crew.gmember, crew.group, target=mine, approve=True)
    actions.decide_request(crew.lead, crew.group, target=mine, approve=True)
    assert row(crew, "member").status == "active"
    assert AuditEntry.objects.filter(verb="group.request_approved", target=crew.member).exists()


def test_a_lead_declines_a_request(crew):
    crew.group.join_policy = "approval"
    crew.group.save()
    mine = actions.join_group(crew.member, crew.group)
    actions.decide_request(crew.steward, crew.group, target=mine, approve=False)
    assert not GroupMembership.objects.filter(pk=mine.pk).exists()
    # Withdrawing one's own request is leaving before being in.
    again = actions.join_group(crew.member, crew.group)
    actions.leave_group(crew.member, crew.group)
    assert not GroupMembership.objects.filter(pk=again.pk).exists()


def test_removed_people_cannot_rejoin_until_a_lead_lets_them_back(crew):
    actions.remove_from_group(crew.lead, crew.group, target=row(crew, "gmember"), reason="spam")
    assert row(crew, "gmember").status == "removed"
    entry = AuditEntry.objects.get(verb="group.member_removed")
    assert entry.reason == "spam" and entry.target == crew.gmember
    with pytest.raises(ActionError, match="removed you"):
        actions.join_group(crew.gmember, crew.group)
    with pytest.raises(NotAllowed):
        actions.create_post(crew.gmember, crew.group, kind="update", title="x", body="y")
    actions.decide_request(crew.lead, crew.group, target=row(crew, "gmember"), approve=True)
    assert row(crew, "gmember").status == "active"


def test_removal_frees_the_persons_places_and_bars_new_signups(crew, capture_live):
    coming, later = post_need(crew), post_need(crew, title="Later", starts_at=soon(60))
    elsewhere = actions.create_group(crew.steward, name="Other", kind="other", leads=[crew.member])
    theirs = actions.create_post(crew.member, elsewhere, kind="need", title="Rides",
                                 starts_at=soon(), place="Library", wanted=2)  # fmt: skip
    for need in (coming, later, theirs):
        actions.sign_up(crew.gmember, need)
    actions.sign_up(crew.member2, coming)
    with capture_live() as sent:
        actions.remove_from_group(crew.lead, crew.group, target=row(crew, "gmember"))
    for need, count in [(coming, 1), (later, 0), (theirs, 1)]:
        need.refresh_from_db()
        assert need.signups_count == count == need.signups.count()
    assert [e["data"]["post"] for g, e in sent if e["type"] == "need.changed"] == [
        coming.pk, coming.pk, later.pk, later.pk,
    ]  # fmt: skip
    with pytest.raises(NotAllowed):
        actions.sign_up(crew.gmember, coming)


def test_leads_make_and_unmake_leads_but_a_group_keeps_one(crew):
    actions.set_lead(crew.lead, crew.group, target=row(crew, "gmember"), lead=True)
    assert row(crew, "gmember").is_lead
    # The new lead may now manage, and the old lead may step back.
    actions.set_lead(crew.gmember, crew.group, target=row(crew, "lead"), lead=False)
    with pytest.raises(ActionError, match="at least one lead"):
        actions.set_lead(crew.steward, crew.group, target=row(crew, "gmember"), lead=False)
    with pytest.raises(ActionError, match="at least one lead"):
        actions.remove_from_group(crew.steward, crew.group, target=row(crew, "gmember"))
    with pytest.raises(ActionError, match="last lead"):
        actions.leave_group(crew.gmember, crew.group)
    assert AuditEntry.objects.filter(verb="group.lead_changed").count() == 2


def test_a_plain_member_cannot_manage(crew):
    actions.join_group(crew.member, crew.group)
    for call in [
        lambda: actions.set_lead(crew.gmember, crew.group, target=row(crew, "member"), lead=True),
        lambda: actions.remove_from_group(crew.gmember, crew.group, target=row(crew, "member")),
        lambda: actions.update_group(crew.facilitator, crew.group, name="X", kind="other",
                                     mandate="", join_policy="open", members_may_post=True),
    ]:  # fmt: skip
        with pytest.raises(NotAllowed):
            call()


def test_a_lead_cannot_reach_into_another_group(crew):
    other = actions.create_group(crew.steward, name="Other", kind="other", leads=[crew.member2])
    actions.join_group(crew.member, other)
    theirs = GroupMembership.objects.get(group=other, member=crew.member)
    with pytest.raises(ActionError, match="not in this group"):
        actions.remove_from_group(crew.lead, crew.group, target=theirs)
    assert GroupMembership.objects.get(pk=theirs.pk).status == "active"


def test_muting_is_per_person_and_honoured_by_the_recipients_list(crew, capture_live):
    with capture_live() as sent:
        actions.set_muted(crew.gmember, crew.group, muted=True)
    assert sent == []  # private: nobody else is told
    assert row(crew, "gmember").muted
    recipients = set(queries.notification_recipients(crew.group))
    assert recipients == {crew.lead}
    actions.set_muted(crew.gmember, crew.group, muted=False)
    assert set(queries.notification_recipients(crew.group)) == {crew.lead, crew.gmember}


# -- posts -----------------------------------------------------------------------------------


def test_a_lead_posts_a_report_back_and_it_reaches_the_board(crew, capture_live):
    with capture_live() as sent:
        post = actions.create_post(
            crew.lead, crew.group, kind="report", title="March", body="We verified **14** calls.",
            asks="Approve $80 for phones.",
        )  # fmt: skip
    assert post.body_html == "<p>We verified <strong>14</strong> calls.</p>"
    assert post.asks_html == "<p>Approve $80 for phones.</p>"
    assert sent == [
        (f"s.group.{crew.group.pk}", {"stream": f"group:{crew.group.pk}", "type": "post.created",
                                      "data": {"post": post.pk, "kind": "report"}}),
        (f"s.board.{crew.assembly.pk}", {"stream": f"board:{crew.assembly.pk}",
                                         "type": "post.created",
                                         "data": {"post": post.pk, "kind": "report"}}),
    ]  # fmt: skip


def test_an_update_does_not_go_to_the_board(crew, capture_live):
    with capture_live() as sent:
        actions.create_post(crew.lead, crew.group, kind="update", title="News", body="Hi")
    assert streams_of(sent) == [(f"s.group.{crew.group.pk}", "post.created")]


def test_members_post_only_where_the_group_allows_it(crew):
    with pytest.raises(NotAllowed):
        actions.create_post(crew.gmember, crew.group, kind="update", title="x", body="y")
    crew.group.members_may_post = True
    crew.group.save()
    actions.create_post(crew.gmember, crew.group, kind="update", title="x", body="y")
    with pytest.raises(NotAllowed):  # still only members of the group
        actions.create_post(crew.member, crew.group, kind="update", title="x", body="y")


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"kind": "rumour"}, "Choose an update, a report-back or a need."),
        ({"title": ""}, "Give the post a short title."),
        ({"title": "t" * 141}, "A title can be at most 140 characters."),
        ({"starts_at": None}, "Say when people are needed."),
        ({"starts_at": "tomorrow"}, "Say when people are needed."),
        ({"starts_at": timezone.now() - timedelta(days=1)}, "That time has already passed."),
        ({"starts_at": timezone.now() + timedelta(days=800)},
         "Choose a time within the next two years."),
        ({"place": " "}, "Say where people are needed."),
        ({"wanted": 0}, "Ask for between 1 and 1000 people."),
        ({"wanted": 1001}, "Ask for between 1 and 1000 people."),
        ({"wanted": "3"}, "Ask for between 1 and 1000 people."),
        ({"wanted": True}, "Ask for between 1 and 1000 people."),
        ({"body": "x" * 20001}, "Keep the text under 20,000 characters."),
    ],
)  # fmt: skip
def test_a_need_is_validated(crew, changes, message):
    args = {"kind": "need", "title": "Watch", "starts_at": soon(), "place": "Gate", "wanted": 3}
    with pytest.raises(ActionError) as caught:
        actions.create_post(crew.lead, crew.group, **(args | changes))
    assert caught.value.message == message
    assert not Post.objects.exists()


def test_updates_and_reports_need_text(crew):
    for kind in ["update", "report"]:
        with pytest.raises(ActionError, match="Write what"):
            actions.create_post(crew.lead, crew.group, kind=kind, title="T", body="  ")


def test_editing_keeps_the_previous_version_and_marks_the_post(crew, capture_live):
    post = actions.create_post(crew.lead, crew.group, kind="update", title="Old", body="old *text*")
    with capture_live() as sent:
        actions.edit_post(crew.lead, post, title="New", body="new text")
    post.refresh_from_db()
    assert post.edited_at is not None and post.body_html == "<p>new text</p>"
    (previous,) = PostRevision.objects.filter(post=post)
    assert previous.title == "Old" and previous.body_html == "<p>old <em>text</em></p>"
    assert previous.replaced_by == crew.lead
    assert streams_of(sent) == [(f"s.group.{crew.group.pk}", "post.edited")]
    # An edit that changes nothing keeps no new version.
    actions.edit_post(crew.lead, post, title="New", body="new text")
    assert PostRevision.objects.filter(post=post).count() == 1
    # An author edits only their own; a lead or steward edits anyone's, and it is audited.
    crew.group.members_may_post = True
    crew.group.save()
    theirs = actions.create_post(crew.gmember, crew.group, kind="update", title="A", body="B")
    with pytest.raises(NotAllowed):
        actions.edit_post(crew.gmember, post, title="Hijack", body="x")
    actions.edit_post(crew.steward, theirs, title="A", body="B (moderated)")
    assert AuditEntry.objects.filter(verb="post.edited", target=crew.gmember).exists()


def test_a_need_cannot_be_shrunk_below_its_signups(crew, need):
    actions.sign_up(crew.member, need)
    actions.sign_up(crew.member2, need)
    with pytest.raises(ActionError, match="2 people have already signed up"):
        actions.edit_post(crew.lead, need, title=need.title, body=need.body,
                          starts_at=need.starts_at, place=need.place, wanted=1)  # fmt: skip
    actions.edit_post(crew.lead, need, title=need.title, body=need.body,
                      starts_at=need.starts_at, place=need.place, wanted=2)  # fmt: skip
    need.refresh_from_db()
    assert need.is_full


def test_deleting_a_post(crew, need, capture_live):
    actions.sign_up(crew.member, need)
    with pytest.raises(NotAllowed):
        actions.delete_post(crew.gmember, need)
    with capture_live() as sent:
        actions.delete_post(crew.steward, need, reason="duplicate")
    assert not Post.objects.filter(pk=need.pk).exists()
    assert not Signup.objects.exists()
    assert AuditEntry.objects.get(verb="post.deleted").reason == "duplicate"
    assert (f"s.board.{crew.assembly.pk}", "post.deleted") in streams_of(sent)
    with pytest.raises(ActionError, match="already deleted"):
        actions.delete_post(crew.steward, need)


# -- needs and sign-ups ------------------------------------------------------------------------


def test_signing_up_and_withdrawing(crew, need, capture_live):
    with capture_live() as sent:
        actions.sign_up(crew.member, need)
    need.refresh_from_db()
    assert need.signups_count == 1 and need.still_wanted == 2
    data = {"post": need.pk, "filled": 1, "wanted": 3}
    assert [(g, e["type"], e["data"]) for g, e in sent] == [
        (f"s.group.{crew.group.pk}", "need.changed", data),
        (f"s.board.{crew.assembly.pk}", "need.changed", data),
    ]
    with pytest.raises(ActionError, match="already signed up"):
        actions.sign_up(crew.member, need)
    actions.withdraw(crew.member, need)
    need.refresh_from_db()
    assert need.signups_count == 0
    with pytest.raises(ActionError, match="had not signed up"):
        actions.withdraw(crew.member, need)


def test_a_full_need_takes_no_one_else(crew):
    need = post_need(crew, wanted=1)
    actions.sign_up(crew.facilitator, need)
    with pytest.raises(ActionError, match="already filled"):
        actions.sign_up(crew.steward, need)
    assert Signup.objects.filter(post=need).count() == 1


def test_a_past_need_takes_no_one(crew):
    need = post_need(crew, starts_at=timezone.now() + timedelta(minutes=1))
    Post.objects.filter(pk=need.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ActionError, match="already passed"):
        actions.sign_up(crew.member, need)


@pytest.mark.parametrize("who", ["suspended", "other"])
def test_outsiders_cannot_sign_up(crew, need, who):
    with pytest.raises(NotAllowed):
        actions.sign_up(getattr(crew, who), need)
    assert not Signup.objects.exists()


def test_only_needs_take_signups(crew):
    post = actions.create_post(crew.lead, crew.group, kind="update", title="T", body="B")
    with pytest.raises(ActionError, match="no longer exists"):
        actions.sign_up(crew.member, post)


def test_the_board_shows_report_backs_and_open_needs_newest_first(crew, need):
    report = actions.create_post(crew.lead, crew.group, kind="report", title="R", body="B")
    actions.create_post(crew.lead, crew.group, kind="update", title="U", body="B")
    old = post_need(crew, title="Yesterday")
    Post.objects.filter(pk=old.pk).update(starts_at=timezone.now() - timedelta(days=1))
    assert [p.pk for p in queries.board(crew.member)] == [report.pk, need.pk]
    assert [p.pk for p in queries.board(crew.member, show="need")] == [need.pk]
    assert [p.pk for p in queries.board(crew.member, group_kind="training")] == []
    assert [p.pk for p in queries.board(crew.member, group_slug="rapid-response")] == [
        report.pk, need.pk,
    ]  # fmt: skip
