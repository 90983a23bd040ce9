"""Who may do what in an assembly. The one place that says so.

Actions ask `allows(role, permission)`; tests walk the whole matrix. Roles rank
member < facilitator < steward. Working-group leads are a per-group role and are
decided by the groups app on top of this.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("member")
    FACILITATOR = "facilitator", _("facilitator")
    STEWARD = "steward", _("steward")


class ListVisibility(models.TextChoices):
    STEWARDS = "stewards", _("stewards only")
    FACILITATORS = "facilitators", _("facilitators and stewards")
    MEMBERS = "members", _("all members")


RANK = {Role.MEMBER: 1, Role.FACILITATOR: 2, Role.STEWARD: 3}


class Perm(models.TextChoices):
    VIEW = "view", _("see the assembly")
    VIEW_MEMBERS = "view_members", _("see the member list")
    EDIT_ASSEMBLY = "edit_assembly", _("change the assembly's settings and description")
    INVITE = "invite", _("invite people")
    MANAGE_MEMBERS = "manage_members", _("change roles, suspend and remove members")
    DECIDE_JOIN_REQUESTS = "decide_join_requests", _("approve join requests")
    VIEW_AUDIT = "view_audit", _("see the moderation and audit log")
    FACILITATE = "facilitate", _("run meetings and open votes")
    PROPOSE = "propose", _("bring proposals, second, amend and comment")
    MODERATE = "moderate", _("hide comments, with a reason")


# The lowest role that holds each permission.
MINIMUM_ROLE = {
    Perm.VIEW: Role.MEMBER,
    Perm.EDIT_ASSEMBLY: Role.STEWARD,
    Perm.INVITE: Role.STEWARD,
    Perm.MANAGE_MEMBERS: Role.STEWARD,
    Perm.DECIDE_JOIN_REQUESTS: Role.STEWARD,
    Perm.VIEW_AUDIT: Role.FACILITATOR,
    Perm.FACILITATE: Role.FACILITATOR,
    Perm.PROPOSE: Role.MEMBER,
    Perm.MODERATE: Role.FACILITATOR,
}

LIST_VISIBILITY_MINIMUM = {
    ListVisibility.STEWARDS: Role.STEWARD,
    ListVisibility.FACILITATORS: Role.FACILITATOR,
    ListVisibility.MEMBERS: Role.MEMBER,
}


def allows(role, permission, *, list_visibility=ListVisibility.FACILITATORS):
    """Whether an active member with `role` holds `permission`."""
    if role not in RANK:
        return False
    if permission == Perm.VIEW_MEMBERS:
        minimum = LIST_VISIBILITY_MINIMUM[ListVisibility(list_visibility)]
    else:
        minimum = MINIMUM_ROLE[Perm(permission)]
    return RANK[Role(role)] >= RANK[minimum]
