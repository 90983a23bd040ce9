"""Who may do what with trainings. The one place that says so.

Every active member of the assembly sees its trainings and signs up. Facilitators and
stewards organise any training and start the assembly's own; a working group's leads
start and organise the group's trainings; whoever started a training organises it.
Organisers see who signed up, move people, check them in at the door, and invite the
people who came. Only stewards change the retention setting.
"""

from assembly.roles import Perm
from groups.models import GroupMembership


def _lead(me, group_id):
    return (
        group_id is not None
        and GroupMembership.objects.filter(
            group_id=group_id, member=me, status=GroupMembership.Status.ACTIVE, is_lead=True
        ).exists()
    )


def may_view(me, training):
    return me is not None and me.can(Perm.VIEW) and training.assembly_id == me.assembly_id


def may_create(me, group=None):
    """Start a training of the assembly (group None) or of `group`."""
    if me is None or not me.can(Perm.VIEW):
        return False
    if group is not None and group.assembly_id != me.assembly_id:
        return False
    return me.can(Perm.FACILITATE) or (group is not None and _lead(me, group.pk))


def may_create_any(me):
    """Whether there is any training this person may start (for links)."""
    if me is None or not me.can(Perm.VIEW):
        return False
    if me.can(Perm.FACILITATE):
        return True
    return GroupMembership.objects.filter(
        member=me, status=GroupMembership.Status.ACTIVE, is_lead=True
    ).exists()


def is_organiser(me, training):
    if not may_view(me, training):
        return False
    return (
        me.can(Perm.FACILITATE) or training.created_by_id == me.pk or _lead(me, training.group_id)
    )
