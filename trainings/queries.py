"""Reads that training pages, the door and the public pages need.

`access_*` fetch and authorise in one step: a training of another assembly, a wrong
public link and a forged ticket all look like a missing page (404).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from assembly.queries import access_assembly
from groups.models import Group, GroupMembership

from .actions import joined_memberships
from .models import Rsvp, Training
from .permissions import is_organiser, may_create

LIST_SIZE = 50


def access_training(user, slug, pk):
    """(me, training) for an active member of the training's assembly; else 404."""
    me = access_assembly(user, slug)
    training = (
        Training.objects.select_related("assembly", "group", "parent", "created_by")
        .filter(assembly_id=me.assembly_id, pk=pk)
        .first()
    )
    if training is None:
        raise Http404
    return me, training


def access_organised(user, slug, pk):
    """(me, training) for its organisers; other members get 403."""
    me, training = access_training(user, slug, pk)
    if not is_organiser(me, training):
        raise PermissionDenied
    return me, training


def access_rsvp(training, pk):
    rsvp = Rsvp.objects.select_related("member", "training").filter(training=training, pk=pk)
    rsvp = rsvp.first()
    if rsvp is None:
        raise Http404
    return rsvp


def public_training(token):
    """The training whose public sign-up page this is."""
    if not isinstance(token, str) or not 10 <= len(token) <= 40:
        raise Http404
    training = Training.objects.filter(public_token=token).select_related("assembly").first()
    if training is None:
        raise Http404
    return training


def ticket_rsvp(ticket):
    pk = Rsvp.pk_from_ticket(ticket)
    rsvp = (
        Rsvp.objects.select_related("training__assembly", "member").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if rsvp is None or rsvp.details_deleted_at is not None:
        raise Http404
    return rsvp


def upcoming(me, limit=LIST_SIZE):
    return list(
        Training.objects.filter(assembly_id=me.assembly_id, ends_at__gt=timezone.now())
        .select_related("group")
        .order_by("starts_at", "pk")[:limit]
    )


def past(me, limit=LIST_SIZE):
    return list(
        Training.objects.filter(assembly_id=me.assembly_id, ends_at__lte=timezone.now())
        .select_related("group")
        .order_by("-starts_at", "-pk")[:limit]
    )


def with_mine(me, trainings):
    """The trainings, each with `mine`: the person's own sign-up, or None."""
    rows = Rsvp.objects.filter(member=me, training__in=[t.pk for t in trainings])
    mine = {row.training_id: row for row in rows}
    for training in trainings:
        training.mine = mine.get(training.pk)
    return trainings


def my_rsvp(training, me):
    return Rsvp.objects.filter(training=training, member=me).first()


def waitlist_position(rsvp):
    if rsvp is None or rsvp.status != Rsvp.Status.WAITLISTED:
        return None
    ahead = Rsvp.objects.filter(training_id=rsvp.training_id, status=Rsvp.Status.WAITLISTED).filter(
        Q(queued_at__lt=rsvp.queued_at) | Q(queued_at=rsvp.queued_at, pk__lt=rsvp.pk)
    )
    return ahead.count() + 1


def people(training):
    """Everyone signed up, by status (places, then the waitlist in order), then the rest."""
    rows = list(Rsvp.objects.filter(training=training).select_related("member", "checked_in_by"))
    order = {
        Rsvp.Status.CONFIRMED: 0,
        Rsvp.Status.WAITLISTED: 1,
        Rsvp.Status.WALK_IN: 2,
        Rsvp.Status.CANCELLED: 3,
    }
    return sorted(rows, key=lambda r: (order[r.status], r.queued_at, r.pk))


def door_list(training, search=""):
    rows = [r for r in people(training) if r.status != Rsvp.Status.CANCELLED or r.came]
    words = search.strip().lower()[:60]
    if words:
        rows = [r for r in rows if words in r.display_name.lower()]
    return sorted(rows, key=lambda r: (r.came, r.display_name.lower()))


def follow_up_list(training):
    """The people who came, with what they asked for and how far they got."""
    rows = list(
        Rsvp.objects.filter(training=training, checked_in_at__isnull=False)
        .select_related("member", "invitation", "joined_as")
        .prefetch_related(Prefetch("wants_groups", queryset=Group.objects.order_by("name")))
        .order_by("-followed_up_at", "name", "pk")
    )
    joined = joined_memberships(rows)
    for row in rows:
        row.has_joined = row.joined_as_id is not None or row.pk in joined
    return rows


def funnel(training):
    """Signed up → came → asked to join → became members → joined a group."""
    rows = list(Rsvp.objects.filter(training=training).prefetch_related("wants_groups"))
    came = [r for r in rows if r.came]
    joined = joined_memberships(came)
    membership_of = {r.pk: r.member_id or r.joined_as_id or joined.get(r.pk) for r in came}
    in_group = set(
        GroupMembership.objects.filter(
            member_id__in=[m for m in membership_of.values() if m],
            status=GroupMembership.Status.ACTIVE,
            joined_at__gte=training.starts_at,
        ).values_list("member_id", flat=True)
    )
    return {
        "signed_up": sum(1 for r in rows if r.status != Rsvp.Status.WALK_IN),
        "came": len(came),
        "walk_ins": sum(1 for r in came if r.status == Rsvp.Status.WALK_IN),
        "asked": sum(1 for r in came if r.wants_membership or r.wants_groups.all()),
        "became": sum(1 for r in came if r.is_guest and membership_of[r.pk]),
        "joined_group": sum(1 for r in came if membership_of[r.pk] in in_group),
    }


def sessions(training):
    """The other sessions of the same training (its overflows, or its parent's)."""
    root = training.parent_id or training.pk
    return list(
        Training.objects.filter(Q(pk=root) | Q(parent_id=root))
        .exclude(pk=training.pk)
        .filter(starts_at__gt=timezone.now())
        .order_by("starts_at", "pk")
    )


def groups_for_new(me):
    """The groups this person may start a training for."""
    return [g for g in Group.objects.filter(assembly_id=me.assembly_id) if may_create(me, g)]


def assembly_groups(me):
    return list(Group.objects.filter(assembly_id=me.assembly_id).order_by("name"))
