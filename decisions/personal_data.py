"""What decisions keeps about a person, for assembly/privacy.py: the privacy page's
lines, retention purges, the person's data export and account deletion."""

from django.utils.translation import gettext_lazy

from assembly import privacy
from assembly.privacy import Kept


def _membership_ended(membership):
    from .models import CalendarFeed

    # A calendar link would otherwise work again on reinstatement.
    CalendarFeed.objects.filter(member=membership).delete()


def _purge_participation(assembly_id, cutoff):
    """Who could vote and who voted, for votes closed before `cutoff`. The result (with
    its turnout) and the ballots stay."""
    from .models import Elector, Participation, Poll

    closed = Poll.objects.filter(assembly_id=assembly_id, state="closed", closed_at__lt=cutoff)
    gone, _by_model = Participation.objects.filter(poll__in=closed).delete()
    electors, _by_model = Elector.objects.filter(poll__in=closed).delete()
    return gone + electors


def _forget(user, memberships):
    from .models import CalendarFeed

    CalendarFeed.objects.filter(member__in=memberships).delete()


def _export(user, memberships):
    """Named ballots: what the person chose, with the reason they gave (a secret ballot is
    linked to no one, so it cannot be found here, or anywhere)."""
    from .models import Participation

    rows = (
        Participation.objects.filter(member__in=memberships, ballot__isnull=False)
        .select_related("poll", "ballot")
        .order_by("poll_id")
    )
    return {
        "named_ballots": [
            {
                "poll": p.poll_id,
                "question": p.poll.question,
                "choice": p.ballot.choice,
                "reason": p.ballot.reason,
                "voted_at": privacy._value(p.voted_at),
            }
            for p in rows
        ]  # fmt: skip
    }


def register():
    privacy.register(
        kept=[
            Kept(
                "proposals",
                gettext_lazy(
                    "Proposals, amendments and comments you write, the proposals you second, "
                    "and (facilitators) comments you hide, with the reason."
                ),
                gettext_lazy(
                    "As long as the assembly exists. If you delete your account they stay, "
                    "signed “former member”."
                ),
                gettext_lazy("Members of the assembly."),
                fields=(
                    "decisions.Proposal.author",
                    "decisions.ProposalVersion.created_by",
                    "decisions.ProposalEvent.actor",
                    "decisions.Second.member",
                    "decisions.Amendment.author",
                    "decisions.Amendment.decided_by",
                    "decisions.Comment.author",
                    "decisions.Comment.hidden_by",
                ),  # fmt: skip
            ),
            Kept(
                "votes_run",
                gettext_lazy(
                    "Votes you open or close, and counts you enter from the room (facilitators)."
                ),
                gettext_lazy("As long as the assembly exists."),
                gettext_lazy("Members of the assembly."),
                fields=(
                    "decisions.Poll.opened_by",
                    "decisions.Poll.closed_by",
                    "decisions.EnteredCount.entered_by",
                ),  # fmt: skip
            ),
            Kept(
                "participation",
                gettext_lazy(
                    "Who could vote and who voted in each vote, and who voted for someone by "
                    "proxy. In a secret vote, never how anyone voted: nothing links a ballot "
                    "to its voter. In a named vote, your ballot and the reason you gave."
                ),
                gettext_lazy(
                    "Who could vote and who voted: as long as the assembly chooses after the "
                    "vote closes (a year unless it chose otherwise). Ballots stay with the "
                    "result."
                ),
                gettext_lazy(
                    "Facilitators and stewards see who voted; named ballots are published to "
                    "members when the vote closes."
                ),
                fields=(
                    "decisions.Elector.member",
                    "decisions.Participation.member",
                    "decisions.Participation.cast_by",
                    "decisions.Ballot.reason",
                ),  # fmt: skip
            ),
            Kept(
                "actions",
                gettext_lazy("Follow-up actions assigned to you, and the status updates you give."),
                gettext_lazy("As long as the assembly exists."),
                gettext_lazy("Members of the assembly."),
                fields=("decisions.ActionItem.assignee", "decisions.ActionUpdate.by"),
            ),
            Kept(
                "calendar",
                gettext_lazy("A scrambled form of your private calendar link, if you made one."),
                gettext_lazy("Until you revoke it, or your membership is suspended or ends."),
                gettext_lazy("No one."),
                fields=("decisions.CalendarFeed.member",),
            ),
        ],
        purges={"participation": _purge_participation},
        export=_export,
        forget=_forget,
        membership_ended=_membership_ended,
        hidden=("decisions.CalendarFeed.token_digest", "decisions.Poll.seed"),
    )
