"""Reads that pages and sockets need. `access_*` fetch and authorise in one step, so a
missing row and a forbidden one look the same (404)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from . import locale, privacy, streams
from .errors import LoginRequired, SecondFactorRequired
from .models import Assembly, AuditEntry, Invitation, JoinRequest, Membership
from .roles import Perm


def access_assembly(user, slug, permission=Perm.VIEW):
    """The person's active Membership in the assembly `slug`.

    Not signed in: LoginRequired (the login page, then back here; the same for an
    assembly that does not exist). Not a member, suspended or removed: 404 (a private
    assembly's existence is not revealed). A steward or facilitator of an assembly that requires
    two-factor authentication, without it: SecondFactorRequired (a page that says how to
    set it up). A member without `permission`: 403.
    """
    if not user.is_authenticated:
        raise LoginRequired
    membership = (
        Membership.objects.select_related("assembly")
        .filter(user=user, assembly__slug=slug, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise Http404
    locale.enter(membership.assembly)  # its time zone, and language as a last resort
    if privacy.needs_second_factor(membership):
        raise SecondFactorRequired(membership)
    if not membership.can(permission):
        raise PermissionDenied
    return membership


def access_listed_assembly(user, slug):
    """A listed assembly that a signed-in non-member may see and ask to join."""
    if not user.is_authenticated:
        raise Http404
    assembly = Assembly.objects.filter(slug=slug, visibility=Assembly.Visibility.LISTED).first()
    if assembly is None:
        raise Http404
    locale.enter(assembly)
    return assembly


def access_member(actor, member_id):
    """Another membership in the actor's assembly (any status), for stewards."""
    member = (
        Membership.objects.select_related("user")
        .filter(assembly_id=actor.assembly_id, pk=member_id)
        .first()
    )
    if member is None:
        raise Http404
    return member


def my_memberships(user):
    return (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("assembly")
        .order_by("assembly__name")
    )


def member_counts(assembly):
    by_role = Membership.objects.filter(
        assembly=assembly, status=Membership.Status.ACTIVE
    ).aggregate(
        total=Count("pk"),
        stewards=Count("pk", filter=Q(role="steward")),
        facilitators=Count("pk", filter=Q(role="facilitator")),
    )
    return by_role


def active_members(assembly):
    return Membership.objects.filter(assembly=assembly, status=Membership.Status.ACTIVE)


def members_for_stewards(assembly):
    return Membership.objects.filter(assembly=assembly).order_by("status", "display_name")


def pending_join_requests(assembly):
    return JoinRequest.objects.filter(
        assembly=assembly, status=JoinRequest.Status.PENDING
    ).order_by("created_at")


def invitations(assembly):
    return Invitation.objects.filter(assembly=assembly).select_related("created_by")


def audit_log(assembly, limit=200):
    return AuditEntry.objects.filter(assembly=assembly).select_related("actor", "target")[:limit]


def online(assembly, membership):
    """What the assembly page shows of who is online, for this person."""
    count = streams.online_count(assembly.pk)
    names = streams.online_names(assembly.pk) if membership.can(Perm.VIEW_MEMBERS) else None
    return {"count": count, "names": names}


# -- picking another member -------------------------------------------------------------
#
# The assembly chooses who may see its member list. Everywhere a person picks another
# member (a proxy holder, an action's assignee, a hand from the room, a meeting's
# note-taker), someone with that right picks from a list; anyone else types the exact
# display name, and learns nothing about who else is a member.


def pickable_members(me):
    """The active members `me` may pick from a list, or None: type the name instead."""
    if not me.can(Perm.VIEW_MEMBERS):
        return None
    return active_members(me.assembly).order_by("display_name")


def picked_member(me, data, field):
    """The member a form picked in `field` (an id, for those who may see the list) or in
    `<field>_name` (an exact display name, for anyone): an active member of me's assembly,
    or None when the form picked no one. A pick that matches no one is refused."""
    from django.utils.translation import gettext as _

    from .errors import ActionError

    name = " ".join(str(data.get(f"{field}_name") or "").split())[:60]
    raw = str(data.get(field) or "").strip()
    found = None
    if name:
        found = active_members(me.assembly).filter(display_name__iexact=name).first()
        if found is None:
            raise ActionError(_("No active member has that display name. Check the spelling."))
    elif raw:
        if not me.can(Perm.VIEW_MEMBERS) or not raw.isascii() or not raw.isdigit():
            raise ActionError(_("Type the member's display name."))
        found = active_members(me.assembly).filter(pk=int(raw[:12])).first()
        if found is None:
            raise ActionError(_("That person is not an active member of this assembly."))
    return found
