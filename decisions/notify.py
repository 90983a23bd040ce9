"""The notifications decisions sends (assembly/notifications.py is the inbox): the kinds
it registers, with the sentence each is shown in, and what creates them. A vote's
notification is written from what became of the vote: once it has closed, "a vote is
open" reads "a vote has closed".
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assembly.models import Membership
from assembly.notifications import notify, register

from .models import ActionItem, Participation, Poll

POLL_OPENED = "poll_opened"
POLL_CLOSING = "poll_closing"
GROUP_ACTION = "group_action"
ACTION_OVERDUE = "action_overdue"
COMMENT_REPLY = "comment_reply"


def _poll_id(notification):
    prefix, _sep, pk = notification.key.partition(":")
    return int(pk) if prefix == "poll" and pk.isdigit() else None


def _mark_closed_polls(items):
    """Which of these notifications' votes have closed, in one query."""
    ids = {_poll_id(n) for n in items} - {None}
    # Closed, or past its closing time (a timer or the next page view closes it soon).
    ended = ~Q(state=Poll.State.OPEN) | Q(closes_at__lte=timezone.now())
    closed = set(Poll.objects.filter(ended, pk__in=ids).values_list("pk", flat=True))
    for n in items:
        n.poll_closed = _poll_id(n) in closed


def _names(n):
    return {"assembly": n.recipient.assembly.name, "subject": n.subject}


def _poll_opened(n):
    if getattr(n, "poll_closed", False):
        return _("%(assembly)s: a vote has closed: “%(subject)s”") % _names(n)
    return _("%(assembly)s: a vote is open: “%(subject)s”") % _names(n)


def _poll_closing(n):
    if getattr(n, "poll_closed", False):
        return _("%(assembly)s: a vote has closed: “%(subject)s”") % _names(n)
    return _(
        "%(assembly)s: a vote closes within 24 hours and you have not voted: “%(subject)s”"
    ) % _names(n)


def register_kinds():
    register(
        POLL_OPENED,
        label=gettext_lazy("a vote opens in an assembly I belong to"),
        sentence=_poll_opened,
        prepare=_mark_closed_polls,
    )
    register(
        POLL_CLOSING,
        label=gettext_lazy("a vote closes within 24 hours and I have not voted"),
        sentence=_poll_closing,
        prepare=_mark_closed_polls,
    )
    register(
        GROUP_ACTION,
        label=gettext_lazy("a decision gives my working group an action"),
        sentence=lambda n: (
            _("%(assembly)s: a decision gives your working group an action: “%(subject)s”")
            % _names(n)
        ),
    )
    register(
        ACTION_OVERDUE,
        label=gettext_lazy("an action assigned to me is overdue"),
        sentence=lambda n: (
            _("%(assembly)s: an action assigned to you is overdue: “%(subject)s”") % _names(n)
        ),
    )
    register(
        COMMENT_REPLY,
        label=gettext_lazy("someone replies to my comment"),
        sentence=lambda n: (
            _("%(assembly)s: someone replied to your comment on “%(subject)s”") % _names(n)
        ),
    )


def timer(now):
    """Run by `manage.py send_notifications` on every round: votes whose time has passed
    close, and reminders go out."""
    from .actions import close_due_polls

    closed = close_due_polls()
    created = due_reminders(now)
    return f"closed {len(closed)} votes, {created} reminders"


# -- what creates notifications ----------------------------------------------------------


def poll_opened(poll):
    from .models import Elector

    members = Membership.objects.filter(
        pk__in=Elector.objects.filter(poll=poll).values("member_id")
    ).exclude(pk=poll.opened_by_id)
    url = reverse("poll", args=[poll.assembly.slug, poll.pk])
    notify(list(members), POLL_OPENED, subject=poll.question, url=url, key=f"poll:{poll.pk}")


def comment_replied(comment):
    parent = comment.parent
    if parent is None or parent.author_id == comment.author_id:
        return
    url = reverse("proposal", args=[comment.proposal.assembly.slug, comment.proposal_id])
    notify(
        [parent.author],
        COMMENT_REPLY,
        subject=comment.proposal.title,
        url=f"{url}#comment-{comment.pk}",
        key=f"comment:{comment.pk}",
    )


def group_members(group_id, decision, item=None):
    """A decision gives a working group an action: tell its members (unless muted)."""
    from groups.models import GroupMembership

    members = [
        gm.member
        for gm in GroupMembership.objects.filter(
            group_id=group_id, status="active", muted=False
        ).select_related("member")
    ]
    url = reverse("decision", args=[decision.assembly.slug, decision.sequence])
    key = f"action:{item.pk}" if item else f"decision:{decision.pk}:group:{group_id}"
    notify(members, GROUP_ACTION, subject=decision.title, url=url, key=key)


def due_reminders(now=None):
    """Polls closing within 24 hours for electors who have not voted; overdue actions."""
    from .models import Elector

    now = now or timezone.now()
    created = 0
    closing = Poll.objects.filter(
        state=Poll.State.OPEN, closes_at__gt=now, closes_at__lte=now + timedelta(hours=24)
    ).select_related("assembly")
    for poll in closing:
        voted = Participation.objects.filter(poll=poll, member=OuterRef("member"))
        waiting = (
            Elector.objects.filter(poll=poll)
            .annotate(voted=Exists(voted))
            .filter(voted=False)
            .select_related("member")
        )
        url = reverse("poll", args=[poll.assembly.slug, poll.pk])
        created += notify(
            [e.member for e in waiting], POLL_CLOSING, subject=poll.question, url=url,
            key=f"poll:{poll.pk}",
        )  # fmt: skip
    overdue = (
        ActionItem.objects.filter(due__lt=timezone.localdate(now), assignee__isnull=False)
        .exclude(status__in=ActionItem.CLOSED)
        .select_related("assignee", "decision__assembly")
    )
    for item in overdue:
        url = reverse("decision", args=[item.decision.assembly.slug, item.decision.sequence])
        created += notify(
            [item.assignee], ACTION_OVERDUE, subject=item.what, url=url,
            key=f"action:{item.pk}:{item.due.isoformat()}",
        )  # fmt: skip
    return created
