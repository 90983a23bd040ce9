"""Every write to trainings: one function per thing a person does.

Each takes the acting Membership first (or, for someone who is not a member, the
training's public page or their ticket), checks permission (trainings/permissions.py),
validates, and writes in one transaction with the training's row locked: every change to
who has a place queues on that lock, so the last place goes to exactly one person and
the waitlist moves up in order. Counts are broadcast on commit as coalesced snapshots.
Timed work (reminders, email to non-members, deleting their details) is at the end, run
by `send_notifications`.
"""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assembly import notifications
from assembly.actions import audit, issue_invitation, require
from assembly.errors import ActionError, NotAllowed
from assembly.models import AuditEntry, Invitation
from assembly.roles import Perm, Role
from assembly.text import clean_line, clean_text, render_markdown
from groups import actions as group_actions
from groups.models import Group

from . import notices, streams
from .models import (
    CAPACITY_MAX,
    GUEST_DAYS_MAX,
    Rsvp,
    Training,
    TrainingSettings,
    new_public_token,
)
from .permissions import is_organiser, may_create, may_view

log = logging.getLogger(__name__)

LONGEST = timedelta(days=3)
INVITATION_DAYS = 14
REMIND_BEFORE = timedelta(hours=24)
DOOR_OPENS = timedelta(hours=24)  # check-in opens this long before the start
MAIL_ATTEMPTS = 20
PHONE = re.compile(r"^\+?[0-9]{6,20}$")


def _not_organiser():
    return NotAllowed(_("Only the training's organisers can do that."))


def _viewer(me, training):
    require(me, Perm.VIEW)
    if not may_view(me, training):
        raise NotAllowed(_("Your role in this assembly does not allow that."))


def _organiser(me, training):
    require(me, Perm.VIEW)
    if not is_organiser(me, training):
        raise _not_organiser()


def _lock(training):
    return Training.objects.select_for_update().select_related("assembly").get(pk=training.pk)


def _changed(training):
    streams.training_changed(training.pk)


def _url(training):
    return reverse("training", args=[training.assembly.slug, training.pk])


# -- validation ---------------------------------------------------------------------------


def _when(value, message):
    if not isinstance(value, datetime):
        raise ActionError(message)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _clean_times(starts_at, ends_at, *, was=None):
    starts_at = _when(starts_at, _("Say when the training starts."))
    ends_at = _when(ends_at, _("Say when the training ends."))
    now = timezone.now()
    moved = was is None or abs(was.starts_at - starts_at) >= timedelta(minutes=1)
    if moved and starts_at < now:
        raise ActionError(_("That time has already passed."))
    if starts_at > now + timedelta(days=731):
        raise ActionError(_("Choose a time within the next two years."))
    if ends_at <= starts_at:
        raise ActionError(_("A training ends after it starts."))
    if ends_at - starts_at > LONGEST:
        raise ActionError(_("A session lasts at most three days; add another for more."))
    return starts_at, ends_at


def _clean_capacity(capacity):
    if (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not 1 <= capacity <= CAPACITY_MAX
    ):
        raise ActionError(_("Offer between 1 and 10,000 places."))
    return capacity


def _clean_training(title, description, place, starts_at, ends_at, capacity, *, was=None):
    starts_at, ends_at = _clean_times(starts_at, ends_at, was=was)
    return {
        "title": clean_line(title, field=_("The title"), maximum=140),
        "description": clean_text(
            description, field=_("The description"), maximum=5000, required=False
        ),
        "place": clean_line(place, field=_("The place"), maximum=200),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": _clean_capacity(capacity),
    }


def _offered(me, groups):
    ids = sorted({getattr(g, "pk", g) for g in groups or []})
    found = list(Group.objects.filter(pk__in=ids, assembly_id=me.assembly_id))
    if len(found) != len(ids):
        raise ActionError(_("Choose working groups of this assembly."))
    return found


