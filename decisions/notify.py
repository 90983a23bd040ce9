"""Notifications: in the app (a live count in the header) and by email, each a
per-person choice. Writes create rows; `manage.py send_notifications` (run by a timer)
generates the time-based ones and sends email outside any request. A failing mail server
loses nothing: the notification stays pending and the next run retries it.

Rows store only what the notification is about (a title, a link); the sentence around
it is rendered in the recipient's language when shown or mailed.
"""

import logging
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from assembly import live
from assembly.models import Membership

from .models import (
    ActionItem,
    DigestChoice,
    Notification,
    NotificationPreference,
    Participation,
    Poll,
)

log = logging.getLogger(__name__)
Kind = Notification.Kind
MAX_ATTEMPTS = 20

# Other apps' time-based work (reminders, retention purges), run by `send_notifications`
# on every round before mail goes out: fn(now) -> a short line for the log.
TIMER_JOBS = []


def preferences(user_ids, kind):
    """{user_id: (in_app, email)} for these people (defaults: both on)."""
    chosen = {
        p.user_id: (p.in_app, p.email)
        for p in NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)
    }
    return {uid: chosen.get(uid, (True, True)) for uid in user_ids}


def notify(members, kind, *, subject, url, key):
    """Create one notification per member who wants it (at most once per key)."""
    members = [m for m in members if m.is_active]
    prefs = preferences([m.user_id for m in members], kind)
    rows = []
    for member in members:
        in_app, email = prefs[member.user_id]
        if in_app or email:
            rows.append(
                Notification(
                    recipient=member, kind=kind, subject=one_line(subject)[:300], url=url, key=key,
                    email_pending=email, in_app=in_app,
                )
            )  # fmt: skip
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    for user_id in {row.recipient.user_id for row in created if row.in_app}:
        live.publish_user(user_id, "notification.created", {"delta": 1})
    return len(created)


def one_line(text):
    """Text for a single line (a mail header, a list item): whitespace and control
    characters folded to single spaces, so a newline in a question cannot add a header."""
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text))
    return " ".join(cleaned.split())


def unread_count(user):
    return Notification.objects.filter(
        recipient__user=user,
        recipient__status=Membership.Status.ACTIVE,
        in_app=True,
        read_at__isnull=True,
    ).count()


# -- what creates notifications ----------------------------------------------------------


def poll_opened(poll):
    from .models import Elector

    members = Membership.objects.filter(
        pk__in=Elector.objects.filter(poll=poll).values("member_id")
    ).exclude(pk=poll.opened_by_id)
    url = reverse("poll", args=[poll.assembly.slug, poll.pk])
    notify(list(members), Kind.POLL_OPENED, subject=poll.question, url=url, key=f"poll:{poll.pk}")


def comment_replied(comment):
    parent = comment.parent
    if parent is None or parent.author_id == comment.author_id:
        return
    url = reverse("proposal", args=[comment.proposal.assembly.slug, comment.proposal_id])
    notify(
        [parent.author],
        Kind.COMMENT_REPLY,
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
    notify(members, Kind.GROUP_ACTION, subject=decision.title, url=url, key=key)


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
            [e.member for e in waiting], Kind.POLL_CLOSING, subject=poll.question, url=url,
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
            [item.assignee], Kind.ACTION_OVERDUE, subject=item.what, url=url,
            key=f"action:{item.pk}:{item.due.isoformat()}",
        )  # fmt: skip
    return created


# -- email -----------------------------------------------------------------------------


def send_pending(now=None):
    """Send pending email. Immediate for most; one digest a day for those who chose it.
    Returns (sent, failed)."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(email_pending=True, email_attempts__lt=MAX_ATTEMPTS)
        .select_related("recipient__user", "recipient__assembly")
        .order_by("recipient__user_id", "created_at")
    )
    by_user = {}
    for notification in pending:
        by_user.setdefault(notification.recipient.user, []).append(notification)
    digests = {d.user_id: d for d in DigestChoice.objects.filter(user__in=list(by_user))}
    sent = failed = 0
    for user, items in by_user.items():
        digest = digests.get(user.pk)
        if digest is not None:
            if digest.last_sent_at and now - digest.last_sent_at < timedelta(hours=24):
                continue
            batches = [items]
        else:
            batches = [[item] for item in items]
        for batch in batches:
            if _send(user, batch, digest=digest is not None):
                sent += len(batch)
                if digest is not None:
                    digest.last_sent_at = now
                    digest.save(update_fields=["last_sent_at"])
            else:
                failed += len(batch)
    return sent, failed


def _send(user, batch, *, digest):
    """Mail one notification, or a digest. Content-free unless every item's assembly
    chose details: mail providers then learn only that there is something to read."""
    from assembly import privacy

    language = user.language or batch[0].recipient.assembly.language or settings.LANGUAGE_CODE
    chosen = {}
    for item in batch:
        if item.recipient.assembly_id not in chosen:
            policy = privacy.settings_for(item.recipient.assembly)
            chosen[item.recipient.assembly_id] = policy.email_details
    details = all(chosen.values())
    with translation.override(language):
        context = {
            "items": batch, "digest": digest, "details": details, "count": len(batch),
            "site": settings.SITE_URL, "inbox": reverse("notifications"),
        }  # fmt: skip
        subject = one_line(render_to_string("decisions/email/subject.txt", context))[:200]
        body = render_to_string("decisions/email/body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as exc:  # the mail server is down: keep it queued
        log.warning("notification email to user %s failed: %s", user.pk, exc)
        Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
            email_attempts=F("email_attempts") + 1
        )
        return False
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
            email_pending=False, emailed_at=timezone.now()
        )
    return True
