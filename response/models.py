"""Rapid response: reports of enforcement activity that verifiers confirm before anyone
spreads them, and call-outs that summon people to a place now.

What must hold is in the database: one confirmation per verifier and report (a verifier
who presses twice counts once), no report verified with fewer than two confirmations or
without its expiry, one answer per person and call-out, and answer counters that never
go below zero.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assembly.models import Assembly, Membership
from groups.models import Group

ANSWER_DAYS_DEFAULT = 14
ANSWER_DAYS_MAX = 365


class ResponseSettings(models.Model):
    """One row per assembly: who verifies reports, whose leads may send call-outs, and
    how long rapid response keeps who took part (`answer_days`: who answered, sent and
    ended a call-out, after it ends; who filed, confirmed and decided a report, after it
    is settled). No row means the defaults (nobody verifies yet)."""

    assembly = models.OneToOneField(
        Assembly, on_delete=models.CASCADE, related_name="response_settings"
    )
    verifier_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("working group that verifies reports"),
    )
    network_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rapid-response network (its leads may send call-outs)"),
    )
    answer_days = models.PositiveIntegerField(
        _("keep who took part for (days after a call-out ends or a report is settled)"),
        default=ANSWER_DAYS_DEFAULT,
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rapid response settings")
        verbose_name_plural = _("rapid response settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer_days__gte=1) & models.Q(answer_days__lte=ANSWER_DAYS_MAX),
                name="response_answer_days_range",
            ),
        ]

    def __str__(self):
        return f"rapid response settings of {self.assembly_id}"

    @classmethod
    def of(cls, assembly_id):
        """The assembly's settings, or unsaved defaults."""
        found = cls.objects.filter(assembly_id=assembly_id).first()
        return found or cls(assembly_id=assembly_id)


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for verification")
        VERIFIED = "verified", _("verified")
        UNCONFIRMED = "unconfirmed", _("unconfirmed")
        FALSE = "false", _("false")
        WITHDRAWN = "withdrawn", _("withdrawn by the reporter")

    # Verifiers still decide on these.
    OPEN = (Status.PENDING, Status.UNCONFIRMED)
    CONFIRMATIONS_NEEDED = 2

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seen_at = models.DateTimeField(_("when you saw it"))
    place = models.CharField(_("where, exactly"), max_length=200)
    agents = models.PositiveIntegerField(_("how many agents"), null=True, blank=True)
    uniforms = models.CharField(_("uniforms"), max_length=500, blank=True)
    vehicles = models.CharField(_("vehicles"), max_length=500, blank=True)
    badges = models.CharField(_("badges and insignia"), max_length=500, blank=True)
    description = models.TextField(_("what happened"), max_length=5000, blank=True)
    # Re-encoded without any metadata (response/photos.py); served only through a view
    # that checks who may see the report.
    photo = models.FileField(upload_to="reports", blank=True, max_length=120)
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    confirmations_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # Until when the verified report (or the rumour-debunked notice) is shown as current.
    expires_at = models.DateTimeField(null=True, blank=True)
    debunk_text = models.TextField(blank=True, max_length=2000)
    debunked_at = models.DateTimeField(null=True, blank=True)
    # The live banner, rendered once per language when the report is published.
    banner = models.JSONField(default=dict, blank=True, editable=False)
    # When who filed, confirmed and decided it was deleted (the retention period after
    # it was settled; response/actions.py, purge_report_names).
    names_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "verified", "unconfirmed", "false", "withdrawn"]
                ),
                name="report_status_valid",
            ),
            # Two different verifiers before anyone else sees it, and always an expiry.
            models.CheckConstraint(
                condition=~models.Q(status="verified")
                | (
                    models.Q(confirmations_count__gte=2)
                    & models.Q(verified_at__isnull=False)
                    & models.Q(expires_at__isnull=False)
                ),
                name="report_verified_by_two_with_expiry",
            ),
            models.CheckConstraint(
                condition=models.Q(debunked_at__isnull=True)
                | (models.Q(status="false") & models.Q(expires_at__isnull=False)),
                name="report_debunked_only_when_false",
            ),
            models.CheckConstraint(
                condition=models.Q(agents__isnull=True) | models.Q(agents__lte=1000),
                name="report_agents_range",
            ),
        ]
        indexes = [models.Index(fields=["assembly", "status", "-created_at"])]

    def __str__(self):
        return f"{self.place} ({self.get_status_display()})"

    @property
    def is_published(self):
        """Members see it: verified, or false and published as a rumour debunked."""
        return self.status == self.Status.VERIFIED or self.debunked_at is not None

    @property
    def is_current(self):
        return (
            self.is_published and self.expires_at is not None and self.expires_at > timezone.now()
        )

    @property
    def alert_id(self):
        return f"report-{self.pk}"