def clean_contact(contact, *, required=True):
    """One way to reach someone: an email address or a phone number."""
    contact = clean_line(contact, field=_("Your contact"), maximum=120, required=required)
    if not contact:
        return ""
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            raise ActionError(_("That email address does not look right.")) from None
        return contact
    if not PHONE.match(re.sub(r"[\s().-]", "", contact)):
        raise ActionError(_("Give an email address or a phone number."))
    return contact


# -- places and the waitlist -----------------------------------------------------------------


def _place(training, rsvp, now):
    """A place if one is free, else the end of the waitlist. `training` is locked."""
    if training.confirmed_count < training.capacity:
        rsvp.status = Rsvp.Status.CONFIRMED
        rsvp.placed_at = now
        _count(training, +1)
    else:
        rsvp.status = Rsvp.Status.WAITLISTED
        rsvp.placed_at = None


def _placed(training, rsvp):
    """Tell someone who just got a place (a member in the app, a non-member by email)."""
    if rsvp.member_id:
        notifications.notify(
            [rsvp.member],
            notices.TRAINING_PLACE,
            subject=_place_subject(training),
            url=_url(training),
            key=f"rsvp:{rsvp.pk}:placed:{training.pk}",
        )
    elif rsvp.contact_is_email:
        rsvp.mail_pending = "placed"


def _place_subject(training):
    when = timezone.localtime(training.starts_at).strftime("%Y-%m-%d %H:%M")
    return f"{training.title} · {when}"


def _promote(training, now):
    """Fill free places from the waitlist, first come first served. `training` is locked."""
    free = training.capacity - training.confirmed_count
    if free <= 0:
        return []
    moving = list(
        Rsvp.objects.filter(training=training, status=Rsvp.Status.WAITLISTED)
        .select_related("member")
        .order_by("queued_at", "pk")[:free]
    )
    for rsvp in moving:
        _place(training, rsvp, now)
        _placed(training, rsvp)
        rsvp.save(update_fields=["status", "placed_at", "mail_pending"])
    return moving


def _count(training, step):
    """Move the places-taken counter in the database itself, never from a copy: the
    CheckConstraint then refuses an over-fill even by a writer that skipped the lock."""
    Training.objects.filter(pk=training.pk).update(confirmed_count=F("confirmed_count") + step)
    training.confirmed_count += step


def _take_place(training, rsvp):
    now = timezone.now()
    rsvp.queued_at = now
    _place(training, rsvp, now)
    rsvp.save()
    _changed(training)
    return rsvp


def sign_up(me, training):
    """A member asks for a place: they get one if any is free, else join the waitlist."""
    _viewer(me, training)
    with transaction.atomic():
        training = _lock(training)
        if training.has_started:
            raise ActionError(_("This training has already started."))
        rsvp = Rsvp.objects.filter(training=training, member=me).first()
        if rsvp is not None and rsvp.status != Rsvp.Status.CANCELLED:
            raise ActionError(_("You have already signed up for this training."))
        rsvp = rsvp or Rsvp(training=training, member=me)
        return _take_place(training, rsvp)


def public_sign_up(training, *, name, contact, language=""):
    """Someone who is not a member signs up on the public page: a name they choose and
    one contact, nothing else."""
    name = clean_line(name, field=_("Your name"), maximum=60)
    contact = clean_contact(contact)
    with transaction.atomic():
        training = _lock(training)
        if not training.public_token:
            raise ActionError(_("Sign-up on this page is closed."))
        if training.has_started:
            raise ActionError(_("This training has already started."))
        rsvp = Rsvp(training=training, name=name, contact=contact, language=language[:8])
        _take_place(training, rsvp)
        if rsvp.contact_is_email:
            rsvp.mail_pending = "placed" if rsvp.status == Rsvp.Status.CONFIRMED else "waiting"
            rsvp.save(update_fields=["mail_pending"])
    return rsvp


