"""The notification inbox every app writes to: in the app (a live count in the header)
and by email, each a per-person choice per kind. Writes create rows; `manage.py
send_notifications` (run by a timer) runs each app's timed work and sends email outside
any request. A failing mail server loses nothing: the notification stays pending and the
next run retries it.

The base knows no kind of its own. Each app registers the kinds it sends at startup:

    notifications.register(
        "poll_opened",
        label=gettext_lazy("a vote opens in an assembly I belong to"),
        sentence=poll_opened_sentence,  # fn(notification) -> str, in the active language
        prepare=mark_closed_polls,  # optional: fn(notifications of this kind), one query
    )

Rows store only what the notification is about (a title, a link); the sentence around it
is written in the reader's language when it is shown or mailed, so it can also say what
has become of the thing since (a vote that has closed reads as closed).
"""

import logging
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import live
from .models import DigestChoice, Membership, Notification, NotificationPreference

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class Kind:
    key: str  # stored in Notification.kind (at most 16 characters)
    label: object  # lazy; "Tell me when ..." on the settings page
    sentence: object  # fn(notification) -> str
    prepare: object = None  # fn([notification]) -> None, before sentences are written


KINDS = {}


def register(key, *, label, sentence, prepare=None):
    if len(key) > Notification._meta.get_field("kind").max_length:
        raise ValueError(f"notification kind {key!r} is too long")
    KINDS[key] = Kind(key, label, sentence, prepare)


def kinds():
    """The registered kinds, in the order the apps registered them."""
    return list(KINDS.values())


# Other apps' time-based work (closing votes, reminders, retention purges), run by
# `send_notifications` on every round before mail goes out: fn(now) -> a line for the log.
TIMER_JOBS = []


def run_timer_jobs(now=None):
    """Every app's timed work; one failing is logged, and the next round tries again.
    Returns one line per job."""
    now = now or timezone.now()
    lines = []
    for job in TIMER_JOBS:
        name = getattr(job, "__qualname__", str(job))
        try:
            lines.append(job(now))
        except Exception:
            log.exception("timer job %s failed", name)
            lines.append(f"{name} failed (see the log)")
    return lines


# -- writing -----------------------------------------------------------------------------


def preferences(user_ids, kind):
    """{user_id: (in_app, email)} for these people (defaults: both on)."""
    chosen = {
        p.user_id: (p.in_app, p.email)
        for p in NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)
    }
    return {uid: chosen.get(uid, (True, True)) for uid in user_ids}


def notify(members, kind, *, subject, url, key):
    """Create one notification per member who wants it (at most once per key)."""
    if kind not in KINDS:
        raise ValueError(f"unregistered notification kind {kind!r}")
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


# -- reading -----------------------------------------------------------------------------


def unread_count(user):
    return Notification.objects.filter(
        recipient__user=user,
        recipient__status=Membership.Status.ACTIVE,
        in_app=True,
        read_at__isnull=True,
    ).count()


def inbox(user, limit=100):
    """The person's notifications in the app, newest first, each with its sentence."""
    shown = list(
        Notification.objects.filter(
            recipient__user=user, recipient__status=Membership.Status.ACTIVE, in_app=True
        ).select_related("recipient__assembly")[:limit]
    )
    return describe(shown)


def describe(items):
    """Write each notification's sentence (`.text`) in the active language. Each kind
    first looks at what its notifications are about, in one query per kind."""
    by_kind = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    for key, group in by_kind.items():
        kind = KINDS.get(key)
        if kind is not None and kind.prepare is not None:
            kind.prepare(group)
    for item in items:
        kind = KINDS.get(item.kind)
        item.text = one_line(kind.sentence(item) if kind else item.subject)
    return items


def choices(user):
    """Rows of the settings page: (kind, label, in_app, email)."""
    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return [
        (kind.key, kind.label,
         chosen[kind.key].in_app if kind.key in chosen else True,
         chosen[kind.key].email if kind.key in chosen else True)
        for kind in kinds()
    ]  # fmt: skip


def save_choices(user, *, in_app, email, digest):
    """Save a person's choices: `in_app` and `email` are the kinds ticked."""
    with transaction.atomic():
        for kind in kinds():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind.key,
                defaults={"in_app": kind.key in in_app, "email": kind.key in email},
            )  # fmt: skip
        if digest:
            DigestChoice.objects.get_or_create(user=user)
        else:
            DigestChoice.objects.filter(user=user).delete()


def wants_digest(user):
    return DigestChoice.objects.filter(user=user).exists()


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
    from . import privacy

    language = user.language or batch[0].recipient.assembly.language or settings.LANGUAGE_CODE
    chosen = {}
    for item in batch:
        if item.recipient.assembly_id not in chosen:
            policy = privacy.settings_for(item.recipient.assembly)
            chosen[item.recipient.assembly_id] = policy.email_details
    details = all(chosen.values())
    with translation.override(language):
        if details:
            describe(batch)
        context = {
            "items": batch, "digest": digest, "details": details, "count": len(batch),
            "site": settings.SITE_URL, "site_name": settings.SITE_NAME,
            "inbox": reverse("notifications"),
        }  # fmt: skip
        subject = one_line(render_to_string("assembly/email/notification_subject.txt", context))
        body = render_to_string("assembly/email/notification_body.txt", context)
    try:
        send_mail(subject[:200], body, settings.DEFAULT_FROM_EMAIL, [user.email])
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
