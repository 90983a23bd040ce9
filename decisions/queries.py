"""Reads for proposal and poll pages. `access_*` fetch and authorise in one step."""

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, When
from django.http import Http404

from assembly.queries import access_assembly

from .models import Amendment, Comment, Participation, Poll, Proposal, ProposalVersion

COMMENTS_PER_PAGE = 50


def access_proposal(user, slug, pk, permission=None):
    """(membership, proposal) or 404. Drafts are visible to members: they gather seconds."""
    me = (
        access_assembly(user, slug)
        if permission is None
        else access_assembly(user, slug, permission)
    )
    proposal = (
        Proposal.objects.select_related("author", "assembly", "group")
        .filter(assembly=me.assembly, pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return me, proposal


def access_poll(user, slug, pk, permission=None):
    """(membership, poll) or 404; a vote past its closing time is closed first."""
    me = (
        access_assembly(user, slug)
        if permission is None
        else access_assembly(user, slug, permission)
    )
    poll = (
        Poll.objects.select_related("proposal", "amendment", "opened_by", "closed_by", "assembly")
        .filter(assembly=me.assembly, pk=pk)
        .first()
    )
    if poll is None:
        raise Http404
    if poll.state == Poll.State.OPEN and not poll.is_open:
        # Its closing time has passed and no timer has closed it yet: every page of the
        # vote closes and counts it before showing it (README: "Pages also close a vote
        # whose time has passed when someone opens it").
        from .actions import close_poll

        poll = close_poll(None, poll=poll)
    return me, poll


def access_comment(proposal, pk):
    comment = Comment.objects.filter(proposal=proposal, pk=pk).select_related("author").first()
    if comment is None:
        raise Http404
    return comment


def proposals(assembly, state=None, *, me=None):
    """The assembly's proposals; given the reader (`me`), those still in progress first,
    each marked `i_voted` when the reader voted in its open vote."""
    qs = Proposal.objects.filter(assembly=assembly).select_related("author")
    if state == "open":
        qs = qs.filter(state__in=Proposal.OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    qs = qs.annotate(
        second_count=Count("seconds", distinct=True),
        comment_count=Count("comments", distinct=True),
    )
    if me is None:
        return qs
    return qs.annotate(
        closed_rank=Case(When(state__in=Proposal.OPEN_STATES, then=0), default=1),
        i_voted=Exists(
            Participation.objects.filter(
                poll__proposal=OuterRef("pk"), poll__state=Poll.State.OPEN, member=me
            )
        ),
    ).order_by("closed_rank", "-updated_at", "-pk")


def proposal_page(proposal):
    """Everything the proposal's main part shows, in a fixed number of queries."""
    return {
        "seconds": list(proposal.seconds.select_related("member")),
        "amendments": list(
            Amendment.objects.filter(proposal=proposal).select_related("author", "decided_by")
        ),
        "polls": list(proposal.polls.order_by("-opened_at")),
        "events": list(proposal.events.select_related("actor")),
        "version_count": proposal.version,
    }


def comment_page(proposal, before=None):
    """A window of top-level comments (newest last) with their replies, and whether more
    precede it. Constant queries however long the thread."""
    top = Comment.objects.filter(proposal=proposal, parent__isnull=True)
    if before:
        top = top.filter(pk__lt=before)
    window = list(
        top.order_by("-pk")
        .select_related("author", "hidden_by")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Comment.objects.select_related("author", "hidden_by").order_by("pk"),
            )
        )[: COMMENTS_PER_PAGE + 1]
    )
    more = len(window) > COMMENTS_PER_PAGE
    window = list(reversed(window[:COMMENTS_PER_PAGE]))
    return {"comments": window, "more": more, "oldest": window[0].pk if window else None}


def versions(proposal):
    return list(ProposalVersion.objects.filter(proposal=proposal).select_related("created_by"))


def open_polls(assembly):
    return Poll.objects.filter(assembly=assembly, state=Poll.State.OPEN).select_related("proposal")


def polls(assembly, *, me=None):
    """The assembly's votes; given the reader (`me`), open ones first, each marked
    `i_voted` when the reader has voted in it."""
    qs = (
        Poll.objects.filter(assembly=assembly)
        .select_related("proposal")
        .annotate(voters=Count("participations"))
    )
    if me is None:
        return qs
    return qs.annotate(
        closed_rank=Case(When(state=Poll.State.OPEN, then=0), default=1),
        i_voted=Exists(Participation.objects.filter(poll=OuterRef("pk"), member=me)),
    ).order_by("closed_rank", "-opened_at", "-pk")


def home_counts(assembly):
    return Proposal.objects.filter(assembly=assembly).aggregate(
        open=Count("pk", filter=Q(state__in=Proposal.OPEN_STATES)),
    )


def ballot_reasons(poll):
    """The reasons voters gave (a block needs one; others are optional), shown with the
    result once the vote has closed: with the voter's name in a named vote, without it in
    a secret one (sorted by text, so their order says nothing). None while open, and for a
    secret vote that publishes its outcome only."""
    from .actions import answers

    if poll.state != Poll.State.CLOSED or (poll.result or {}).get("withheld"):
        return None
    labels = dict(answers(poll))
    ballots = poll.ballots.exclude(reason="")
    if not poll.secret:
        ballots = ballots.select_related("participation__member")
    rows = []
    for ballot in ballots:
        voter = None
        if not poll.secret:
            participation = getattr(ballot, "participation", None)
            voter = participation.member.display_name if participation else None
        choice = ballot.choice
        rows.append({
            "voter": voter,
            "choice": labels.get(choice, "") if isinstance(choice, str) else "",
            "reason": ballot.reason,
        })  # fmt: skip
    return sorted(rows, key=lambda r: (r["voter"] or "", r["reason"]))