def _cancel(rsvp, *, by=None):
    with transaction.atomic():
        training = _lock(rsvp.training)
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if by is not None and not (rsvp.member_id == by.pk or is_organiser(by, training)):
            raise _not_organiser()
        if rsvp.status not in Rsvp.ACTIVE:
            raise ActionError(_("This sign-up is not active."))
        if training.has_started and (by is None or not is_organiser(by, training)):
            raise ActionError(_("This training has already started."))
        was = rsvp.status
        rsvp.status = Rsvp.Status.CANCELLED
        rsvp.placed_at = None
        rsvp.mail_pending = ""
        rsvp.save(update_fields=["status", "placed_at", "mail_pending"])
        if was == Rsvp.Status.CONFIRMED:
            _count(training, -1)
            _promote(training, timezone.now())
        _changed(training)
    return rsvp


def cancel_sign_up(me, training):
    """A member gives back their place (or leaves the waitlist); the next person moves up."""
    _viewer(me, training)
    rsvp = Rsvp.objects.filter(training=training, member=me).select_related("training").first()
    if rsvp is None:
        raise ActionError(_("You had not signed up for this training."))
    return _cancel(rsvp, by=me)


def cancel_by_ticket(rsvp):
    """Whoever holds the ticket (its link is the key) gives back the place."""
    return _cancel(rsvp)


def remove_sign_up(me, rsvp):
    """An organiser cancels someone's sign-up (a duplicate, someone who asked by phone)."""
    _organiser(me, rsvp.training)
    return _cancel(rsvp, by=me)


# -- organising -----------------------------------------------------------------------------


def create_training(
    me,
    *,
    title,
    place,
    starts_at,
    ends_at,
    capacity,
    description="",
    group=None,
    public=False,
    offered_groups=(),
):
    """Start a training of the assembly, or of a working group the person leads."""
    require(me, Perm.VIEW)
    if group is not None and not isinstance(group, Group):
        group = Group.objects.filter(pk=group, assembly_id=me.assembly_id).first()
        if group is None:
            raise ActionError(_("Choose working groups of this assembly."))
    if not may_create(me, group):
        raise NotAllowed(_("Facilitators, stewards and a group's leads start trainings."))
    fields = _clean_training(title, description, place, starts_at, ends_at, capacity)
    offered = _offered(me, offered_groups)
    with transaction.atomic():
        training = Training.objects.create(
            assembly_id=me.assembly_id,
            group=group,
            created_by=me,
            description_html=render_markdown(fields["description"]),
            public_token=new_public_token() if public else None,
            **fields,
        )
        training.offered_groups.set(offered)
        audit(me, "training.created", training=training.pk, title=training.title)
    return training


def update_training(
    me,
    training,
    *,
    title,
    place,
    starts_at,
    ends_at,
    capacity,
    description="",
    offered_groups=(),
):
    """Change a training. Raising its capacity moves the waitlist up at once; it cannot
    go below the places already given."""
    _organiser(me, training)
    offered = _offered(me, offered_groups)
    with transaction.atomic():
        training = _lock(training)
        fields = _clean_training(
            title, description, place, starts_at, ends_at, capacity, was=training
        )
        if fields["capacity"] < training.confirmed_count:
            raise ActionError(
                _("%(n)d people already have a place: offer at least %(n)d places.")
                % {"n": training.confirmed_count}
            )
        changed = [name for name, value in fields.items() if getattr(training, name) != value]
        for name in changed:
            setattr(training, name, fields[name])
        training.description_html = render_markdown(training.description)
        training.save()
        training.offered_groups.set(offered)
        moved = _promote(training, timezone.now()) if "capacity" in changed else []
        if changed:
            audit(me, "training.changed", training=training.pk, fields=changed, moved_up=len(moved))
        _changed(training)
    return training


def set_public_page(me, training, *, enabled):
    """Open the public sign-up page with a new link (ending any old one), or close it."""
    _organiser(me, training)
    with transaction.atomic():
        training = _lock(training)
        training.public_token = new_public_token() if enabled else None
        training.save(update_fields=["public_token"])
    return training


