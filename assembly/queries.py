"""Reads that pages and sockets need. `access_*` fetch and authorise in one step, so a
missing row and a forbidden one look the same (404)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from . import privacy, streams
from .errors import SecondFactorRequired
from .models import Assembly, AuditEntry, Invitation, JoinRequest, Membership
from .roles import Perm


def access_assembly(user, slug, permission=Perm.VIEW):
    """The person's active Membership in the assembly `slug`.

    Not signed in, not a member, suspended or removed: 404 (a private assembly's
    existence is not revealed). A steward or facilitator of an assembly that requires
    two-factor authentication, without it: SecondFactorRequired (a page that says how to
    set it up). A member without `permission`: 403.
    """
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("assembly")
        .filter(user=user, assembly__slug=slug, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise Http404
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
