"""Every write about proposals, discussion and votes. Each takes the acting Membership
first, checks permission through assembly.roles, validates, writes in one transaction,
and publishes live events on commit."""

import hashlib
import secrets
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from assembly import idempotency, live
from assembly.actions import audit, require
from assembly.errors import ActionError, NotAllowed
from assembly.models import Membership
from assembly.roles import Perm
from assembly.text import render_markdown

from . import live_state, notify, tally
from .models import (
    Amendment,
    Ballot,
    Comment,
    Elector,
    EnteredCount,
    Participation,
    Poll,
    PollOption,
    Proposal,
    ProposalEvent,
    ProposalVersion,
    Second,
)

# People counted in the room who are entitled besides the electorate: meetings register
# fn(poll) -> how many people without an account are present at the poll's meeting.
ROOM_ENTITLED = []


def room_entitled(poll):
    return sum(fn(poll) for fn in ROOM_ENTITLED)


# Rows the ballot guards read, fetched with the poll in the same query (meetings: the
# meeting a vote belongs to), so a ballot does not pay a query per guard.
POLL_RELATED = []

# Why someone is not in a poll's electorate, when another part froze it (meetings: only
# those checked in): fn(poll, voter) -> a message, or None.
NOT_ELECTOR_REASONS = []

# Seams for other parts (meetings): each guard(actor, poll, voter) may raise ActionError
# to refuse a ballot (e.g. a member who delegated their vote); each close hook(poll) runs
# inside the closing transaction (e.g. to snapshot who was present).
BALLOT_GUARDS = []
CLOSE_HOOKS = []
COMMENT_GUARDS = []  # guard(actor, proposal): e.g. a member muted in a running meeting

TITLE_MAX = 200
BODY_MAX = 50000
COMMENT_MAX = 10000
MAX_OPTIONS = 50
# A secret vote with fewer ballots than this publishes its outcome only (see `withheld`).
SECRET_MINIMUM = 5


def _same_assembly(actor, obj):
    if obj.assembly_id != actor.assembly_id:
        raise NotAllowed(_("Your role in this assembly does not allow that."))


def _text(value, *, field, maximum, required=True):
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("%(field)s cannot be empty.") % {"field": field})
    if len(value) > maximum:
        raise ActionError(
            _("%(field)s can be at most %(max)d characters.") % {"field": field, "max": maximum}
        )
    return value


def _lock(proposal):
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _move(actor, proposal, to_state, note=""):
    ProposalEvent.objects.create(
        proposal=proposal, actor=actor, from_state=proposal.state, to_state=to_state, note=note
    )
    proposal.state = to_state
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["state", "updated_at"])
    live.publish(proposal.stream, "proposal.changed", {"state": to_state})


def _new_version(actor, proposal, *, title, body, note):
    proposal.version += 1
    proposal.title = title
    proposal.body = body
    proposal.body_html = render_markdown(body)
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["version", "title", "body", "body_html", "updated_at"])
    ProposalVersion.objects.create(
        proposal=proposal,
        number=proposal.version,
        title=title,
        body=body,
        body_html=proposal.body_html,
        created_by=actor,
        note=note,
    )
    live.publish(proposal.stream, "proposal.amended", {"version": proposal.version})


# -- proposals --------------------------------------------------------------------------


def draft_proposal(actor, *, title, body, group=None, idempotency_key=None):
    """Draft a proposal, optionally on behalf of a working group the author belongs to."""
    require(actor, Perm.PROPOSE)
    title = _text(title, field=_("The title"), maximum=TITLE_MAX)
    body = _text(body, field=_("The text"), maximum=BODY_MAX)
    if group is not None:
        from groups.models import GroupMembership

        if not GroupMembership.objects.filter(
            group=group, member=actor, status="active", group__assembly_id=actor.assembly_id
        ).exists():
            raise ActionError(_("You can propose on behalf of a working group you belong to."))

    def create():
        proposal = Proposal.objects.create(
            assembly_id=actor.assembly_id,
            author=actor,
            group=group,
            title=title,
            body=body,
            body_html=render_markdown(body),
        )
        ProposalVersion.objects.create(
            proposal=proposal,
            number=1,
            title=title,
            body=body,
            body_html=proposal.body_html,
            created_by=actor,
        )
        ProposalEvent.objects.create(proposal=proposal, actor=actor, to_state=proposal.state)
        return proposal

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "draft_proposal", Proposal, create)