def _move(source, target, rsvps, now):
    """Move sign-ups from `source` to `target` (both locked). Returns how many got a place."""
    placed = 0
    for rsvp in rsvps:
        if (
            rsvp.member_id
            and Rsvp.objects.filter(training=target, member_id=rsvp.member_id).exists()
        ):
            raise ActionError(
                _("%(name)s is already signed up for that session.") % {"name": rsvp.display_name}
            )
        if rsvp.status == Rsvp.Status.CONFIRMED:
            _count(source, -1)
        rsvp.training = target
        _place(target, rsvp, now)
        if rsvp.status == Rsvp.Status.CONFIRMED:
            placed += 1
            _placed(target, rsvp)
        rsvp.save(update_fields=["training", "status", "placed_at", "mail_pending"])
    return placed


def move_people(me, training, *, to, rsvps):
    """Move sign-ups (usually from the waitlist) to another session, e.g. an overflow."""
    _organiser(me, training)
    _organiser(me, to)
    if to.pk == training.pk or to.assembly_id != training.assembly_id:
        raise ActionError(_("Choose another session of this assembly."))
    ids = sorted({getattr(r, "pk", r) for r in rsvps or []})
    if not ids:
        raise ActionError(_("Choose who to move."))
    with transaction.atomic():
        first, second = sorted([training, to], key=lambda t: t.pk)
        locked = {t.pk: _lock(t) for t in (first, second)}
        source, target = locked[training.pk], locked[to.pk]
        if target.has_started:
            raise ActionError(_("That session has already started."))
        rows = list(
            Rsvp.objects.filter(training=source, pk__in=ids, status__in=Rsvp.ACTIVE)
            .select_related("member")
            .order_by("queued_at", "pk")
        )
        if len(rows) != len(ids):
            raise ActionError(_("Some of them are no longer signed up for this session."))
        placed = _move(source, target, rows, timezone.now())
        _promote(source, timezone.now())
        audit(me, "training.people_moved", training=source.pk, to=target.pk, moved=len(rows))
        _changed(source)
        _changed(target)
    return placed


def open_overflow(me, training, *, place, starts_at, ends_at, capacity, move=0):
    """Open another session of the same training, and move the first `move` people of the
    waitlist to it."""
    _organiser(me, training)
    starts_at, ends_at = _clean_times(starts_at, ends_at)
    place = clean_line(place, field=_("The place"), maximum=200)
    capacity = _clean_capacity(capacity)
    if isinstance(move, bool) or not isinstance(move, int) or move < 0:
        raise ActionError(_("Say how many people to move, or 0."))
    with transaction.atomic():
        parent = _lock(training)
        overflow = Training.objects.create(
            assembly_id=parent.assembly_id,
            group=parent.group,
            parent=parent,
            title=parent.title,
            description=parent.description,
            description_html=parent.description_html,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            created_by=me,
            public_token=new_public_token() if parent.public_token else None,
        )
        overflow.offered_groups.set(parent.offered_groups.all())
        waiting = list(
            Rsvp.objects.filter(training=parent, status=Rsvp.Status.WAITLISTED)
            .select_related("member")
            .order_by("queued_at", "pk")[:move]
        )
        _move(parent, overflow, waiting, timezone.now())
        audit(
            me,
            "training.overflow_opened",
            training=parent.pk,
            overflow=overflow.pk,
            moved=len(waiting),
        )
        _changed(parent)
        _changed(overflow)
    return overflow


# -- at the door ------------------------------------------------------------------------------


def _door(me, rsvp):
    """Lock the sign-up and check that `me` may check people in for its training now."""
    rsvp = (
        Rsvp.objects.select_for_update(of=("self",))
        .select_related("training__assembly", "member")
        .get(pk=rsvp.pk)
    )
    _organiser(me, rsvp.training)
    if rsvp.training.starts_at - DOOR_OPENS > timezone.now():
        raise ActionError(_("Check-in opens on the day of the training."))
    return rsvp


