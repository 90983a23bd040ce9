"""Trainings: events of an assembly or one of its working groups, with a capacity, a
waitlist that moves up by itself, check-in at the door, and a follow-up that turns the
people who came into members.

What must hold is in the database: a session never has more confirmed places than its
capacity (a counter moved under a row lock and a CheckConstraint), one sign-up per member
and session, and a non-member's sign-up always has a name unless their details were
deleted after the assembly's retention period.
"""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from assembly.models import Assembly, Invitation, Membership
from groups.models import Group

GUEST_DAYS_DEFAULT = 30
GUEST_DAYS_MAX = 365
CAPACITY_MAX = 10000


class TrainingSettings(models.Model):
    """One row per assembly. No row means the defaults."""

    assembly = models.OneToOneField(
        Assembly, on_delete=models.CASCADE, related_name="training_settings"
    )
    guest_days = models.PositiveIntegerField(
        _("delete non-members' names and contacts this many days after a training"),
        default=GUEST_DAYS_DEFAULT,
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("training settings")
        verbose_name_plural = _("training settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(guest_days__gte=1) & models.Q(guest_days__lte=GUEST_DAYS_MAX),
                name="training_guest_days_range",
            ),
        ]

    def __str__(self):
        return f"training settings of {self.assembly_id}"

    @classmethod
    def of(cls, assembly_id):
        return cls.objects.filter(assembly_id=assembly_id).first() or cls(assembly_id=assembly_id)


def new_public_token():
    return secrets.token_urlsafe(18)


class Training(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings",
        verbose_name=_("working group"),
    )
    # An overflow session opened for the people a training could not take.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="overflows"
    )
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    description_html = models.TextField(editable=False, blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    # The public sign-up page's key; None while the training has no public page. It is
    # meant to be shared (on a flyer, in a chat), so it is kept as is, and replaced on
    # demand, which ends the old link.
    public_token = models.CharField(max_length=40, null=True, blank=True, unique=True)
    offered_groups = models.ManyToManyField(
        Group, blank=True, related_name="+", verbose_name=_("groups people can ask to join")
    )
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reminders_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1) & models.Q(capacity__lte=CAPACITY_MAX),
                name="training_capacity_range",
            ),
            # The never-over-fill guarantee, in the database.
            models.CheckConstraint(
                condition=models.Q(confirmed_count__lte=models.F("capacity")),
                name="training_within_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["assembly", "starts_at"])]

    def __str__(self):
        return self.title

    @property
    def stream(self):
        return f"training:{self.pk}"

    @property
    def places_left(self):
        return max(0, self.capacity - self.confirmed_count)

    @property
    def is_full(self):
        return self.confirmed_count >= self.capacity

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def is_over(self):
        return self.ends_at <= timezone.now()


class Rsvp(models.Model):
    """One person's place (or place in the queue) at one session.

    A member signs up as themselves; someone who is not a member gives only a name they
    choose and one contact, which are deleted after the assembly's retention period
    unless they become a member. Walk-ins are added at the door.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("has a place")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")
        WALK_IN = "walk_in", _("came without signing up")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60, blank=True)
    contact = models.CharField(_("contact"), max_length=120, blank=True)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    # The waitlist's order: when the person asked for a place.
    queued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Email to a non-member that the timer still has to send ("placed", "reminder").
    mail_pending = models.CharField(max_length=10, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    # After the training: how to reach them, and what they would join.
    reach = models.CharField(_("how to reach you"), max_length=120, blank=True)
    wants_membership = models.BooleanField(_("would like to join the assembly"), default=False)
    wants_groups = models.ManyToManyField(Group, blank=True, related_name="+")
    followed_up_at = models.DateTimeField(null=True, blank=True)
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The membership a non-member became through their invitation.
    joined_as = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["confirmed", "waitlisted", "cancelled", "walk_in"]),
                name="rsvp_status_valid",
            ),
            models.UniqueConstraint(
                fields=["training", "member"],
                condition=models.Q(member__isnull=False),
                name="rsvp_one_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False)
                | ~models.Q(name="")
                | models.Q(details_deleted_at__isnull=False),
                name="rsvp_guest_has_name",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=True) | models.Q(contact=""),
                name="rsvp_members_give_no_contact",
            ),
        ]
        indexes = [models.Index(fields=["training", "status", "queued_at"])]

    def __str__(self):
        return f"{self.display_name} → {self.training_id}"

    @property
    def display_name(self):
        if self.member_id:
            return self.member.display_name
        return self.name or "—"

    @property
    def is_guest(self):
        return self.member_id is None

    @property
    def came(self):
        return self.checked_in_at is not None

    @property
    def contact_is_email(self):
        return "@" in self.contact

    # -- the ticket: a link that is the person's key to their own sign-up --------------

    @property
    def ticket(self):
        digest = salted_hmac("trainings.ticket", str(self.pk), algorithm="sha256").hexdigest()
        return f"{self.pk}-{digest[:32]}"

    @staticmethod
    def pk_from_ticket(ticket):
        """The sign-up's id if `ticket` is genuine, else None."""
        if not isinstance(ticket, str) or len(ticket) > 60:
            return None
        pk, _sep, digest = ticket.partition("-")
        if not pk.isdigit() or len(pk) > 12 or len(digest) != 32:
            return None
        expected = salted_hmac("trainings.ticket", pk, algorithm="sha256").hexdigest()[:32]
        return int(pk) if constant_time_compare(expected, digest) else None
