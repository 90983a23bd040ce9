"""What meetings keep about a person, for assembly/privacy.py."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from assembly import privacy
from assembly.privacy import Kept


def _over(assembly_id, cutoff):
    """Meetings of the assembly that ended (or, never run, were to start) before cutoff."""
    from .models import Meeting

    return Meeting.objects.filter(
        Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, starts_at__lt=cutoff),
        assembly_id=assembly_id,
    ).exclude(state=Meeting.State.RUNNING)


def _purge_attendance(assembly_id, cutoff):
    from .models import Attendance, Proxy

    meetings = _over(assembly_id, cutoff)
    gone, _by_model = Attendance.objects.filter(meeting__in=meetings).delete()
    proxies, _by_model = Proxy.objects.filter(meeting__in=meetings).delete()
    return gone + proxies


def _purge_speaking(assembly_id, cutoff):
    from .models import AgendaItem, Hand

    items = AgendaItem.objects.filter(meeting__in=_over(assembly_id, cutoff))
    AgendaItem.objects.filter(pk__in=items).update(current_hand=None)
    gone, _by_model = Hand.objects.filter(item__in=items).delete()
    return gone


def _forget(user, memberships):
    """Lower waiting hands and take back proxies for meetings still to come or running."""
    from .models import Hand, Meeting, Proxy

    Hand.objects.filter(member__in=memberships, state=Hand.State.WAITING).delete()
    Proxy.objects.filter(
        Q(delegator__in=memberships) | Q(delegate__in=memberships),
        meeting__state__in=[Meeting.State.SCHEDULED, Meeting.State.RUNNING],
    ).delete()


def register():
    privacy.register(
        kept=[
            Kept(
                "attendance",
                gettext_lazy(
                    "Which meetings you attended (you checked in, or a facilitator marked you "
                    "present), and your vote given to another member for a meeting (a proxy)."
                ),
                gettext_lazy(
                    "As long as the assembly chooses after the meeting (a year unless it chose "
                    "otherwise)."
                ),
                gettext_lazy("Facilitators and stewards; members see how many are present."),
                fields=(
                    "meetings.Attendance.member",
                    "meetings.Attendance.marked_by",
                    "meetings.Proxy.delegator",
                    "meetings.Proxy.delegate",
                ),  # fmt: skip
            ),
            Kept(
                "speaking",
                gettext_lazy(
                    "Your raised hands in meetings (the speaking queue): when, what kind, and "
                    "whether you spoke."
                ),
                gettext_lazy(
                    "As long as the assembly chooses after the meeting (90 days unless it "
                    "chose otherwise)."
                ),
                gettext_lazy("Everyone in the meeting sees the queue; the minutes list who spoke."),
                fields=(
                    "meetings.Hand.member",
                    "meetings.Hand.responds_to",
                    "meetings.Hand.added_by",
                ),
            ),
            Kept(
                "meetings_run",
                gettext_lazy(
                    "Meetings you schedule, facilitate or take notes for, minutes you approve, "
                    "and mutes or removals in a meeting, with the reason."
                ),
                gettext_lazy("As long as the assembly exists."),
                gettext_lazy(
                    "Members see who facilitates; mutes and removals: facilitators and stewards."
                ),
                fields=(
                    "meetings.Meeting.facilitators",
                    "meetings.Meeting.note_taker",
                    "meetings.Meeting.minutes_approved_by",
                    "meetings.Meeting.created_by",
                    "meetings.Sanction.member",
                    "meetings.Sanction.by",
                ),  # fmt: skip
            ),
        ],
        purges={"attendance": _purge_attendance, "speaking": _purge_speaking},
        forget=_forget,
        hidden=("meetings.Meeting.projector_token",),
    )