def check_in(me, rsvp):
    """An organiser checks someone in: from their ticket's code, or from the list."""
    with transaction.atomic():
        rsvp = _door(me, rsvp)
        if rsvp.checked_in_at is not None:
            when = timezone.localtime(rsvp.checked_in_at).strftime("%H:%M")
            raise ActionError(
                _("%(name)s was already checked in at %(time)s.")
                % {"name": rsvp.display_name, "time": when}
            )
        if rsvp.status == Rsvp.Status.CANCELLED:
            rsvp.status = Rsvp.Status.WALK_IN  # they cancelled, and came after all
        rsvp.checked_in_at = timezone.now()
        rsvp.checked_in_by = me
        rsvp.save(update_fields=["status", "checked_in_at", "checked_in_by"])
        _changed(rsvp.training)
    return rsvp


def undo_check_in(me, rsvp):
    with transaction.atomic():
        rsvp = _door(me, rsvp)
        if rsvp.checked_in_at is None:
            raise ActionError(_("%(name)s is not checked in.") % {"name": rsvp.display_name})
        rsvp.checked_in_at = None
        rsvp.checked_in_by = None
        rsvp.save(update_fields=["checked_in_at", "checked_in_by"])
        _changed(rsvp.training)
    return rsvp


def add_walk_in(me, training, *, name="", contact="", member=None):
    """Someone who came without signing up: a member (checked in as themselves) or a
    name they choose and, if they want, one contact."""
    _organiser(me, training)
    if member is not None:
        existing = Rsvp.objects.filter(training=training, member=member).first()
        if existing is not None:
            return check_in(me, existing)
        if member.assembly_id != me.assembly_id or not member.is_active:
            raise ActionError(_("That person is not an active member of this assembly."))
        name, contact = "", ""
    else:
        name = clean_line(name, field=_("The name"), maximum=60)
        contact = clean_contact(contact, required=False)
    with transaction.atomic():
        training = _lock(training)
        if training.starts_at - DOOR_OPENS > timezone.now():
            raise ActionError(_("Check-in opens on the day of the training."))
        now = timezone.now()
        rsvp = Rsvp.objects.create(
            training=training,
            member=member,
            name=name,
            contact=contact,
            status=Rsvp.Status.WALK_IN,
            checked_in_at=now,
            checked_in_by=me,
            queued_at=now,
        )
        _changed(training)
    return rsvp


# -- after the training --------------------------------------------------------------------------


def follow_up(rsvp, *, reach="", wants_membership=False, groups=()):
    """Someone who came leaves a way to be reached and ticks what they would join. A
    member who ticks a group joins it (or asks to, where its leads approve members)."""
    rsvp = Rsvp.objects.select_related("training__assembly", "member").get(pk=rsvp.pk)
    training = rsvp.training
    if rsvp.checked_in_at is None:
        raise ActionError(_("This opens once you are checked in at the training."))
    if rsvp.details_deleted_at is not None:
        raise ActionError(_("This sign-up's details were deleted."))
    offered = {g.pk: g for g in training.offered_groups.all()}
    ids = {getattr(g, "pk", g) for g in groups or []}
    if not ids <= set(offered):
        raise ActionError(_("Choose among the groups listed."))
    reach = "" if rsvp.member_id else clean_contact(reach, required=False)
    joined = []
    with transaction.atomic():
        rsvp.reach = reach or rsvp.contact
        rsvp.wants_membership = bool(wants_membership) and rsvp.member_id is None
        rsvp.followed_up_at = timezone.now()
        rsvp.save(update_fields=["reach", "wants_membership", "followed_up_at"])
        rsvp.wants_groups.set([offered[i] for i in sorted(ids)])
        if rsvp.member_id and rsvp.member.is_active:
            for group_id in sorted(ids):
                try:
                    with transaction.atomic():
                        joined.append(group_actions.join_group(rsvp.member, offered[group_id]))
                except ActionError:
                    pass  # already in it, or already asked
        _changed(training)
    return joined


