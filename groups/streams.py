"""The groups' live streams.

"group:<id>"  a working group's page (every active member of its assembly may see it)
"board:<id>"  an assembly's coordination board (its active members)

Pages and the board carry per-person controls (sign-up buttons with a CSRF token,
"you signed up", who signed up for leads) in the viewer's own language, so these
streams never carry HTML: events only say what changed, and each browser re-fetches
its fragment through the normal, permission-checked view (static/js/groups.js).
A snapshot carries the current revision, so a reconnecting client re-fetches exactly
when what it shows is stale.
"""

from django.db.models import Sum

from assembly import live

from .models import Group


def authorize_group(user, ident, facet):
    if facet is not None or not user.is_authenticated:
        return None
    assembly_id = Group.objects.filter(pk=ident).values_list("assembly_id", flat=True).first()
    membership = live.active_membership(user, assembly_id)
    if membership is None:
        return None
    return live.Grant(stream=f"group:{ident}", assembly_id=assembly_id, membership_id=membership.pk)


def authorize_board(user, ident, facet):
    if facet is not None:
        return None
    membership = live.active_membership(user, ident)
    if membership is None:
        return None
    return live.Grant(stream=f"board:{ident}", assembly_id=ident, membership_id=membership.pk)


def group_version(group_id):
    return Group.objects.filter(pk=group_id).values_list("revision", flat=True).first() or 0


def board_version(assembly_id):
    """Revisions only grow, so two committed states with the same sum are the same."""
    total = Group.objects.filter(assembly_id=assembly_id).aggregate(v=Sum("revision"))["v"]
    return total or 0


def snapshot_group(grant):
    ident = int(grant.stream.split(":")[1])
    return [("group.snapshot", {"version": group_version(ident)})]


def snapshot_board(grant):
    return [("board.snapshot", {"version": board_version(grant.assembly_id)})]


def board_stream(assembly_id):
    return f"board:{assembly_id}"


live.register(live.StreamKind(name="group", authorize=authorize_group, snapshot=snapshot_group,
                              shared_snapshot=True))  # fmt: skip
live.register(live.StreamKind(name="board", authorize=authorize_board, snapshot=snapshot_board,
                              shared_snapshot=True))  # fmt: skip
