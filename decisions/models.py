"""Proposals, their versions, seconds, amendments and discussion; polls, the frozen
electorate, participation and ballots (stored apart), and hand-entered counts."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assembly.models import Assembly, Membership

from . import tally


class Proposal(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        DISCUSSION = "discussion", _("open for discussion")
        VOTING = "voting", _("voting")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        TABLED = "tabled", _("tabled")

    OPEN_STATES = (State.DRAFT, State.DISCUSSION, State.VOTING)

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("on behalf of"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=50000)
    body_html = models.TextField(editable=False)
    version = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["assembly", "state", "-updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=[
                        "draft",
                        "discussion",
                        "voting",
                        "passed",
                        "failed",
                        "withdrawn",
                        "tabled",
                    ]
                ),
                name="proposal_state_valid",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def stream(self):
        return f"proposal:{self.pk}"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES


class ProposalVersion(models.Model):
    """Every text the proposal has had; version 1 is the original."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="version_unique_number")
        ]

    def __str__(self):
        return f"{self.proposal_id} v{self.number}"


class ProposalEvent(models.Model):
    """A change of state: who moved the proposal from what to what, and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"

    @property
    def to_label(self):
        return Proposal.State(self.to_state).label


class Second(models.Model):
    """A member seconding (co-signing) a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="seconds")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="second_once")]

    def __str__(self):
        return f"{self.member_id} seconds {self.proposal_id}"


class Amendment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted by the author")
        DECLINED = "declined", _("declined by the author")
        VOTING = "voting", _("put to a vote")
        ADOPTED = "adopted", _("adopted by vote")
        REJECTED = "rejected", _("rejected by vote")
        WITHDRAWN = "withdrawn", _("withdrawn")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    based_on = models.PositiveIntegerField(help_text="the proposal version it amends")
    body = models.TextField(max_length=50000)
    body_html = models.TextField(editable=False)
    rationale = models.TextField(blank=True, max_length=5000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"amendment {self.pk} to {self.proposal_id}"


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=10000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["proposal", "parent", "created_at"])]

    def __str__(self):
        return f"comment {self.pk}"


