"""Live meetings: schedule, agenda, attendance, speaking queue, floor votes, minutes.

Invariants that matter under load live in the database: one attendance row per member
and meeting, one waiting hand per member and item, one delegation per member and meeting.
"""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assembly.models import Assembly, Membership

__all__ = [
    "AgendaItem",
    "Attendance",
    "Hand",
    "Meeting",
    "MeetingPoll",
    "MeetingSettings",
    "Proxy",
    "Sanction",
]


class MeetingSettings(models.Model):
    """The assembly's choices for how its meetings run (created on first use)."""

    class Progressive(models.TextChoices):
        OFF = "off", _("off: hands are called in the order raised")
        ITEM = "item", _("on: people who have not spoken on this item go first")
        MEETING = "meeting", _("on: people who have not spoken in this meeting go first")

    assembly = models.OneToOneField(
        Assembly, on_delete=models.CASCADE, related_name="meeting_settings"
    )
    progressive = models.CharField(
        _("progressive stack"), max_length=8, choices=Progressive.choices, default="off"
    )
    count_unregistered = models.BooleanField(
        _("facilitators may count people in the room who have no account"), default=False
    )
    proxies_allowed = models.BooleanField(
        _("members may give their vote to another member for one meeting"), default=False
    )
    max_proxies = models.PositiveIntegerField(
        _("most votes one member may hold for others"), default=1
    )

    class Meta:
        verbose_name = _("meeting settings")
        verbose_name_plural = _("meeting settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progressive__in=["off", "item", "meeting"]),
                name="meeting_settings_progressive_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(max_proxies__lte=20), name="meeting_settings_max_proxies"
            ),
        ]

    def __str__(self):
        return f"{self.assembly}"


def new_projector_token():
    return secrets.token_urlsafe(18)


class Meeting(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        RUNNING = "running", _("in progress")
        ENDED = "ended", _("ended")

    class Minutes(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    call_link = models.URLField(_("video call link"), max_length=500, blank=True)
    facilitators = models.ManyToManyField(
        Membership, blank=True, related_name="+", verbose_name=_("facilitators")
    )
    note_taker = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("note-taker"),
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    current_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unregistered_present = models.PositiveIntegerField(default=0)
    projector_token = models.CharField(max_length=40, default=new_projector_token)
    hand_seq = models.PositiveIntegerField(default=0)
    minutes_state = models.CharField(max_length=10, choices=Minutes.choices, default=Minutes.DRAFT)
    minutes_summary = models.TextField(_("summary"), blank=True, max_length=20000)
    minutes_approved_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        Membership, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["scheduled", "running", "ended"]),
                name="meeting_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["assembly", "state", "starts_at"])]

    def __str__(self):
        return self.title

    @property
    def stream(self):
        return f"meeting:{self.pk}"

    @property
    def is_running(self):
        return self.state == self.State.RUNNING


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("topic")
        PROPOSAL = "proposal", _("proposal")
        REPORT = "report", _("working group report-back")
        POLL = "poll", _("vote")

    class State(models.TextChoices):
        PENDING = "pending", _("to come")
        CURRENT = "current", _("now")
        DONE = "done", _("done")
        SKIPPED = "skipped", _("skipped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    title = models.CharField(_("title"), max_length=200)
    proposal = models.ForeignKey(
        "decisions.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_minutes = models.PositiveIntegerField(_("planned minutes"), default=10)
    speaker_seconds = models.PositiveIntegerField(
        _("time per speaker (seconds, 0 for no limit)"), default=120
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    queue_open = models.BooleanField(default=True)
    current_hand = models.ForeignKey(
        "Hand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    speaker_started_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=50000)
    notes_html = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["topic", "proposal", "report", "poll"]),
                name="agenda_item_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "current", "done", "skipped"]),
                name="agenda_item_state_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def actual_seconds(self):
        if self.started_at is None:
            return 0
        end = self.ended_at or timezone.now()
        return max(0, int((end - self.started_at).total_seconds()))


class Hand(models.Model):
    """A raised hand on an item's speaking queue: a member's, or one raised in the room
    by someone without an account (``name`` only, added by a facilitator)."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("point of process")
        CLARIFY = "clarify", _("clarifying question")
        RESPONSE = "response", _("direct response")
        REGULAR = "regular", _("contribution")

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        SPOKE = "spoke", _("spoke")
        LOWERED = "lowered", _("lowered")
        REMOVED = "removed", _("removed")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="hands")
    member = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    responds_to = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_seq = models.PositiveIntegerField()
    raised_at = models.DateTimeField(default=timezone.now)
    pinned_position = models.PositiveIntegerField(null=True, blank=True)
    pinned_seq = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    called_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("raised hand")
        verbose_name_plural = _("raised hands")
        ordering = ["raised_seq", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "member"],
                condition=models.Q(state="waiting"),
                name="hand_one_waiting_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["process", "clarify", "response", "regular"]),
                name="hand_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(name=""),
                name="hand_has_someone",
            ),
        ]
        indexes = [models.Index(fields=["item", "state"])]

    def __str__(self):
        return self.speaker_name

    @property
    def speaker_name(self):
        return self.member.display_name if self.member_id else self.name

    @property
    def stack_member_id(self):
        """The id the pure ordering module sees: a room guest gets a negative one."""
        return self.member_id if self.member_id else -self.pk


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(default=True)
    checked_in_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]
        indexes = [models.Index(fields=["meeting", "present"])]

    def __str__(self):
        return f"{self.member_id}@{self.meeting_id}"


class MeetingPoll(models.Model):
    """A vote opened from a meeting, and who could vote when it closed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="polls")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="polls"
    )
    poll = models.OneToOneField(
        "decisions.Poll", on_delete=models.CASCADE, related_name="meeting_link"
    )
    present_only = models.BooleanField(default=False)
    published = models.BooleanField(default=False)
    entitled = models.PositiveIntegerField(null=True, blank=True)
    present = models.PositiveIntegerField(null=True, blank=True)
    voted = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting vote")
        verbose_name_plural = _("meeting votes")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.meeting_id}/{self.poll_id}"


class Sanction(models.Model):
    """A facilitator's act against a member for the rest of one meeting."""

    class Kind(models.TextChoices):
        MUTE = "mute", _("muted")
        REMOVE = "remove", _("removed from the meeting")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sanctions")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting sanction")
        verbose_name_plural = _("meeting sanctions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member", "kind"], name="sanction_once_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["mute", "remove"]), name="sanction_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.member_id}@{self.meeting_id}"


class Proxy(models.Model):
    """A member's vote given to another member for one meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proxies")
    delegator = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "delegator"], name="proxy_one_per_member"),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")), name="proxy_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.delegator_id}→{self.delegate_id}@{self.meeting_id}"
