"""Reads that rapid-response pages and sockets need.

`access_*` fetch and authorise in one step: an unverified report shown to a member, or a
call-out shown to someone it does not summon, looks exactly like a missing one (404).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from assembly.queries import access_assembly
from groups.models import Group, GroupMembership

from .models import Callout, CalloutAnswer, Confirmation, Report, ReportEvent
from .permissions import Standing

LIST_SIZE = 50
CALLOUT_DAYS = 30


def access(user, slug):
    """The person's Standing in the assembly's rapid response (404 outside it)."""
    return Standing.of(access_assembly(user, slug))


def access_verifier(user, slug):
    standing = access(user, slug)
    if not standing.can_verify:
        raise PermissionDenied
    return standing


def access_report(standing, pk):
    report = (
        Report.objects.select_related("assembly", "reporter")
        .filter(assembly_id=standing.me.assembly_id, pk=pk)
        .first()
    )
    if report is None or not standing.may_see_report(report):
        raise Http404
    return report


def access_callout(standing, pk):
    callout = (
        Callout.objects.select_related("assembly", "sender", "report")
        .prefetch_related("groups")
        .filter(assembly_id=standing.me.assembly_id, pk=pk)
        .first()
    )
    if callout is None or not standing.may_see_callout(callout):
        raise Http404
    return callout


def _published(assembly_id):
    return Report.objects.filter(assembly_id=assembly_id).filter(
        Q(status=Report.Status.VERIFIED) | Q(debunked_at__isnull=False)
    )


def current_reports(assembly_id):
    """Verified reports and rumour-debunked notices still shown as current."""
    return list(
        _published(assembly_id).filter(expires_at__gt=timezone.now()).order_by("-expires_at")
    )


def earlier_reports(assembly_id, limit=LIST_SIZE):
    return list(
        _published(assembly_id)
        .filter(expires_at__lte=timezone.now())
        .order_by("-created_at")[:limit]
    )


def my_reports(me, limit=LIST_SIZE):
    return list(Report.objects.filter(reporter=me).order_by("-created_at")[:limit])


def queue(assembly_id):
    """What verifiers still decide on, oldest first, with who has confirmed each."""
    return list(
        Report.objects.filter(assembly_id=assembly_id, status__in=Report.OPEN)
        .select_related("reporter")
        .prefetch_related(
            Prefetch("confirmations", queryset=Confirmation.objects.select_related("verifier"))
        )
        .order_by("created_at", "pk")
    )


def recently_decided(assembly_id, limit=20):
    return list(
        Report.objects.filter(assembly_id=assembly_id)
        .exclude(status__in=Report.OPEN)
        .order_by("-created_at")[:limit]
    )


def history(report):
    return list(ReportEvent.objects.filter(report=report).select_related("actor"))


def confirmed_by(report):
    return list(Confirmation.objects.filter(report=report).select_related("verifier"))


def waiting_count(assembly_id):
    return Report.objects.filter(assembly_id=assembly_id, status__in=Report.OPEN).count()


# -- call-outs ----------------------------------------------------------------------------


def callouts(standing, *, open_only=False):
    """Call-outs of the last 30 days this person may see, newest first."""
    me = standing.me
    qs = Callout.objects.filter(
        assembly_id=me.assembly_id, created_at__gte=timezone.now() - timedelta(days=CALLOUT_DAYS)
    )
    if not standing.can_send_callouts:
        mine = GroupMembership.objects.filter(
            member=me, status=GroupMembership.Status.ACTIVE
        ).values("group_id")
        qs = qs.filter(Q(groups__in=mine) | Q(sender=me)).distinct()
    if open_only:
        qs = qs.filter(
            closed_at__isnull=True,
            created_at__gt=timezone.now() - timedelta(hours=Callout.OPEN_HOURS),
        )
    return list(qs.prefetch_related("groups").order_by("-created_at")[:LIST_SIZE])


def my_answer(callout, me):
    return CalloutAnswer.objects.filter(callout=callout, member=me).first()


def on_their_way(callout):
    return list(
        CalloutAnswer.objects.filter(callout=callout, answer=CalloutAnswer.Answer.ON_MY_WAY)
        .select_related("member")
        .order_by("answered_at", "pk")
    )


def groups_of(me):
    return list(Group.objects.filter(assembly_id=me.assembly_id).order_by("name"))
