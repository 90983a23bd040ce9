"""Reads that group pages, the board and sockets need.

`access_*` fetch and authorise in one step (a missing group and a forbidden one in
another assembly look the same: 404). Every list is fetched with its related rows in a
fixed number of queries, whatever its length.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from assembly.models import Membership
from assembly.queries import access_assembly

from .models import Group, GroupMembership, Post, PostRevision, Signup
from .permissions import GroupPerm, Standing

PAGE_SIZE = 30
BOARD_SIZE = 40
HOME_SIZE = 6
# A need stays on the board until this long after its start: people may still be there.
NEED_GRACE = timedelta(hours=6)


def access_group(user, slug, group_slug, permission=GroupPerm.VIEW):
    """The person's Standing in a group of the assembly `slug`.

    Not an active member of the assembly, or no such group there: 404. Allowed to see
    the group but not to do `permission`: 403.
    """
    me = access_assembly(user, slug)
    group = Group.objects.filter(assembly_id=me.assembly_id, slug=group_slug).first()
    if group is None:
        raise Http404
    group.assembly = me.assembly
    mine = GroupMembership.objects.filter(group=group, member=me).first()
    standing = Standing(me=me, group=group, mine=mine)
    if not standing.can(permission):
        raise PermissionDenied
    return standing


def access_post(standing, pk):
    post = (
        _posts(standing)
        .filter(pk=pk)
        .prefetch_related(Prefetch("signups", queryset=Signup.objects.select_related("member")))
        .first()
    )
    if post is None:
        raise Http404
    return post


def access_member_of_group(standing, pk):
    row = (
        GroupMembership.objects.select_related("member").filter(group=standing.group, pk=pk).first()
    )
    if row is None:
        raise Http404
    return row


def groups_of(me):
    """Every group of the assembly with its member count, and the person's own rows."""
    groups = list(
        Group.objects.filter(assembly_id=me.assembly_id).annotate(
            member_count=Count(
                "memberships",
                filter=Q(
                    memberships__status=GroupMembership.Status.ACTIVE,
                    memberships__member__status=Membership.Status.ACTIVE,
                ),
            )
        )
    )
    mine = {
        row.group_id: row
        for row in GroupMembership.objects.filter(member=me, group__assembly_id=me.assembly_id)
    }
    for group in groups:
        group.mine = mine.get(group.pk)
    return groups


def people(group):
    """The group's active members (leads first), whose assembly membership is active."""
    return list(
        GroupMembership.objects.filter(
            group=group,
            status=GroupMembership.Status.ACTIVE,
            member__status=Membership.Status.ACTIVE,
        )
        .select_related("member")
        .order_by("-is_lead", "member__display_name")
    )


def waiting_and_removed(group):
    return list(
        GroupMembership.objects.filter(group=group)
        .exclude(status=GroupMembership.Status.ACTIVE)
        .filter(member__status=Membership.Status.ACTIVE)
        .select_related("member")
        .order_by("status", "joined_at")
    )


def notification_recipients(group):
    """Who should hear about a group's posts: its active members who have not muted it."""
    return Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        group_memberships__group=group,
        group_memberships__status=GroupMembership.Status.ACTIVE,
        group_memberships__muted=False,
    )


def _posts(standing_or_me):
    me = getattr(standing_or_me, "me", standing_or_me)
    return (
        Post.objects.filter(assembly_id=me.assembly_id)
        .select_related("author", "group")
        .annotate(
            signed_up=Exists(Signup.objects.filter(post=OuterRef("pk"), member_id=me.pk)),
        )
    )


def group_posts(standing, *, before=None, limit=PAGE_SIZE):
    """A page of the group's stream, newest first, and whether older posts exist.

    Who signed up for each need comes along only for those who may see it."""
    qs = _posts(standing).filter(group=standing.group)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    qs = qs.order_by("-pk")
    if standing.can_view_signups:
        qs = qs.prefetch_related(
            Prefetch("signups", queryset=Signup.objects.select_related("member"))
        )
    posts = list(qs[: limit + 1])
    return posts[:limit], len(posts) > limit


def board(me, *, group_slug="", group_kind="", show="", limit=BOARD_SIZE):
    """The coordination board: report-backs and open needs of every group, newest first."""
    open_needs = Q(kind=Post.Kind.NEED, starts_at__gte=timezone.now() - NEED_GRACE)
    reports = Q(kind=Post.Kind.REPORT)
    if show == Post.Kind.NEED:
        wanted = open_needs
    elif show == Post.Kind.REPORT:
        wanted = reports
    else:
        wanted = open_needs | reports
    qs = _posts(me).filter(wanted)
    if group_slug:
        qs = qs.filter(group__slug=group_slug)
    if group_kind:
        qs = qs.filter(group__kind=group_kind)
    return list(qs.order_by("-created_at", "-pk")[:limit])


def board_groups(me):
    return list(Group.objects.filter(assembly_id=me.assembly_id).only("name", "slug", "kind"))


def revisions(post):
    return list(PostRevision.objects.filter(post=post).select_related("replaced_by"))