class Confirmation(models.Model):
    """One verifier's confirmation of one report. Unique: pressing twice counts once."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="confirmations")
    verifier = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "verifier"], name="confirmation_once"),
        ]

    def __str__(self):
        return f"{self.verifier_id} confirms {self.report_id}"


class ReportEvent(models.Model):
    """A report's history: every change of its status, with who and when."""

    class Kind(models.TextChoices):
        FILED = "filed", _("filed the report")
        CONFIRMED = "confirmed", _("confirmed it")
        VERIFIED = "verified", _("published it as verified")
        UNCONFIRMED = "unconfirmed", _("marked it unconfirmed")
        FALSE = "false", _("marked it false")
        DEBUNKED = "debunked", _("published a rumour-debunked notice")
        EXPIRY = "expiry", _("changed until when it is shown")
        WITHDRAWN = "withdrawn", _("withdrew it")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Report.Status.choices)
    note = models.CharField(max_length=1000, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report_id} {self.kind}"


class Callout(models.Model):
    """A call to come to a place now, sent to the members of some working groups."""

    class Need(models.TextChoices):
        WITNESSES = "witnesses", _("witnesses")
        LEGAL_OBSERVERS = "legal_observers", _("legal observers")
        DRIVERS = "drivers", _("drivers")
        INTERPRETERS = "interpreters", _("interpreters")
        MEDICS = "medics", _("medics")

    # A call-out nobody closed counts as ended this long after it was sent.
    OPEN_HOURS = 24

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="callouts"
    )
    place = models.CharField(_("where"), max_length=200)
    needs = models.JSONField(_("what is needed"), default=list)
    details = models.CharField(_("details"), max_length=1000, blank=True)
    wanted = models.PositiveIntegerField(_("how many people"))
    groups = models.ManyToManyField(Group, related_name="+", verbose_name=_("who is called"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the answers themselves are deleted after the retention period.
    on_way_count = models.PositiveIntegerField(default=0)
    cant_count = models.PositiveIntegerField(default=0)
    answers_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("call-out")
        verbose_name_plural = _("call-outs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wanted__gte=1) & models.Q(wanted__lte=10000),
                name="callout_wanted_range",
            ),
        ]
        indexes = [models.Index(fields=["assembly", "closed_at"])]

    def __str__(self):
        return self.place

    @property
    def stream(self):
        return f"callout:{self.pk}"

    @property
    def is_open(self):
        """Not closed, and not older than OPEN_HOURS (the timer closes those too)."""
        return self.closed_at is None and self.created_at > timezone.now() - timedelta(
            hours=self.OPEN_HOURS
        )

    def need_labels(self):
        labels = dict(self.Need.choices)
        return [labels[need] for need in self.needs if need in labels]


class CalloutAnswer(models.Model):
    class Answer(models.TextChoices):
        ON_MY_WAY = "on_way", _("on my way")
        CANT = "cant", _("can't")

    callout = models.ForeignKey(Callout, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["callout", "member"], name="callout_answer_once"),
            models.CheckConstraint(
                condition=models.Q(answer__in=["on_way", "cant"]), name="callout_answer_valid"
            ),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.answer}"
