"""The assembly's live streams: "assembly:<id>" (all members) and
"assembly:<id>:roster" (those the assembly lets see its member list)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html_join

from . import live
from .models import Assembly, Membership, Presence
from .roles import Perm

presence_coalescer = live.Coalescer(delay=0.5)

# Apps that put something on every member's screen through "assembly:<id>" (rapid
# response's verified reports) add it to the snapshot a (re)subscribing page gets:
# fn(grant) -> [(type, data)], registered at startup.
SNAPSHOT_PARTS = []


def authorize(user, ident, facet):
    if not user.is_authenticated or facet not in (None, "roster"):
        return None
    membership = live.active_membership(user, ident)
    if membership is None:
        return None
    if facet == "roster" and not membership.can(Perm.VIEW_MEMBERS):
        return None
    stream = f"assembly:{ident}" + (f":{facet}" if facet else "")
    return live.Grant(stream=stream, assembly_id=ident, membership_id=membership.pk)


def _online(assembly_id):
    cutoff = timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TTL)
    return Presence.objects.filter(assembly_id=assembly_id, seen_at__gte=cutoff)


def online_count(assembly_id):
    return _online(assembly_id).values("membership_id").distinct().count()


def online_names(assembly_id):
    ids = _online(assembly_id).values("membership_id")
    return list(
        Membership.objects.filter(pk__in=ids, status=Membership.Status.ACTIVE).values_list(
            "display_name", flat=True
        )
    )


def names_html(names):
    return format_html_join("", "<li><bdi>{}</bdi></li>", ((name,) for name in names))


def description_event(assembly):
    return ("assembly.updated", {"swap": {"assembly-description": assembly.description_html}})


def presence_events(assembly_id, facet):
    if facet == "roster":
        names = online_names(assembly_id)
        return [("presence.changed", {"swap": {"online-names": names_html(names)}})]
    count = online_count(assembly_id)
    return [("presence.changed", {"count": count, "swap": {"online-count": str(count)}})]


def snapshot(grant):
    """The same for everyone who may open the stream (shared between joining sockets)."""
    facet = "roster" if grant.stream.endswith(":roster") else None
    events = presence_events(grant.assembly_id, facet)
    if facet is None:
        events.insert(0, description_event(Assembly.objects.get(pk=grant.assembly_id)))
        for part in SNAPSHOT_PARTS:
            events.extend(part(grant))
    return events


def on_join(grant, channel_name):
    if grant.stream.endswith(":roster"):
        return
    Presence.objects.update_or_create(
        channel_name=channel_name,
        assembly_id=grant.assembly_id,
        defaults={"membership_id": grant.membership_id, "seen_at": timezone.now()},
    )


def on_leave(grant, channel_name):
    if not grant.stream.endswith(":roster"):
        Presence.objects.filter(channel_name=channel_name, assembly_id=grant.assembly_id).delete()


def on_ping(grant, channel_name):
    if not grant.stream.endswith(":roster"):
        on_join(grant, channel_name)


def _sweep_and_events(assembly_id):
    cutoff = timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TTL)
    Presence.objects.filter(assembly_id=assembly_id, seen_at__lt=cutoff).delete()
    return presence_events(assembly_id, None), presence_events(assembly_id, "roster")


async def flush_presence(assembly_id):
    public, roster = await live.db(_sweep_and_events)(assembly_id)
    for event_type, data in public:
        await live.apublish(f"assembly:{assembly_id}", event_type, data)
    for event_type, data in roster:
        await live.apublish(f"assembly:{assembly_id}:roster", event_type, data)


def presence_changed(grant):
    """Ask for a coalesced presence broadcast (called on the consumer's event loop)."""
    if not grant.stream.endswith(":roster"):
        presence_coalescer.request(grant.assembly_id, flush_presence)


live.register(
    live.StreamKind(
        name="assembly",
        authorize=authorize,
        snapshot=snapshot,
        on_join=on_join,
        on_leave=on_leave,
        on_ping=on_ping,
        after_change=presence_changed,
        shared_snapshot=True,
    )
)