def edit_draft(actor, *, proposal, title, body):
    require(actor, Perm.PROPOSE)
    _same_assembly(actor, proposal)
    title = _text(title, field=_("The title"), maximum=TITLE_MAX)
    body = _text(body, field=_("The text"), maximum=BODY_MAX)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.author_id != actor.pk:
            raise NotAllowed(_("Only the author can edit a draft."))
        if proposal.state != Proposal.State.DRAFT:
            raise ActionError(_("Once discussion opens, the text changes only by amendment."))
        if (title, body) != (proposal.title, proposal.body):
            _new_version(actor, proposal, title=title, body=body, note="")
    return proposal


def second_proposal(actor, *, proposal):
    """Second (co-sign) a proposal: a joint statement is exactly this."""
    require(actor, Perm.PROPOSE)
    _same_assembly(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.state not in (Proposal.State.DRAFT, Proposal.State.DISCUSSION):
            raise ActionError(_("This proposal can no longer be seconded."))
        if proposal.author_id == actor.pk:
            raise ActionError(_("Authors cannot second their own proposal."))
        _second, created = Second.objects.get_or_create(proposal=proposal, member=actor)
        if created:
            live.publish(
                proposal.stream, "proposal.seconded", {"seconds": proposal.seconds.count()}
            )
    return proposal


def withdraw_second(actor, *, proposal):
    require(actor, Perm.PROPOSE)
    _same_assembly(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.state not in (Proposal.State.DRAFT, Proposal.State.DISCUSSION):
            raise ActionError(_("This proposal can no longer be changed."))
        if Second.objects.filter(proposal=proposal, member=actor).delete()[0]:
            live.publish(
                proposal.stream, "proposal.seconded", {"seconds": proposal.seconds.count()}
            )
    return proposal


def open_discussion(actor, *, proposal):
    require(actor, Perm.PROPOSE)
    _same_assembly(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.author_id != actor.pk and not actor.can(Perm.FACILITATE):
            raise NotAllowed(_("Only the author or a facilitator can open the discussion."))
        if proposal.state != Proposal.State.DRAFT:
            raise ActionError(_("Only a draft can be opened for discussion."))
        needed = proposal.assembly.seconds_required
        have = proposal.seconds.count()
        if have < needed:
            raise ActionError(
                _("This proposal needs %(needed)d seconds before discussion; it has %(have)d.")
                % {"needed": needed, "have": have}
            )
        _move(actor, proposal, Proposal.State.DISCUSSION)
    return proposal


def withdraw_proposal(actor, *, proposal):
    require(actor, Perm.PROPOSE)
    _same_assembly(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.author_id != actor.pk:
            raise NotAllowed(_("Only the author can withdraw a proposal."))
        if proposal.state not in (Proposal.State.DRAFT, Proposal.State.DISCUSSION):
            raise ActionError(_("A proposal can be withdrawn only before the vote."))
        _move(actor, proposal, Proposal.State.WITHDRAWN)
    return proposal


def table_proposal(actor, *, proposal, note=""):
    require(actor, Perm.FACILITATE)
    _same_assembly(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.state not in (Proposal.State.DRAFT, Proposal.State.DISCUSSION):
            raise ActionError(_("Only a proposal that is not being voted on can be tabled."))
        _move(actor, proposal, Proposal.State.TABLED, note=(note or "")[:300])
    return proposal


def reopen_proposal(actor, *, proposal):
    """Take a tabled proposal back into discussion."""
    require(actor, Perm.FACILITATE)
    _same_assembly(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.state != Proposal.State.TABLED:
            raise ActionError(_("Only a tabled proposal can be taken up again."))
        _move(actor, proposal, Proposal.State.DISCUSSION)
    return proposal


# -- amendments -------------------------------------------------------------------------


def propose_amendment(actor, *, proposal, body, rationale="", idempotency_key=None):
    require(actor, Perm.PROPOSE)
    _same_assembly(actor, proposal)
    body = _text(body, field=_("The amended text"), maximum=BODY_MAX)
    rationale = _text(rationale, field=_("The reason"), maximum=5000, required=False)

    def create():
        nonlocal proposal
        proposal = _lock(proposal)
        if proposal.state != Proposal.State.DISCUSSION:
            raise ActionError(_("Amendments can be proposed while the proposal is in discussion."))
        if body == proposal.body:
            raise ActionError(_("The amended text is the same as the current text."))
        amendment = Amendment.objects.create(
            proposal=proposal,
            author=actor,
            based_on=proposal.version,
            body=body,
            body_html=render_markdown(body),
            rationale=rationale,
        )
        live.publish(proposal.stream, "amendment.proposed", {"amendment": amendment.pk})
        return amendment

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "propose_amendment", Amendment, create)


def _apply_amendment(actor, amendment, state, note):
    proposal = _lock(amendment.proposal)
    amendment.state = state
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["state", "decided_by", "decided_at"])
    if state in (Amendment.State.ACCEPTED, Amendment.State.ADOPTED):
        _new_version(actor, proposal, title=proposal.title, body=amendment.body, note=note)
    live.publish(proposal.stream, "amendment.decided", {"amendment": amendment.pk})


def decide_amendment(actor, *, amendment, accept):
    """The proposal's author accepts or declines an amendment."""
    require(actor, Perm.PROPOSE)
    with transaction.atomic():
        amendment = (
            Amendment.objects.select_for_update().select_related("proposal").get(pk=amendment.pk)
        )
        _same_assembly(actor, amendment.proposal)
        if amendment.proposal.author_id != actor.pk:
            raise NotAllowed(_("Only the proposal's author can accept or decline amendments."))
        if amendment.state != Amendment.State.PENDING:
            raise ActionError(_("This amendment has already been decided."))
        if amendment.proposal.state != Proposal.State.DISCUSSION:
            raise ActionError(_("Amendments can be decided while the proposal is in discussion."))
        if accept:
            _apply_amendment(
                actor,
                amendment,
                Amendment.State.ACCEPTED,
                gettext_noop("amendment #%(n)d accepted by the author") % {"n": amendment.pk},
            )
        else:
            _apply_amendment(actor, amendment, Amendment.State.DECLINED, "")
    return amendment


def withdraw_amendment(actor, *, amendment):
    require(actor, Perm.PROPOSE)
    with transaction.atomic():
        amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if amendment.author_id != actor.pk:
            raise NotAllowed(_("Only its author can withdraw an amendment."))
        if amendment.state != Amendment.State.PENDING:
            raise ActionError(_("This amendment has already been decided."))
        amendment.state = Amendment.State.WITHDRAWN
        amendment.save(update_fields=["state"])
    return amendment


# -- discussion -------------------------------------------------------------------------


def post_comment(actor, *, proposal, body, parent=None, idempotency_key=None):
    require(actor, Perm.PROPOSE)
    _same_assembly(actor, proposal)
    body = _text(body, field=_("A comment"), maximum=COMMENT_MAX)
    if proposal.state not in Proposal.OPEN_STATES:
        raise ActionError(_("The discussion of this proposal is closed."))
    for guard in COMMENT_GUARDS:
        guard(actor, proposal)
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise ActionError(_("That reply does not belong to this proposal."))
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer in the same thread

    def create():
        comment = Comment.objects.create(
            proposal=proposal,
            author=actor,
            parent=parent,
            body=body,
            body_html=render_markdown(body),
        )
        live.publish(
            proposal.stream,
            "comment.posted",
            {"comment": comment.pk, "parent": parent.pk if parent else None},
        )
        notify.comment_replied(comment)
        return comment

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "post_comment", Comment, create)


def hide_comment(actor, *, comment, reason):
    require(actor, Perm.MODERATE)
    _same_assembly(actor, comment.proposal)
    reason = _text(reason, field=_("The reason"), maximum=300)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.hidden_at is None:
            comment.hidden_at = timezone.now()
            comment.hidden_by = actor
            comment.hidden_reason = reason
            comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
            audit(actor, "comment.hidden", target=comment.author, reason=reason, comment=comment.pk)
            live.publish(
                f"proposal:{comment.proposal_id}", "comment.hidden", {"comment": comment.pk}
            )
    return comment


# -- polls ------------------------------------------------------------------------------

DEFAULT_ANSWERS = {
    "majority": [
        ("yes", gettext_lazy("Yes")),
        ("no", gettext_lazy("No")),
        ("abstain", gettext_lazy("Abstain")),
    ],
    "consensus": [
        ("agree", gettext_lazy("Agree")),
        ("stand_aside", gettext_lazy("Stand aside")),
        ("block", gettext_lazy("Block")),
    ],
    "temperature": [(str(n), str(n)) for n in range(6)],
}


def open_poll(
    actor,
    *,
    question,
    method,
    proposal=None,
    amendment=None,
    options=(),
    threshold="simple",
    abstentions_in_base=False,
    max_blocks=0,
    seats=1,
    min_choices=None,
    max_choices=None,
    score_max=5,
    dots=None,
    secret=False,
    results_visibility=Poll.Visibility.LIVE,
    allow_change=False,
    receipts=False,
    combine_entered=True,
    quorum=None,
    closes_at=None,
    electorate=None,
    idempotency_key=None,
):
    """Open a vote now. The electorate is frozen: the active members at this moment, or
    `electorate` (membership ids, e.g. the members present at a meeting) among them."""
    require(actor, Perm.FACILITATE)
    question = _text(question, field=_("The question"), maximum=300)
    if method not in tally.METHODS:
        raise ActionError(_("Choose a voting method."))
    if threshold not in tally.THRESHOLDS:
        raise ActionError(_("Choose a threshold."))
    if results_visibility not in Poll.Visibility.values:
        raise ActionError(_("Choose when results are shown."))
    labels = [" ".join(str(o).split())[:200] for o in options if str(o).strip()]
    takes_options = method in ("single", "approval", "irv", "stv", "score", "dots")
    if takes_options:
        if len(labels) < 2:
            raise ActionError(_("A vote of this kind needs at least two options."))
        if len(labels) > MAX_OPTIONS:
            raise ActionError(_("A vote can have at most 50 options."))
        if len({label.casefold() for label in labels}) != len(labels):
            raise ActionError(_("Two options have the same text."))
        if seats >= len(labels):
            raise ActionError(_("There must be more options than seats."))
    if closes_at is not None and closes_at <= timezone.now():
        raise ActionError(_("The closing time must be in the future."))
    if secret and allow_change:
        raise ActionError(_("A secret vote cannot be changed once cast."))
    keys = [f"o{i}" for i in range(1, len(labels) + 1)] if takes_options else []
    seed = secrets.token_hex(32)
    try:
        tally.count(
            method,
            [],
            options=keys,
            seats=seats,
            threshold=threshold,
            abstentions_in_base=abstentions_in_base,
            max_blocks=max_blocks,
            min_choices=min_choices,
            max_choices=max_choices,
            score_max=score_max,
            dots=dots,
            seed=seed,
        )
    except tally.TallyError as exc:
        raise ActionError(
            _("These vote settings do not fit together: %(why)s") % {"why": exc}
        ) from exc

    def create():
        nonlocal amendment, proposal, electorate, quorum
        if amendment is not None:
            amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
            proposal = amendment.proposal
            if amendment.state != Amendment.State.PENDING:
                raise ActionError(_("This amendment has already been decided."))
        if proposal is not None:
            _same_assembly(actor, proposal)
            proposal = _lock(proposal)
            if amendment is None and proposal.state != Proposal.State.DISCUSSION:
                raise ActionError(_("A vote can be opened on a proposal in discussion."))
            if amendment is not None and proposal.state != Proposal.State.DISCUSSION:
                raise ActionError(_("Amendments are voted on while the proposal is in discussion."))
        eligible = Membership.objects.filter(
            assembly_id=actor.assembly_id, status=Membership.Status.ACTIVE
        )
        if electorate is not None:
            eligible = eligible.filter(pk__in=list(electorate))
        electorate = list(eligible.values_list("pk", flat=True))
        if quorum is None:
            quorum = actor.assembly.quorum_for(len(electorate))
        if quorum < 0:
            raise ActionError(_("A quorum cannot be negative."))
        poll = Poll.objects.create(
            assembly_id=actor.assembly_id,
            proposal=proposal,
            amendment=amendment,
            question=question,
            method=method,
            threshold=threshold,
            abstentions_in_base=abstentions_in_base,
            max_blocks=max_blocks,
            seats=seats,
            min_choices=min_choices,
            max_choices=max_choices,
            score_max=score_max,
            dots=dots,
            secret=secret,
            # A secret vote shows only its turnout until the close, whatever was asked.
            results_visibility=Poll.Visibility.AFTER_CLOSE if secret else results_visibility,
            allow_change=allow_change and not secret,
            receipts=receipts,
            combine_entered=combine_entered and method not in ("irv", "stv", "score", "dots"),
            quorum=quorum,
            electorate_size=len(electorate),
            closes_at=closes_at,
            seed=seed,
            seed_digest=tally.seed_digest(seed),
            opened_by=actor,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, key=key, label=label, position=i)
            for i, (key, label) in enumerate(zip(keys, labels, strict=True))
        )
        Elector.objects.bulk_create(
            (Elector(poll=poll, member_id=pk) for pk in electorate), batch_size=1000
        )
        if amendment is not None:
            amendment.state = Amendment.State.VOTING
            amendment.save(update_fields=["state"])
        elif proposal is not None:
            _move(actor, proposal, Proposal.State.VOTING)
        live.publish(
            actor.assembly.stream, "poll.opened", {"poll": poll.pk, "question": poll.question}
        )
        notify.poll_opened(poll)
        return poll

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "open_poll", Poll, create)


@dataclass
class Cast:
    """The answer to a ballot submission. `repeated`: the same submission arrived again
    (a retry) and was not counted twice. `receipt`: shown to the voter once."""

    poll: Poll
    repeated: bool = False
    changed: bool = False
    receipt: str = ""


def _receipt_digest(code):
    return hashlib.sha256(code.encode()).hexdigest()


def _poll_for_ballot(pk):
    """The poll, read under a lock that a close must wait for.

    A ballot holds a shared lock on its poll's row from its "is the vote open?" check to
    its commit; `close_poll` takes the row exclusively. So a close waits for the ballots
    already past the check (and counts them), and a ballot that arrives during a close
    waits for it and then reads the poll as closed: every ballot is either counted or
    refused, never confirmed and left out. Shared locks do not wait for each other, so
    ballots still go in side by side. SQLite needs no lock: its write transactions
    (IMMEDIATE) run one at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM decisions_poll WHERE id = %s FOR SHARE", [pk])
    return Poll.objects.select_related("assembly", *POLL_RELATED).get(pk=pk)


def cast_ballot(actor, *, poll, choice, reason="", idempotency_key, on_behalf_of=None):
    """One member, one vote: the participation row is unique per member and poll.

    `on_behalf_of`: a member whose vote `actor` holds by proxy (the guards registered by
    meetings check the delegation); the participation records both.
    """
    arrived = timezone.now()  # the ballot's arrival decides whether it is in time
    with ballot_box(poll.pk) as box:
        return box.cast(actor, choice=choice, reason=reason, idempotency_key=idempotency_key,
                        on_behalf_of=on_behalf_of, arrived=arrived)  # fmt: skip


@contextmanager
def ballot_box(poll_pk, voters=()):
    """A transaction in which ballots of one poll are cast (`box.cast`), the poll read
    once under the lock a close waits for (`_poll_for_ballot`).

    A crowd's ballots sent over the meeting's socket go in through one box together (a
    group commit: one transaction, one poll read, one tally broadcast for all of them);
    each is checked and counted as if it came alone, and one refused leaves the others
    standing. `voters`: the memberships expected to vote, whose electorate rows are read
    in one query. Raises Poll.DoesNotExist for a poll that is gone.
    """
    with transaction.atomic():
        box = BallotBox(_poll_for_ballot(poll_pk), voters)
        yield box
        if box.counted:
            live_state.tally_changed(box.poll)


class BallotBox:
    def __init__(self, poll, voters=()):
        self.poll = poll
        self.counted = False
        ids = [voter.pk for voter in voters]
        self._electors = set(
            Elector.objects.filter(poll=poll, member_id__in=ids).values_list("member_id", flat=True)
            if len(ids) > 1
            else ()
        )
        self._asked = set(ids) if len(ids) > 1 else set()

    def _is_elector(self, voter):
        if voter.pk in self._asked:
            return voter.pk in self._electors
        return Elector.objects.filter(poll=self.poll, member=voter).exists()

    def cast(self, actor, *, choice, reason="", idempotency_key, on_behalf_of=None, arrived):
        """One ballot, as `cast_ballot` describes; `arrived`: when it reached the server."""
        poll = self.poll
        require(actor, Perm.PROPOSE)
        _same_assembly(actor, poll)
        voter = actor
        if on_behalf_of is not None:
            _same_assembly(actor, on_behalf_of)
            if poll.secret:
                raise ActionError(_("Proxy votes are not possible in a secret vote."))
            voter = on_behalf_of
        key = str(idempotency_key or "")[:64]
        if len(key) < 8:
            raise ActionError(_("This ballot form is incomplete. Reload the page and vote again."))
        reason = _text(reason, field=_("The reason"), maximum=2000, required=False)
        if not poll.accepting_at(arrived):
            if _already(poll, voter, key):
                return Cast(poll=poll, repeated=True)  # a retry of a ballot that counted
            raise ActionError(_("This vote is closed. Your ballot was not counted."))
        if not self._is_elector(voter):
            reasons = (why(poll, voter) for why in NOT_ELECTOR_REASONS)
            raise ActionError(
                next((r for r in reasons if r), None)
                or _("Only people who were members when this vote opened can vote in it.")
            )
        if poll.room_counted and not _already(poll, voter):
            entitled = poll.electorate_size + room_entitled(poll)
            if poll.participations.count() + poll.room_counted >= entitled:
                raise ActionError(
                    _(
                        "Everyone entitled to this vote has been counted already, in the room "
                        "or here. If you were counted in the room, your vote is in."
                    )
                )
        for guard in BALLOT_GUARDS:
            guard(actor, poll, voter)
        params = poll.tally_params()
        try:
            choice = tally.validate_ballot(poll.method, choice, **params)
        except tally.TallyError as exc:
            raise ActionError(
                _("This ballot is not valid: %(why)s") % {"why": _ballot_error(poll, exc)}
            ) from exc
        if isinstance(choice, (set, frozenset, tuple)):
            choice = sorted(choice) if isinstance(choice, (set, frozenset)) else list(choice)
        if poll.method == "consensus" and choice == "block" and not reason:
            raise ActionError(_("A block needs a stated reason."))
        receipt = secrets.token_hex(6) if poll.receipts else ""
        try:
            # The ballot, then who voted (pointing at it in a named vote): two inserts. The
            # participation is unique per member and poll, so a second ballot of the same
            # person (a retry, another tab, another connection at the same instant) fails
            # here and takes its ballot with it.
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    poll=poll,
                    choice=choice,
                    reason=reason,
                    receipt_digest=_receipt_digest(receipt) if receipt else "",
                )
                Participation.objects.create(
                    poll=poll,
                    member=voter,
                    idempotency_key=key,
                    ballot=None if poll.secret else ballot,
                    voted_at=None if poll.secret else arrived,
                    cast_by=actor if voter != actor else None,
                )
        except IntegrityError:
            existing = Participation.objects.get(poll=poll, member=voter)
            if existing.idempotency_key == key:
                return Cast(poll=poll, repeated=True)
            if poll.secret or not poll.allow_change:
                raise ActionError(_("You have already voted in this vote.")) from None
            Ballot.objects.filter(pk=existing.ballot_id).update(choice=choice, reason=reason)
            existing.idempotency_key = key
            existing.voted_at = arrived
            existing.save(update_fields=["idempotency_key", "voted_at"])
            self.counted = True
            return Cast(poll=poll, changed=True)
        self.counted = True
        return Cast(poll=poll, receipt=receipt)


def _already(poll, voter, key=None):
    """Whether `voter` has a ballot in `poll` (sent with `key`, when given)."""
    found = Participation.objects.filter(poll=poll, member=voter)
    if key is not None:
        found = found.filter(idempotency_key=key)
    return found.exists()


def enter_counts(actor, *, poll, counts, note="", idempotency_key=None):
    """Record counts from the room (a show of hands, paper ballots)."""
    require(actor, Perm.FACILITATE)
    _same_assembly(actor, poll)

    def create():
        nonlocal poll
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.state != Poll.State.OPEN:
            raise ActionError(_("This vote is closed."))
        if not poll.combine_entered:
            raise ActionError(_("This vote does not take counts from the room."))
        keys = [key for key, _label in answers(poll)]
        clean = {}
        for key in keys:
            value = counts.get(key, 0)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100000:
                raise ActionError(_("Each count must be a whole number from 0 to 100000."))
            clean[key] = value
        unknown = set(counts) - set(keys)
        if unknown:
            raise ActionError(_("Those counts do not match this vote's options."))
        room = 0 if poll.method == "approval" else sum(clean.values())
        here = poll.participations.count()
        entitled = poll.electorate_size + room_entitled(poll)
        if here + room > entitled:
            raise ActionError(
                _(
                    "The room counts add up to %(room)d, but only %(left)d more people can be "
                    "counted: %(entitled)d are entitled and %(here)d voted here."
                )
                % {"room": room, "left": max(0, entitled - here), "entitled": entitled,
                   "here": here}
            )  # fmt: skip
        entry = EnteredCount.objects.create(
            poll=poll, counts=clean, note=(note or "")[:300], entered_by=actor
        )
        poll.room_counted = room
        poll.save(update_fields=["room_counted"])
        live_state.tally_changed(poll)
        return entry

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "enter_counts", EnteredCount, create)


def _ballot_error(poll, exc):
    """Why a ballot was refused, in the voter's language (the count speaks plain English)."""
    p = exc.params
    labels = dict(answers(poll))
    option = str(labels.get(p.get("option"), p.get("option", "")))
    if exc.code == "too_many_dots":
        return (
            ngettext(
                "You placed %(n)d dots, but you have only %(limit)d to place.",
                "You placed %(n)d dots, but you have only %(limit)d to place.",
                p["limit"],
            )
            % p
        )
    if exc.code == "too_few_choices":
        return (
            ngettext(
                "Choose at least %(limit)d option (you chose %(n)d).",
                "Choose at least %(limit)d options (you chose %(n)d).",
                p["limit"],
            )
            % p
        )
    if exc.code == "too_many_choices":
        return (
            ngettext(
                "Choose at most %(limit)d option (you chose %(n)d).",
                "Choose at most %(limit)d options (you chose %(n)d).",
                p["limit"],
            )
            % p
        )
    if exc.code == "ranked_twice":
        return _("You ranked “%(option)s” more than once.") % {"option": option}
    if exc.code == "no_preference":
        return _("Rank at least one option.")
    if exc.code == "score_range":
        return _("The score for “%(option)s” must be a whole number from 0 to %(limit)d.") % {
            "option": option,
            "limit": p["limit"],
        }
    if exc.code == "dots_negative":
        return _("The dots for “%(option)s” must be a whole number of at least 0.") % {
            "option": option
        }
    return str(exc)  # plain English: only a hand-made request gets here


def answers(poll):
    """The (key, label) pairs a ballot chooses among."""
    if poll.method in DEFAULT_ANSWERS:
        return [(key, str(label)) for key, label in DEFAULT_ANSWERS[poll.method]]
    return [(o.key, o.label) for o in poll.options.all()]


def count_poll(poll):
    """Count a poll's ballots (and entered counts) as they stand now."""
    ballots = list(poll.ballots.values_list("choice", flat=True))
    entered = None
    if poll.combine_entered:
        latest = poll.entered_counts.order_by("-entered_at", "-pk").first()
        entered = latest.counts if latest else None
    result = tally.count(
        poll.method, ballots, seed=poll.seed, entered=entered, **poll.tally_params()
    )
    entered_total = sum(entered.values()) if entered and poll.method != "approval" else 0
    return result, len(ballots) + entered_total


def withheld(result):
    """The published result of a secret vote with fewer than SECRET_MINIMUM ballots: the
    outcome only. Counts, rounds, ties and room counts would let the few voters (or
    anyone who knows some of them) work out the others' choices; no ballots file either."""
    return {
        "method": result["method"],
        "options": result["options"],
        "winners": result["winners"],
        "passed": result["passed"],
        "counts": {},
        "rounds": [],
        "tie_breaks": [],
        "ballots_counted": result["ballots_counted"],
        "details": {},
        "withheld": True,
    }


def _reshuffle_ballots(poll):
    """Rewrite a secret poll's ballots in a random order, with new random ids, inside the
    closing transaction.

    Ballots went in one by one as people voted, each in the same transaction as its
    voter's participation row, so while the vote is open the rows' physical order (SQLite
    rowid, PostgreSQL ctid), and on PostgreSQL the inserting transaction id (xmin), pair
    each ballot with a participation. After this, every ballot of the poll was written by
    one transaction, in an order drawn from the operating system's randomness: nothing
    stored orders them the way the participations are ordered. (SQLite also overwrites
    the deleted rows, `secure_delete`; see README on what a copy can still reveal.)
    """
    rows = list(poll.ballots.values_list("choice", "reason", "receipt_digest"))
    secrets.SystemRandom().shuffle(rows)
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create(
        (
            Ballot(id=uuid.uuid4(), poll=poll, choice=choice, reason=reason,
                   receipt_digest=receipt_digest)
            for choice, reason, receipt_digest in rows
        ),
        batch_size=1000,
    )  # fmt: skip


def close_poll(actor, *, poll):
    """Close a vote by hand, or (actor None) because its closing time has passed."""
    if actor is not None:
        require(actor, Perm.FACILITATE)
        _same_assembly(actor, poll)
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.state == Poll.State.CLOSED:
            return poll
        if actor is None and (poll.closes_at is None or poll.closes_at > timezone.now()):
            return poll
        if poll.secret:
            _reshuffle_ballots(poll)
        result, turnout = count_poll(poll)
        poll.ballots_here = poll.ballots.count()
        poll.room_entitled = room_entitled(poll)
        if turnout > poll.entitled:
            # Members voted here after the room was counted, or fewer people without an
            # account are present now: the counts cannot all be right. Nothing is published
            # until a facilitator corrects the room counts.
            if actor is None:
                return poll
            raise ActionError(
                _(
                    "%(here)d voted here and %(room)d were counted in the room: %(total)d, "
                    "more than the %(entitled)d entitled. Correct the room counts, then close "
                    "the vote."
                )
                % {"here": poll.ballots_here, "room": turnout - poll.ballots_here,
                   "total": turnout, "entitled": poll.entitled}
            )  # fmt: skip
        poll.result = result.as_dict()
        if poll.secret and poll.ballots.count() < SECRET_MINIMUM:
            poll.result = withheld(poll.result)
        poll.result["seed"] = poll.seed
        poll.turnout = turnout
        if poll.method == "temperature":
            poll.outcome = Poll.Outcome.NON_BINDING
        elif turnout < poll.quorum:
            poll.outcome = Poll.Outcome.NO_QUORUM
        elif result.passed is None:
            poll.outcome = Poll.Outcome.DECIDED
        else:
            poll.outcome = Poll.Outcome.PASSED if result.passed else Poll.Outcome.FAILED
        poll.state = Poll.State.CLOSED
        poll.closed_at = timezone.now()
        poll.closed_by = actor
        poll.save()
        for hook in CLOSE_HOOKS:
            hook(poll)
        _after_close(actor, poll)
        live_state.poll_closed(poll)
    return poll


def _after_close(actor, poll):
    passed = poll.outcome == Poll.Outcome.PASSED
    if poll.amendment_id:
        amendment = Amendment.objects.select_for_update().get(pk=poll.amendment_id)
        state = Amendment.State.ADOPTED if passed else Amendment.State.REJECTED
        note = gettext_noop("amendment #%(n)d adopted by vote") % {"n": amendment.pk}
        _apply_amendment(actor or poll.opened_by, amendment, state, note)
        return
    if poll.proposal_id is None:
        return
    proposal = _lock(poll.proposal)
    if proposal.state != Proposal.State.VOTING:
        return
    if passed:
        _move(actor, proposal, Proposal.State.PASSED)
        record_decision(actor, poll=poll, proposal=proposal)
    elif poll.outcome == Poll.Outcome.NO_QUORUM:
        # Not passed, not failed: back to discussion for another vote.
        _move(actor, proposal, Proposal.State.DISCUSSION, note=str(_("quorum not reached")))
    else:
        _move(actor, proposal, Proposal.State.FAILED)


def record_decision(actor, *, poll, proposal):
    """A passed proposal becomes a decision: appended to the hash-chained log, which
    announces `decision.recorded` to the assembly."""
    from . import record

    return record.record_from_poll(actor, poll=poll, proposal=proposal)


def close_due_polls():
    """Close every open poll whose closing time has passed (run by `manage.py close_polls`)."""
    closed = []
    due = Poll.objects.filter(state=Poll.State.OPEN, closes_at__lte=timezone.now())
    for poll in due:
        poll = close_poll(None, poll=poll)
        if poll.state == Poll.State.CLOSED:
            closed.append(poll)
    return closed
