"""Who may do what with working groups. The one place that says so.

Built on assembly/roles.py: the assembly is the boundary (only its active members see
its groups), stewards hold the assembly-wide powers, and a group's leads hold the
powers over their own group. Actions ask `allows`; templates ask a `Standing`.
"""

from dataclasses import dataclass

from django.db import models

from assembly.roles import RANK, Perm, Role


class GroupPerm(models.TextChoices):
    VIEW = "view"  # see the groups, their pages, members and posts
    CREATE_GROUP = "create_group"
    EDIT_GROUP = "edit_group"  # name, kind, mandate, joining and posting rules
    MANAGE_MEMBERS = "manage_members"  # approve, remove, make or unmake leads
    JOIN = "join"
    LEAVE = "leave"
    MUTE = "mute"
    POST = "post"
    MODERATE_POSTS = "moderate_posts"  # edit or delete anyone's post in the group
    VIEW_HISTORY = "view_history"  # earlier versions of edited posts
    VIEW_SIGNUPS = "view_signups"  # who signed up for a need
    SIGN_UP = "sign_up"


def _is_steward(me):
    return RANK.get(me.role, 0) >= RANK[Role.STEWARD]


def allows(me, permission, *, group=None, mine=None):
    """Whether the assembly membership `me` (with group membership `mine`, or None) may
    do `permission` in `group`."""
    if me is None or not me.can(Perm.VIEW):
        return False
    if group is not None and group.assembly_id != me.assembly_id:
        return False
    if mine is not None and (mine.member_id != me.pk or (group and mine.group_id != group.pk)):
        return False
    active = mine is not None and mine.is_active
    lead = active and mine.is_lead
    permission = GroupPerm(permission)
    if permission == GroupPerm.VIEW:
        return True
    if permission == GroupPerm.SIGN_UP:
        # Any member of the assembly answers a call for help, except someone the group's
        # leads removed from it.
        return mine is None or mine.status != mine.Status.REMOVED
    if permission == GroupPerm.CREATE_GROUP:
        return _is_steward(me)
    if permission in (
        GroupPerm.EDIT_GROUP,
        GroupPerm.MANAGE_MEMBERS,
        GroupPerm.MODERATE_POSTS,
        GroupPerm.VIEW_HISTORY,
        GroupPerm.VIEW_SIGNUPS,
    ):
        return lead or _is_steward(me)
    if permission == GroupPerm.JOIN:
        return mine is None or mine.status == mine.Status.REMOVED
    if permission == GroupPerm.LEAVE:
        return mine is not None and mine.status in (mine.Status.ACTIVE, mine.Status.PENDING)
    if permission == GroupPerm.MUTE:
        return active
    if permission == GroupPerm.POST:
        return lead or (active and group is not None and group.members_may_post)
    return False


@dataclass
class Standing:
    """A person's standing in one group, for templates (which cannot pass arguments)."""

    me: object
    group: object
    mine: object = None

    def can(self, permission):
        return allows(self.me, permission, group=self.group, mine=self.mine)

    @property
    def is_member(self):
        return self.mine is not None and self.mine.is_active

    @property
    def is_pending(self):
        return self.mine is not None and self.mine.status == self.mine.Status.PENDING

    @property
    def is_removed(self):
        return self.mine is not None and self.mine.status == self.mine.Status.REMOVED

    @property
    def is_lead(self):
        return self.is_member and self.mine.is_lead

    @property
    def is_muted(self):
        return self.mine is not None and self.mine.muted

    can_edit = property(lambda self: self.can(GroupPerm.EDIT_GROUP))
    can_manage = property(lambda self: self.can(GroupPerm.MANAGE_MEMBERS))
    can_post = property(lambda self: self.can(GroupPerm.POST))
    can_moderate = property(lambda self: self.can(GroupPerm.MODERATE_POSTS))
    can_view_history = property(lambda self: self.can(GroupPerm.VIEW_HISTORY))
    can_view_signups = property(lambda self: self.can(GroupPerm.VIEW_SIGNUPS))
    can_sign_up = property(lambda self: self.can(GroupPerm.SIGN_UP))

    def may_edit_post(self, post):
        return can_edit_post(self.me, post, group=self.group, mine=self.mine)


def can_edit_post(me, post, *, group, mine):
    """Authors edit their own posts while they may still post; leads and stewards any."""
    if allows(me, GroupPerm.MODERATE_POSTS, group=group, mine=mine):
        return True
    return post.author_id == me.pk and allows(me, GroupPerm.POST, group=group, mine=mine)
