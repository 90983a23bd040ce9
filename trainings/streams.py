"""Trainings, live: "training:<id>" carries a session's counts (places taken, waitlist,
checked in) to everyone in its assembly who has its page or its door list open. The
counts are numbers, the same for everyone, broadcast as coalesced snapshots."""

import time

from django.db.models import Count, Q

from assembly import live

from .models import Rsvp, Training


def counts(training_id):
    training = Training.objects.filter(pk=training_id).only("pk", "capacity", "confirmed_count")
    training = training.first()
    if training is None:
        return None
    found = Rsvp.objects.filter(training_id=training_id).aggregate(
        waitlisted=Count("pk", filter=Q(status=Rsvp.Status.WAITLISTED)),
        came=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    return {
        "confirmed": training.confirmed_count,
        "capacity": training.capacity,
        "left": max(0, training.capacity - training.confirmed_count),
        **found,
    }


def training_events(training_id):
    found = counts(training_id)
    if found is None:
        return []
    swap = {f"training-{training_id}-{key}": str(value) for key, value in found.items()}
    data = {"seq": time.time_ns(), **found, "swap": swap}
    return [(f"training:{training_id}", "training.counts", data)]


def training_changed(training_id):
    live.publish_snapshot(f"training:{training_id}", lambda: training_events(training_id))


def authorize(user, ident, facet):
    if facet is not None or not user.is_authenticated:
        return None
    assembly_id = Training.objects.filter(pk=ident).values_list("assembly_id", flat=True).first()
    if assembly_id is None:
        return None
    me = live.active_membership(user, assembly_id)
    if me is None:
        return None
    return live.Grant(stream=f"training:{ident}", assembly_id=assembly_id, membership_id=me.pk)


def snapshot(grant):
    ident = int(grant.stream.split(":")[1])
    return [(kind, data) for _stream, kind, data in training_events(ident)]


live.register(live.StreamKind(name="training", authorize=authorize, snapshot=snapshot))