def invite(me, rsvp):
    """Turn a line of the follow-up list into an invitation to the assembly, with one
    action. Returns the token (shown once; only its digest is stored)."""
    rsvp = Rsvp.objects.select_related("training__assembly", "invitation").get(pk=rsvp.pk)
    _organiser(me, rsvp.training)
    if rsvp.member_id is not None:
        raise ActionError(_("%(name)s is already a member.") % {"name": rsvp.display_name})
    if rsvp.details_deleted_at is not None:
        raise ActionError(_("This sign-up's details were deleted."))
    if rsvp.checked_in_at is None:
        raise ActionError(_("Invite the people who came."))
    if rsvp.joined_as_id is not None or (rsvp.invitation and rsvp.invitation.uses):
        raise ActionError(_("%(name)s has already joined.") % {"name": rsvp.display_name})
    if rsvp.invitation is not None and rsvp.invitation.is_usable:
        raise ActionError(
            _("%(name)s already has an invitation that still works.") % {"name": rsvp.name}
        )
    with transaction.atomic():
        label = f"{rsvp.training.title}: {rsvp.name}"[:120]
        invitation, token = issue_invitation(
            me, role=Role.MEMBER, max_uses=1, expires_in_days=INVITATION_DAYS, label=label
        )
        Rsvp.objects.filter(pk=rsvp.pk).update(
            invitation=invitation, invited_at=timezone.now(), invited_by=me
        )
        _changed(rsvp.training)
    return token


def mail_invitation(rsvp, *, link):
    """Send an invitation link to a non-member who left an email address. True if sent."""
    address = next((c for c in (rsvp.reach, rsvp.contact) if "@" in (c or "")), "")
    if not address:
        return False
    with translation.override(rsvp.language or rsvp.training.assembly.language):
        context = {"rsvp": rsvp, "training": rsvp.training, "link": link}
        subject = render_to_string("trainings/email/invitation_subject.txt", context).strip()
        body = render_to_string("trainings/email/invitation.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as exc:  # the mail server is down: the organiser still has the link
        log.warning("invitation email for sign-up %s failed: %s", rsvp.pk, exc)
        return False
    return True


# -- settings -----------------------------------------------------------------------------------


def update_settings(me, *, guest_days):
    require(me, Perm.EDIT_ASSEMBLY)
    if (
        isinstance(guest_days, bool)
        or not isinstance(guest_days, int)
        or not (1 <= guest_days <= GUEST_DAYS_MAX)
    ):
        raise ActionError(_("Keep their details for 1 to 365 days."))
    with transaction.atomic():
        row, _created = TrainingSettings.objects.select_for_update().get_or_create(
            assembly_id=me.assembly_id
        )
        if row.guest_days != guest_days:
            audit(me, "training.settings_changed", old=row.guest_days, new=guest_days)
            row.guest_days = guest_days
            row.updated_at = timezone.now()
            row.save()
    return row


# -- timed work ---------------------------------------------------------------------------------


def send_reminders(now):
    """The day before a training: its members are notified, its non-members emailed."""
    due = Training.objects.filter(
        starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE, reminders_sent_at__isnull=True
    )
    reminded = 0
    for training in due:
        with transaction.atomic():
            training = _lock(training)
            if training.reminders_sent_at is not None:
                continue
            confirmed = Rsvp.objects.filter(
                training=training, status=Rsvp.Status.CONFIRMED, reminded_at__isnull=True
            ).select_related("member")
            members = [r.member for r in confirmed if r.member_id]
            reminded += notifications.notify(
                members,
                notices.TRAINING_SOON,
                subject=_place_subject(training),
                url=_url(training),
                key=f"training:{training.pk}:soon",
            )
            # A guest whose "you have a place" email is still to go gets that one instead.
            guests = confirmed.filter(member__isnull=True, contact__contains="@", mail_pending="")
            reminded += guests.update(mail_pending="reminder")
            confirmed.update(reminded_at=now)
            training.reminders_sent_at = now
            training.save(update_fields=["reminders_sent_at"])
    return reminded


def send_guest_mail(now):
    """Email for non-members (a place, the waitlist, a reminder). A failure stays pending."""
    pending = (
        Rsvp.objects.filter(details_deleted_at__isnull=True, mail_attempts__lt=MAIL_ATTEMPTS)
        .exclude(mail_pending="")
        .select_related("training__assembly")
    )
    sent = 0
    for rsvp in pending:
        if rsvp.training.ends_at < now:
            Rsvp.objects.filter(pk=rsvp.pk).update(mail_pending="")
            continue
        with translation.override(rsvp.language or rsvp.training.assembly.language):
            ticket = settings.SITE_URL + reverse("ticket", args=[rsvp.ticket])
            context = {
                "rsvp": rsvp,
                "training": rsvp.training,
                "ticket": ticket,
                "kind": rsvp.mail_pending,
            }
            subject = render_to_string("trainings/email/guest_subject.txt", context).strip()
            body = render_to_string("trainings/email/guest.txt", context)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [rsvp.contact])
        except Exception as exc:
            log.warning("training email for sign-up %s failed: %s", rsvp.pk, exc)
            Rsvp.objects.filter(pk=rsvp.pk).update(mail_attempts=F("mail_attempts") + 1)
            continue
        Rsvp.objects.filter(pk=rsvp.pk, mail_pending=rsvp.mail_pending).update(mail_pending="")
        sent += 1
    return sent


