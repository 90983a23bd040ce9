"""The body itself: people, assemblies, memberships, invitations, join requests, audit."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import names, roles
from .locale import default_time_zone, validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person's login. Deliberately minimal: an email address and a language.

    Names live on each Membership (a display name chosen per assembly), so no real
    name, phone number or address is ever asked for.
    """

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.email


class Assembly(models.Model):
    class QuorumKind(models.TextChoices):
        NUMBER = "number", _("a fixed number of members")
        PERCENT = "percent", _("a percentage of active members")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("private: only members know it exists")
        LISTED = "listed", _("listed: signed-in people can see it and ask to join")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    description_html = models.TextField(editable=False, blank=True)
    language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Times of the assembly's meetings and votes are entered and shown in it
    # (assembly/locale.py); an IANA name, e.g. "America/Los_Angeles".
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    quorum_kind = models.CharField(
        _("quorum rule"), max_length=10, choices=QuorumKind.choices, default=QuorumKind.PERCENT
    )
    quorum_value = models.PositiveIntegerField(_("quorum"), default=50)
    member_list_visibility = models.CharField(
        _("who may see the member list"),
        max_length=12,
        choices=roles.ListVisibility.choices,
        default=roles.ListVisibility.FACILITATORS,
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    seconds_required = models.PositiveIntegerField(
        _("seconds a proposal needs before discussion"), default=0
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quorum_kind="percent") | models.Q(quorum_value__lte=100),
                name="assembly_quorum_percent_max_100",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def stream(self):
        return f"assembly:{self.pk}"

    def quorum_for(self, active_members):
        """How many members make quorum, given the number of active members."""
        if self.quorum_kind == self.QuorumKind.NUMBER:
            return self.quorum_value
        # Round up: 50 % of 7 members is 4.
        return -(-active_members * self.quorum_value // 100)


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        REMOVED = "removed", _("removed")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="memberships")
    # Empty once the person deleted their account: the membership stays, pseudonymised
    # ("former member"), so what they wrote and the votes they took part in still add up.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    display_name = models.CharField(_("display name"), max_length=60)
    # What the name looks like (assembly/names.py): unique per assembly, so no one can
    # take a look-alike of another member's name.
    name_skeleton = models.CharField(max_length=240, editable=False, default="")
    role = models.CharField(
        _("role"), max_length=12, choices=roles.Role.choices, default=roles.Role.MEMBER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = [Lower("display_name")]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "user"], name="membership_one_per_person"),
            models.UniqueConstraint(
                "assembly", Lower("display_name"), name="membership_unique_display_name"
            ),
            models.UniqueConstraint(
                fields=["assembly", "name_skeleton"], name="membership_unique_name_look"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=roles.Role.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "suspended", "removed"]),
                name="membership_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["assembly", "status"])]

    def __str__(self):
        return f"{self.display_name} ({self.assembly})"

    def save(self, *args, **kwargs):
        self.name_skeleton = names.skeleton(self.display_name)
        if kwargs.get("update_fields") is not None and "display_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_skeleton"}
        super().save(*args, **kwargs)

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def can(self, permission):
        """Whether this membership may do `permission` (see assembly/roles.py)."""
        return self.is_active and roles.allows(
            self.role, permission, list_visibility=self.assembly.member_list_visibility
        )

    # For templates, which cannot pass arguments.
    can_view_members = property(lambda self: self.can(roles.Perm.VIEW_MEMBERS))
    can_edit_assembly = property(lambda self: self.can(roles.Perm.EDIT_ASSEMBLY))
    can_invite = property(lambda self: self.can(roles.Perm.INVITE))
    can_manage_members = property(lambda self: self.can(roles.Perm.MANAGE_MEMBERS))
    can_view_audit = property(lambda self: self.can(roles.Perm.VIEW_AUDIT))
    can_facilitate = property(lambda self: self.can(roles.Perm.FACILITATE))
    can_moderate = property(lambda self: self.can(roles.Perm.MODERATE))


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A link that lets people join. Only the digest of its token is stored."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="invitations")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=120, blank=True)
    role = models.CharField(
        _("role on joining"), max_length=12, choices=roles.Role.choices, default=roles.Role.MEMBER
    )
    max_uses = models.PositiveIntegerField(_("how many people may use it"), default=1)
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uses__lte=models.F("max_uses")), name="invitation_uses_limit"
            ),
            models.CheckConstraint(condition=models.Q(max_uses__gte=1), name="invitation_min_use"),
        ]

    def __str__(self):
        return self.label or f"{self.assembly} #{self.pk}"

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(24)

    @staticmethod
    def digest(token):
        return _digest(token)

    @property
    def is_usable(self):
        return (
            self.revoked_at is None
            and self.uses < self.max_uses
            and self.expires_at > timezone.now()
        )


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    display_name = models.CharField(_("display name"), max_length=60)
    message = models.TextField(_("message to the stewards"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "user"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.display_name} → {self.assembly}"


AUDIT_LABELS = {
    "assembly.updated": _("changed the assembly's settings"),
    "assembly.privacy_changed": _("changed the assembly's privacy settings"),
    "member.account_deleted": _("deleted their account"),
    "invitation.created": _("created an invitation link"),
    "invitation.revoked": _("revoked an invitation link"),
    "member.joined": _("joined"),
    "member.left": _("left"),
    "member.role_changed": _("changed a role"),
    "member.suspended": _("suspended a member"),
    "member.removed": _("removed a member"),
    "member.reinstated": _("reinstated a member"),
    "join_request.approved": _("approved a join request"),
    "join_request.declined": _("declined a join request"),
}


class AuditEntry(models.Model):
    """Who did what to whom in an assembly, for its stewards and facilitators."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=60)
    target = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.verb

    @property
    def label(self):
        return AUDIT_LABELS.get(self.verb, self.verb)


class Presence(models.Model):
    """One open socket of a member on an assembly's pages.

    Deleted when the socket closes; a row older than LIVE_PRESENCE_TTL no longer counts
    and is swept. Nothing but the membership and a timestamp is kept.
    """

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel_name", "assembly"], name="presence_one_per_socket"
            )
        ]
        indexes = [models.Index(fields=["assembly", "seen_at"])]

    def __str__(self):
        return f"{self.membership_id}@{self.assembly_id}"


class Submission(models.Model):
    """A form a member sent that created something, by the idempotency key the form
    carried: a retry or a second press of the same form finds this row and gets the
    first answer instead of a second object. Purged after SUBMISSION_DAYS days."""

    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    action = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="submission_once"),
        ]

    def __str__(self):
        return f"{self.action} by {self.member_id}"


class PrivacySettings(models.Model):
    """An assembly's choices about what is kept and said about its members (created on
    first use; assembly/privacy.py reads and writes it). How long each kind of record is
    kept is purged by the timer (`manage.py send_notifications`)."""

    assembly = models.OneToOneField(Assembly, on_delete=models.CASCADE, related_name="privacy")
    email_details = models.BooleanField(
        _("notification emails name the assembly and what they are about"),
        default=False,
        help_text=_(
            "Off: emails only say how many new notifications there are, so mail providers "
            "learn nothing about the assembly or its votes."
        ),
    )
    require_two_factor = models.BooleanField(
        _("stewards and facilitators must use two-factor authentication"), default=False
    )
    ledger_names = models.BooleanField(
        _("decisions log entries name who recorded them"),
        default=False,
        help_text=_("Log entries can never be deleted, so by default they name no one."),
    )
    attendance_days = models.PositiveIntegerField(
        _("days attendance is kept after a meeting"), default=365
    )
    speaking_days = models.PositiveIntegerField(
        _("days the speaking queue's history is kept after a meeting"), default=90
    )
    participation_days = models.PositiveIntegerField(
        _("days the record of who voted (and who could) is kept after a vote closes"),
        default=365,
    )
    notification_days = models.PositiveIntegerField(_("days notifications are kept"), default=90)
    audit_days = models.PositiveIntegerField(_("days audit log entries are kept"), default=730)

    RETENTION_FIELDS = (
        "attendance_days", "speaking_days", "participation_days", "notification_days",
        "audit_days",
    )  # fmt: skip
    RETENTION_MAX = 3650

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attendance_days__gte=1, attendance_days__lte=3650)
                & models.Q(speaking_days__gte=1, speaking_days__lte=3650)
                & models.Q(participation_days__gte=1, participation_days__lte=3650)
                & models.Q(notification_days__gte=1, notification_days__lte=3650)
                & models.Q(audit_days__gte=1, audit_days__lte=3650),
                name="privacy_retention_in_range",
            )
        ]

    def __str__(self):
        return f"{self.assembly}"


class SessionRecord(models.Model):
    """One of a person's login sessions, for their "active sessions" page.

    Keyed by the SHA-256 digest of the session key (never the key), with the day it
    started, the day it was last used and a label the person may give it ("phone").
    Nothing about the device or the network: no address, no user agent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records"
    )
    key_digest = models.CharField(max_length=64, unique=True)
    started_on = models.DateField(default=timezone.localdate)
    seen_on = models.DateField(default=timezone.localdate)
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-seen_on", "-pk"]

    def __str__(self):
        return self.label or f"session {self.pk}"


class Notification(models.Model):
    """Something a member is told, in the app and by email (assembly/notifications.py).
    `kind` is one that an app registered; the row keeps only what it is about (a title, a
    link), and the sentence around it is written in the reader's language when shown."""

    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    subject = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    key = models.CharField(max_length=80, help_text="what it is about, so it is sent once")
    created_at = models.DateTimeField(default=timezone.now)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Email: pending until sent; a failure keeps it pending for the next run.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notify_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_pending"]),
        ]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """A person's choices, per kind: in the app, by email. No row means the defaults (in
    the app and by email, immediately)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}"


class DigestChoice(models.Model):
    """A person who wants their email as one daily digest; when it was last sent."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"digest for {self.user_id}"
