"""Who may do what in rapid response. The one place that says so.

The assembly decides who verifies: the members of the working group its stewards name
in the rapid-response settings. Verifiers see every report, confirm (two different ones
publish it), mark reports unconfirmed or false, publish rumour-debunked notices and send
call-outs; the leads of the rapid-response network (also named there) send call-outs.
Any active member files a report and sees their own; everyone else sees only what was
published. Stewards hold no verifying power by their role: only the group counts.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from assembly.roles import Perm
from groups.models import GroupMembership

from .models import Report, ResponseSettings


@dataclass
class Standing:
    """A person's standing in their assembly's rapid response, worked out once."""

    me: object
    settings: ResponseSettings
    is_verifier: bool = False
    is_network_lead: bool = False

    @classmethod
    def of(cls, me):
        """One query: the settings, and whether `me` is in the named groups."""
        if not me.can(Perm.VIEW):
            return cls(me=me, settings=ResponseSettings.of(me.assembly_id))
        mine = GroupMembership.objects.filter(member=me, status=GroupMembership.Status.ACTIVE)
        settings = (
            ResponseSettings.objects.filter(assembly_id=me.assembly_id)
            .annotate(
                me_verifier=Exists(mine.filter(group_id=OuterRef("verifier_group_id"))),
                me_lead=Exists(mine.filter(group_id=OuterRef("network_group_id"), is_lead=True)),
            )
            .first()
        )
        if settings is None:
            return cls(me=me, settings=ResponseSettings(assembly_id=me.assembly_id))
        return cls(
            me=me,
            settings=settings,
            is_verifier=settings.me_verifier,
            is_network_lead=settings.me_lead,
        )

    @property
    def active(self):
        return self.me is not None and self.me.can(Perm.VIEW)

    @property
    def can_verify(self):
        return self.active and self.is_verifier

    @property
    def can_send_callouts(self):
        return self.active and (self.is_verifier or self.is_network_lead)

    @property
    def can_edit_settings(self):
        return self.active and self.me.can(Perm.EDIT_ASSEMBLY)

    # -- reports -----------------------------------------------------------------------

    def may_see_report(self, report):
        if not self.active or report.assembly_id != self.me.assembly_id:
            return False
        if self.is_verifier or report.reporter_id == self.me.pk:
            return True
        return report.is_published

    def may_see_photo(self, report):
        """The photo of a false report is not shown to members: it may show anyone."""
        if not self.may_see_report(report) or not report.photo:
            return False
        if self.is_verifier or report.reporter_id == self.me.pk:
            return True
        return report.status == Report.Status.VERIFIED

    def may_decide(self, report):
        """Confirm, mark unconfirmed or false, debunk: verifiers, never on their own report."""
        return self.can_verify and report.reporter_id != self.me.pk

    def may_withdraw(self, report):
        return (
            self.active
            and report.reporter_id == self.me.pk
            and report.status in (Report.Status.PENDING, Report.Status.UNCONFIRMED)
        )

    # -- call-outs ---------------------------------------------------------------------

    def is_called(self, callout):
        """An active member of a group the call-out summons."""
        return GroupMembership.objects.filter(
            group__in=callout.groups.all(), member=self.me, status=GroupMembership.Status.ACTIVE
        ).exists()

    def may_see_callout(self, callout):
        if not self.active or callout.assembly_id != self.me.assembly_id:
            return False
        if self.can_send_callouts or callout.sender_id == self.me.pk:
            return True
        return self.is_called(callout)

    def may_close_callout(self, callout):
        return self.active and (callout.sender_id == self.me.pk or self.can_send_callouts)

    def may_see_who(self, callout):
        """Who is on their way: the sender and those who send call-outs, to coordinate."""
        return self.may_close_callout(callout)