class Poll(models.Model):
    """A vote: created → open → closed. The electorate is frozen when it opens."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Method(models.TextChoices):
        MAJORITY = "majority", _("Majority: yes / no / abstain")
        CONSENSUS = "consensus", _("Consensus: agree / stand aside / block")
        SINGLE = "single", _("Single choice")
        APPROVAL = "approval", _("Approval: choose any number")
        IRV = "irv", _("Ranked choice, one winner (instant runoff)")
        STV = "stv", _("Ranked choice, several seats (single transferable vote)")
        SCORE = "score", _("Score each option")
        DOTS = "dots", _("Dot voting")
        TEMPERATURE = "temperature", _("Temperature check (fist to five), non-binding")

    class Threshold(models.TextChoices):
        SIMPLE = "simple", _("simple majority")
        TWO_THIRDS = "two_thirds", _("two-thirds")
        THREE_QUARTERS = "three_quarters", _("three-quarters")
        UNANIMOUS = "unanimous", _("unanimous")

    class Visibility(models.TextChoices):
        LIVE = "live", _("live, while the vote is open")
        AFTER_VOTE = "after_vote", _("to each voter after they vote")
        AFTER_CLOSE = "after_close", _("only after the vote closes")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")
        NO_QUORUM = "no_quorum", _("quorum not reached")
        DECIDED = "decided", _("decided")
        NON_BINDING = "non_binding", _("counted (non-binding)")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="polls")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="polls"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="polls"
    )
    question = models.CharField(_("question"), max_length=300)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    threshold = models.CharField(
        _("threshold"), max_length=16, choices=Threshold.choices, default=Threshold.SIMPLE
    )
    abstentions_in_base = models.BooleanField(_("abstentions count toward the base"), default=False)
    max_blocks = models.PositiveIntegerField(_("blocks allowed"), default=0)
    seats = models.PositiveIntegerField(_("seats / winners"), default=1)
    min_choices = models.PositiveIntegerField(null=True, blank=True)
    max_choices = models.PositiveIntegerField(null=True, blank=True)
    score_max = models.PositiveIntegerField(default=5)
    dots = models.PositiveIntegerField(null=True, blank=True)
    secret = models.BooleanField(_("secret ballot"), default=False)
    results_visibility = models.CharField(
        _("results are shown"), max_length=12, choices=Visibility.choices, default=Visibility.LIVE
    )
    allow_change = models.BooleanField(_("voters may change a named vote"), default=False)
    receipts = models.BooleanField(_("voters get a receipt"), default=False)
    combine_entered = models.BooleanField(_("combine counts entered from the room"), default=True)
    quorum = models.PositiveIntegerField(_("quorum (voters needed)"), default=0)
    electorate_size = models.PositiveIntegerField(default=0)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    seed = models.CharField(max_length=64, editable=False)
    seed_digest = models.CharField(max_length=64, editable=False)
    opened_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # turnout = ballots cast here + people counted in the room (the latest entered counts;
    # for approval those are approvals, not people, and are not in the turnout).
    turnout = models.PositiveIntegerField(default=0)
    room_counted = models.PositiveIntegerField(default=0)
    # Set at the close: the ballots cast here, and how many people without an account
    # (counted in a meeting's room) were entitled besides the electorate.
    ballots_here = models.PositiveIntegerField(null=True, blank=True)
    room_entitled = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["assembly", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=list(tally.METHODS)), name="poll_method_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="closed") | models.Q(closed_at__isnull=False),
                name="poll_closed_has_time",
            ),
        ]

    def __str__(self):
        return self.question

    @property
    def stream(self):
        return f"poll:{self.pk}"

    def accepting_at(self, moment):
        """Whether a ballot arriving at `moment` counts (decided at write time)."""
        return self.state == self.State.OPEN and (self.closes_at is None or moment < self.closes_at)

    @property
    def is_open(self):
        return self.accepting_at(timezone.now())

    @property
    def entitled(self):
        """Everyone who could be counted: the electorate and, for a meeting's vote, the
        people without an account in the room."""
        return self.electorate_size + self.room_entitled

    @property
    def is_ranked(self):
        return self.method in ("irv", "stv")

    @property
    def takes_options(self):
        return self.method in ("single", "approval", "irv", "stv", "score", "dots")

    def tally_params(self):
        return {
            "options": [o.key for o in self.options.all()] if self.takes_options else [],
            "seats": self.seats,
            "threshold": self.threshold,
            "abstentions_in_base": self.abstentions_in_base,
            "max_blocks": self.max_blocks,
            "min_choices": self.min_choices,
            "max_choices": self.max_choices,
            "score_max": self.score_max,
            "dots": self.dots,
        }


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=12)
    label = models.CharField(max_length=200)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "key"], name="option_unique_key"),
        ]

    def __str__(self):
        return self.label


class Elector(models.Model):
    """The electorate, frozen when the poll opens: who may vote in it."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="electors")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="elector_once"),
        ]

    def __str__(self):
        return f"{self.member_id} in {self.poll_id}"


class Ballot(models.Model):
    """What was chosen. No column here says who chose it, and no time is kept.

    In a named poll the voter's Participation points at the ballot; in a secret poll
    nothing does.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    choice = models.JSONField()
    reason = models.TextField(blank=True, max_length=2000)
    receipt_digest = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self):
        return str(self.id)


class Participation(models.Model):
    """That a member voted in a poll: one row per member and poll, enforced here."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=64)
    # Named polls only: the voter's ballot. Always null in a secret poll.
    ballot = models.OneToOneField(
        Ballot, null=True, blank=True, on_delete=models.SET_NULL, related_name="participation"
    )
    # Named polls only; a secret poll keeps no time that could be matched to a ballot.
    voted_at = models.DateTimeField(null=True, blank=True)
    # When a delegate voted for this member by proxy: the delegate.
    cast_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="one_member_one_vote"),
        ]

    def __str__(self):
        return f"{self.member_id} voted in {self.poll_id}"


