"""Working groups, who is in them, and what they post: updates, report-backs and needs.

The invariants that matter live in the database: one group membership per person and
group, one sign-up per person and need, and a need's sign-up counter that can never
exceed the number of people wanted (a CheckConstraint, so even a racing writer that
skipped the row lock could not over-fill it).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assembly import names
from assembly.models import Assembly, Membership


class Group(models.Model):
    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("working group")
        SCHOOL_SANCTUARY = "school_sanctuary", _("school sanctuary team")
        WORKPLACE = "workplace", _("workplace committee")
        NEIGHBOURHOOD = "neighbourhood", _("neighbourhood team")
        RAPID_RESPONSE = "rapid_response", _("rapid response")
        MUTUAL_AID = "mutual_aid", _("mutual aid")
        TRAINING = "training", _("training")
        OTHER = "other", _("other")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("any member of the assembly may join")
        APPROVAL = "approval", _("a lead approves each request to join")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="working_groups")
    name = models.CharField(_("name"), max_length=120)
    # What the name looks like (assembly/names.py): one group per look in an assembly.
    name_skeleton = models.CharField(max_length=480, editable=False, default="")
    slug = models.SlugField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    mandate = models.TextField(_("mandate"), blank=True, max_length=20000)
    mandate_html = models.TextField(editable=False, blank=True)
    join_policy = models.CharField(
        _("joining"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    members_may_post = models.BooleanField(_("members may post"), default=False)
    # Bumped by every write that changes what the group's page or the board shows, so a
    # reconnecting client can tell from a snapshot whether what it shows is stale.
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "slug"], name="group_unique_slug"),
            models.UniqueConstraint(
                fields=["assembly", "name_skeleton"], name="group_unique_name_look"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "working_group",
                        "school_sanctuary",
                        "workplace",
                        "neighbourhood",
                        "rapid_response",
                        "mutual_aid",
                        "training",
                        "other",
                    ]
                ),
                name="group_kind_valid",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=models.Q(join_policy__in=["open", "approval"]),
                name="group_join_policy_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_skeleton = names.skeleton(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_skeleton"}
        super().save(*args, **kwargs)

    @property
    def stream(self):
        return f"group:{self.pk}"


class GroupMembership(models.Model):
    """One person's place in one group. `muted` is honoured by notifications."""

    class Status(models.TextChoices):
        PENDING = "pending", _("asked to join")
        ACTIVE = "active", _("member")
        REMOVED = "removed", _("removed by a lead")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="group_memberships"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    muted = models.BooleanField(_("notifications muted"), default=False)
    joined_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["-is_lead", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="group_membership_one"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "active", "removed"]),
                name="group_membership_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(is_lead=False) | models.Q(status="active"),
                name="group_lead_is_active",
            ),
        ]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self):
        return f"{self.member_id} in {self.group_id}"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE


class Post(models.Model):
    class Kind(models.TextChoices):
        UPDATE = "update", _("update")
        REPORT = "report", _("report-back")
        NEED = "need", _("need")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=140)
    body = models.TextField(_("text"), blank=True, max_length=20000)
    body_html = models.TextField(editable=False, blank=True)
    # Report-backs: what the group asks the assembly to decide.
    asks = models.TextField(_("what needs deciding"), blank=True, max_length=5000)
    asks_html = models.TextField(editable=False, blank=True)
    # Needs: when, where, how many people.
    starts_at = models.DateTimeField(_("when"), null=True, blank=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    wanted = models.PositiveIntegerField(_("people wanted"), null=True, blank=True)
    signups_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["update", "report", "need"]), name="post_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="need")
                | (
                    models.Q(wanted__gte=1)
                    & models.Q(wanted__lte=1000)
                    & models.Q(starts_at__isnull=False)
                ),
                name="post_need_has_time_and_number",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="need") | models.Q(signups_count=0),
                name="post_signups_only_on_needs",
            ),
            # The never-over-fill guarantee, in the database.
            models.CheckConstraint(
                condition=models.Q(signups_count__lte=models.F("wanted"))
                | models.Q(wanted__isnull=True),
                name="post_signups_within_wanted",
            ),
        ]
        indexes = [
            models.Index(fields=["assembly", "kind", "-created_at"]),
            models.Index(fields=["group", "-created_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_need(self):
        return self.kind == self.Kind.NEED

    @property
    def still_wanted(self):
        return max(0, (self.wanted or 0) - self.signups_count)

    @property
    def is_full(self):
        return self.is_need and self.signups_count >= (self.wanted or 0)

    @property
    def is_past(self):
        return self.is_need and self.starts_at is not None and self.starts_at < timezone.now()


class PostRevision(models.Model):
    """What a post said before an edit. Shown to the group's leads and to stewards."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=140)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    asks = models.TextField(blank=True)
    asks_html = models.TextField(blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    wanted = models.PositiveIntegerField(null=True, blank=True)
    written_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return self.title


class Signup(models.Model):
    """One person answering a need."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="signup_one_per_person"),
        ]

    def __str__(self):
        return f"{self.member_id} → {self.post_id}"