def joined_memberships(rsvps):
    """{sign-up id: membership id} for non-members who joined through their invitation
    (found from the "member.joined" audit entry the invitation left)."""
    by_invitation = {r.invitation_id: r.pk for r in rsvps if r.invitation_id}
    if not by_invitation:
        return {}
    entries = AuditEntry.objects.filter(
        verb="member.joined", detail__invitation__in=list(by_invitation)
    ).values_list("detail", "target_id")
    return {
        by_invitation[detail["invitation"]]: target
        for detail, target in entries
        if target and detail.get("invitation") in by_invitation
    }


def purge_guests(now):
    """Delete non-members' names and contacts once the assembly's period after the
    training has passed, unless they became members. Counts stay, anonymous."""
    days = dict(TrainingSettings.objects.values_list("assembly_id", "guest_days"))
    default = TrainingSettings().guest_days
    candidates = list(
        Rsvp.objects.filter(member__isnull=True, details_deleted_at__isnull=True)
        .filter(training__ends_at__lt=now - timedelta(days=1))
        .select_related("training")
    )
    due = [
        r
        for r in candidates
        if r.training.ends_at < now - timedelta(days=days.get(r.training.assembly_id, default))
    ]
    joined = joined_memberships(due)
    for rsvp_id, membership_id in joined.items():
        Rsvp.objects.filter(pk=rsvp_id).update(joined_as_id=membership_id)
    gone = [r.pk for r in due if r.pk not in joined and r.joined_as_id is None]
    if not gone:
        return 0
    with transaction.atomic():
        forget_invitation_labels(Rsvp.objects.filter(pk__in=gone))
        Rsvp.objects.filter(pk__in=gone).update(
            name="", contact="", reach="", language="", mail_pending="", details_deleted_at=now
        )
    return len(gone)


def forget_invitation_labels(rsvps):
    """An invitation made from a sign-up is labelled with the person's name (`invite`):
    when the sign-up's name is deleted, the label keeps only the training's title."""
    made = rsvps.filter(invitation__isnull=False).values_list("invitation_id", "training__title")
    for invitation_id, title in list(made):
        Invitation.objects.filter(pk=invitation_id).update(label=title[:120])


def timer(now):
    """Run by `manage.py send_notifications` on every round."""
    reminded = send_reminders(now)
    sent = send_guest_mail(now)
    purged = purge_guests(now)
    return f"trainings: {reminded} reminders, {sent} emails, {purged} sign-ups' details deleted"