class EnteredCount(models.Model):
    """Counts from the room (a show of hands, paper ballots), entered by a facilitator.

    Every entry is kept; the latest one is the one that counts.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="entered_counts")
    counts = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-entered_at", "-pk"]

    def __str__(self):
        return f"entered counts for {self.poll_id}"

    @property
    def total(self):
        return sum(self.counts.values())


class Decision(models.Model):
    """An entry of an assembly's decisions log. Append-only and hash-chained.

    Every column but `digest` goes into the entry's canonical serialisation (see
    `chain_fields`), so changing any of them in the database breaks verification at this
    entry. A correction, amendment or repeal is a new entry that points at the old one.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", _("decision")
        CORRECTION = "correction", _("correction")
        AMENDMENT = "amendment", _("amendment")
        REPEAL = "repeal", _("repeal")

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="decisions")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DECISION)
    title = models.CharField(max_length=300)
    text = models.TextField()
    text_html = models.TextField()
    how_reached = models.CharField(max_length=500, blank=True)
    method = models.CharField(max_length=12, blank=True)
    result = models.JSONField(default=dict, blank=True)
    entered_counts = models.JSONField(default=dict, blank=True)
    turnout = models.PositiveIntegerField(null=True, blank=True)
    electorate = models.PositiveIntegerField(null=True, blank=True)
    quorum = models.PositiveIntegerField(null=True, blank=True)
    quorum_met = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)
    meeting = models.CharField(max_length=300, blank=True, help_text="the meeting it was taken in")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    poll = models.ForeignKey(
        Poll, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    recorded_by = models.CharField(max_length=60, blank=True)
    decided_at = models.DateTimeField()
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["assembly", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "sequence"], name="decision_sequence"),
            models.UniqueConstraint(fields=["assembly", "prev_digest"], name="decision_one_next"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.title}"

    def chain_fields(self):
        """The canonical content of this entry (JSON values only, no floats)."""
        return {
            "assembly": self.assembly.slug,
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "text_html": self.text_html,
            "how_reached": self.how_reached,
            "method": self.method,
            "result": self.result,
            "entered_counts": self.entered_counts,
            "turnout": self.turnout,
            "electorate": self.electorate,
            "quorum": self.quorum,
            "quorum_met": self.quorum_met,
            "outcome": self.outcome,
            "meeting": self.meeting,
            "proposal": self.proposal_id,
            "poll": self.poll_id,
            "supersedes": self.supersedes.sequence if self.supersedes_id else None,
            "recorded_by": self.recorded_by,
            "decided_at": self.decided_at.isoformat(),
        }

    def as_entry(self):
        return {
            "sequence": self.sequence,
            "fields": self.chain_fields(),
            "prev_digest": self.prev_digest,
            "digest": self.digest,
        }


class ActionItem(models.Model):
    """Follow-through on a decision. Its status history is kept but is not in the chain."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        BLOCKED = "blocked", _("blocked")
        DROPPED = "dropped", _("dropped")

    CLOSED = (Status.DONE, Status.DROPPED)

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=300)
    group = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("working group"),
    )
    assignee = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self):
        return self.what

    @property
    def is_overdue(self):
        return (
            self.due is not None
            and self.status not in self.CLOSED
            and self.due < timezone.localdate()
        )


class ActionUpdate(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=ActionItem.Status.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.item_id}: {self.status}"


class CalendarFeed(models.Model):
    """A member's private iCalendar feed of an assembly. Only the token's digest is kept;
    a new link revokes the old one."""

    member = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"feed of {self.member_id}"
