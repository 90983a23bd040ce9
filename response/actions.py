"""Every write to rapid response: one function per thing a person does.

Each takes the acting Membership first, checks permission (response/permissions.py),
validates, writes in one transaction with the report or call-out row locked, keeps the
report's history (who and when), and publishes live events on commit. Timed work (closing
forgotten call-outs, deleting who answered, sent and filed what once the assembly's period
has passed) is at the end, run by `send_notifications`.
"""

import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assembly import live, notifications
from assembly.actions import audit, require
from assembly.errors import ActionError, NotAllowed
from assembly.models import Membership
from assembly.roles import Perm
from assembly.text import clean_line, clean_text
from groups.models import Group, GroupMembership
from groups.queries import notification_recipients

from . import notices, photos, streams
from .models import (
    ANSWER_DAYS_MAX,
    Callout,
    CalloutAnswer,
    Confirmation,
    Report,
    ReportEvent,
    ResponseSettings,
)
from .permissions import Standing

EXPIRY_HOURS_MAX = 24 * 7
EXPIRY_HOURS_DEFAULT = 12
REPORT_MAX_AGE = timedelta(days=30)
WANTED_MAX = 10000


def _standing(me):
    require(me, Perm.VIEW)
    return Standing.of(me)


def _not_verifier():
    return NotAllowed(_("Only the assembly's verifiers can do that."))


def _lock(report):
    return Report.objects.select_for_update().select_related("assembly").get(pk=report.pk)


def _event(report, actor, kind, note="", expires_at=None):
    ReportEvent.objects.create(
        report=report,
        actor=actor,
        kind=kind,
        status=report.status,
        note=note[:1000],
        expires_at=expires_at,
    )


def _url(report):
    return reverse("report", args=[report.assembly.slug, report.pk])


def _everyone(assembly_id):
    return list(Membership.objects.filter(assembly_id=assembly_id, status=Membership.Status.ACTIVE))


def verifiers(settings):
    if settings.verifier_group_id is None:
        return []
    return list(
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            group_memberships__group_id=settings.verifier_group_id,
            group_memberships__status=GroupMembership.Status.ACTIVE,
        )
    )


# -- validation ---------------------------------------------------------------------------


def _hours(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= EXPIRY_HOURS_MAX:
        raise ActionError(_("Show it for between 1 hour and 7 days (168 hours)."))
    return value


def _clean_report(seen_at, place, agents, uniforms, vehicles, badges, description):
    if not isinstance(seen_at, datetime):
        raise ActionError(_("Say exactly when you saw it: the date and the time."))
    if timezone.is_naive(seen_at):
        seen_at = timezone.make_aware(seen_at)
    now = timezone.now()
    if seen_at > now + timedelta(minutes=15):
        raise ActionError(_("That time is still to come: say when you saw it."))
    if seen_at < now - REPORT_MAX_AGE:
        raise ActionError(_("Reports are for the last 30 days."))
    if agents is not None and (
        isinstance(agents, bool) or not isinstance(agents, int) or not 0 <= agents <= 1000
    ):
        raise ActionError(_("Give the number of agents you saw, from 0 to 1000."))
    return {
        "seen_at": seen_at,
        "place": clean_line(place, field=_("The place"), maximum=200),
        "agents": agents,
        "uniforms": clean_line(uniforms, field=_("Uniforms"), maximum=500, required=False),
        "vehicles": clean_line(vehicles, field=_("Vehicles"), maximum=500, required=False),
        "badges": clean_line(badges, field=_("Badges"), maximum=500, required=False),
        "description": clean_text(
            description, field=_("The description"), maximum=5000, required=False
        ),
    }


def _clean_photo(photo):
    if photo is None:
        return None
    try:
        data = photos.read_upload(photo) if hasattr(photo, "read") else photo
        return photos.clean(data)
    except photos.PhotoError as exc:
        raise ActionError(exc.message) from exc


# -- reports ------------------------------------------------------------------------------


def file_report(
    me,
    *,
    seen_at,
    place,
    agents=None,
    uniforms="",
    vehicles="",
    badges="",
    description="",
    photo=None,
):
    """Any member reports what they saw. Only the verifiers (and the reporter) see it."""
    standing = _standing(me)
    fields = _clean_report(seen_at, place, agents, uniforms, vehicles, badges, description)
    cleaned = _clean_photo(photo)
    report = Report(assembly_id=me.assembly_id, reporter=me, **fields)
    try:
        with transaction.atomic():
            if cleaned is not None:
                data, report.photo_width, report.photo_height = cleaned
                report.photo.save(f"{secrets.token_hex(16)}.jpg", ContentFile(data), save=False)
            report.save()
            report.assembly = me.assembly
            _event(report, me, ReportEvent.Kind.FILED)
            waiting = [m for m in verifiers(standing.settings) if m.pk != me.pk]
            notifications.notify(
                waiting,
                notices.REPORT_FILED,
                subject=report.place,
                url=_url(report),
                key=f"report:{report.pk}",
            )
            streams.queue_changed(me.assembly_id, report.pk)
    except BaseException:
        if report.photo:
            report.photo.storage.delete(report.photo.name)
        raise
    return report


def _decide(me, report):
    """Lock the report and check that `me` may decide on it (a verifier, not its reporter)."""
    standing = _standing(me)
    report = _lock(report)
    if report.assembly_id != me.assembly_id or not standing.can_verify:
        raise _not_verifier()
    if report.reporter_id == me.pk:
        raise NotAllowed(
            _("No one verifies their own report: two other verifiers must confirm it.")
        )
    return report


def confirm_report(me, report, *, expires_in_hours=EXPIRY_HOURS_DEFAULT):
    """A verifier confirms. The second different verifier's confirmation publishes it as
    verified to every member, shown until `expires_in_hours` from now."""
    hours = _hours(expires_in_hours)
    with transaction.atomic():
        report = _decide(me, report)
        if report.status not in (*Report.OPEN, Report.Status.VERIFIED):
            raise ActionError(
                _("This report was already decided: it is %(status)s.")
                % {"status": report.get_status_display()}
            )
        try:
            with transaction.atomic():
                Confirmation.objects.create(report=report, verifier=me)
        except IntegrityError as exc:
            raise ActionError(
                _("You have already confirmed this report. Another verifier must confirm it too.")
            ) from exc
        report.confirmations_count += 1
        _event(report, me, ReportEvent.Kind.CONFIRMED)
        publish = (
            report.status != Report.Status.VERIFIED
            and report.confirmations_count >= Report.CONFIRMATIONS_NEEDED
        )
        if publish:
            now = timezone.now()
            report.status = Report.Status.VERIFIED
            report.verified_at = now
            report.expires_at = now + timedelta(hours=hours)
            report.banner = streams.report_banner(report)
        report.save()
        if publish:
            _announce(
                report,
                me,
                ReportEvent.Kind.VERIFIED,
                "report.verified",
                notices.REPORT_VERIFIED,
                key=f"report:{report.pk}",
            )
        streams.queue_changed(report.assembly_id, report.pk)
    return report


def _announce(report, me, event, live_type, kind, *, key, note=""):
    """Tell every member at once: kept in the report's history, a banner on every open
    page of the assembly, and a notification (in the app and by email, as each chose)."""
    _event(report, me, event, note=note, expires_at=report.expires_at)
    live.publish(report.assembly.stream, live_type, streams.alert(report))
    notifications.notify(
        _everyone(report.assembly_id), kind, subject=_subject(report), url=_url(report), key=key
    )


def _subject(report):
    when = timezone.localtime(report.seen_at).strftime("%Y-%m-%d %H:%M")
    return f"{report.place} · {when}"


def mark_report(me, report, *, status, note):
    """One verifier marks a report unconfirmed or false, with a note. A verified report
    found to be wrong can be marked false: it disappears from every screen at once."""
    if status not in (Report.Status.UNCONFIRMED, Report.Status.FALSE):
        raise ActionError(_("Choose unconfirmed or false."))
    note = clean_text(note, field=_("The note"), maximum=1000)
    with transaction.atomic():
        report = _decide(me, report)
        allowed_from = list(Report.OPEN)
        if status == Report.Status.FALSE:
            allowed_from.append(Report.Status.VERIFIED)
        if report.status == status:
            raise ActionError(_("It is already marked that way."))
        if report.status not in allowed_from:
            raise ActionError(
                _("This report was already decided: it is %(status)s.")
                % {"status": report.get_status_display()}
            )
        retracted = report.status == Report.Status.VERIFIED
        report.status = status
        if retracted:
            report.expires_at = timezone.now()
            report.banner = {}
        report.save()
        _event(report, me, status, note=note)
        if retracted:
            live.publish(report.assembly.stream, "report.ended", {"id": report.alert_id})
        streams.queue_changed(report.assembly_id, report.pk)
    return report


def publish_debunk(me, report, *, text, expires_in_hours=EXPIRY_HOURS_DEFAULT * 2):
    """Publish a report marked false as a "rumour debunked" notice to every member."""
    text = clean_text(text, field=_("The notice"), maximum=2000)
    hours = _hours(expires_in_hours)
    with transaction.atomic():
        report = _decide(me, report)
        if report.status != Report.Status.FALSE:
            raise ActionError(_("Only a report marked false can be published as debunked."))
        if report.debunked_at is not None:
            raise ActionError(_("This rumour was already published as debunked."))
        now = timezone.now()
        report.debunk_text = text
        report.debunked_at = now
        report.expires_at = now + timedelta(hours=hours)
        report.banner = streams.report_banner(report)
        report.save()
        _announce(
            report,
            me,
            ReportEvent.Kind.DEBUNKED,
            "report.debunked",
            notices.RUMOUR_DEBUNKED,
            key=f"report:{report.pk}:debunked",
            note=text,
        )
        streams.queue_changed(report.assembly_id, report.pk)
    return report


def set_expiry(me, report, *, expires_in_hours=None, end_now=False):
    """A verifier changes until when a published report or notice is shown, or ends it."""
    hours = None if end_now else _hours(expires_in_hours)
    with transaction.atomic():
        standing = _standing(me)
        report = _lock(report)
        if report.assembly_id != me.assembly_id or not standing.can_verify:
            raise _not_verifier()
        if not report.is_published:
            raise ActionError(_("Only a published report is shown until a time."))
        now = timezone.now()
        report.expires_at = now if end_now else now + timedelta(hours=hours)
        report.banner = {} if end_now else streams.report_banner(report)
        report.save()
        _event(report, me, ReportEvent.Kind.EXPIRY, expires_at=report.expires_at)
        if end_now:
            live.publish(report.assembly.stream, "report.ended", {"id": report.alert_id})
        else:
            live.publish(report.assembly.stream, "report.updated", streams.alert(report))
        streams.queue_changed(report.assembly_id, report.pk)
    return report


def withdraw_report(me, report):
    """The reporter takes back a report nobody has decided on yet. Its photo is deleted."""
    with transaction.atomic():
        standing = _standing(me)
        report = _lock(report)
        if not standing.may_withdraw(report):
            raise NotAllowed(_("Only the person who filed it can withdraw it, while it waits."))
        report.status = Report.Status.WITHDRAWN
        name, storage = report.photo.name, report.photo.storage
        report.photo = ""
        report.photo_width = report.photo_height = None
        report.save()
        _event(report, me, ReportEvent.Kind.WITHDRAWN)
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        streams.queue_changed(report.assembly_id, report.pk)
    return report


# -- settings -----------------------------------------------------------------------------


def update_settings(me, *, verifier_group=None, network_group=None, answer_days):
    """Stewards name who verifies, whose leads send call-outs, and how long rapid response
    keeps who took part."""
    require(me, Perm.EDIT_ASSEMBLY)
    ids = [getattr(g, "pk", g) for g in (verifier_group, network_group) if g is not None]
    if Group.objects.filter(pk__in=ids, assembly_id=me.assembly_id).count() != len(set(ids)):
        raise ActionError(_("Choose working groups of this assembly."))
    if (
        isinstance(answer_days, bool)
        or not isinstance(answer_days, int)
        or not 1 <= answer_days <= ANSWER_DAYS_MAX
    ):
        raise ActionError(_("Keep who took part for 1 to 365 days."))
    with transaction.atomic():
        row, _created = ResponseSettings.objects.select_for_update().get_or_create(
            assembly_id=me.assembly_id
        )
        new = {
            "verifier_group_id": getattr(verifier_group, "pk", verifier_group),
            "network_group_id": getattr(network_group, "pk", network_group),
            "answer_days": answer_days,
        }
        changed = [field for field, value in new.items() if getattr(row, field) != value]
        if not changed:
            return row
        for field in changed:
            setattr(row, field, new[field])
        row.updated_at = timezone.now()
        row.save()
        audit(me, "response.settings_changed", fields=changed)
    return row


# -- call-outs ----------------------------------------------------------------------------


def send_callout(me, *, place, needs, wanted, groups, details="", report=None):
    """A verifier or a lead of the rapid-response network calls people to a place now."""
    standing = _standing(me)
    if not standing.can_send_callouts:
        raise NotAllowed(
            _("Only verifiers and the leads of the rapid-response network send call-outs.")
        )
    place = clean_line(place, field=_("The place"), maximum=200)
    details = clean_text(details, field=_("The details"), maximum=1000, required=False)
    needs = list(dict.fromkeys(needs or []))
    if not needs or any(need not in Callout.Need.values for need in needs):
        raise ActionError(_("Say what is needed: witnesses, legal observers, drivers…"))
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 1 <= wanted <= WANTED_MAX:
        raise ActionError(_("Ask for between 1 and 10,000 people."))
    group_ids = sorted({getattr(g, "pk", g) for g in groups or []})
    found = list(Group.objects.filter(pk__in=group_ids, assembly_id=me.assembly_id))
    if not group_ids or len(found) != len(group_ids):
        raise ActionError(_("Choose the working groups to call."))
    if report is not None and report.assembly_id != me.assembly_id:
        raise ActionError(_("That report is not in this assembly."))
    with transaction.atomic():
        callout = Callout.objects.create(
            assembly_id=me.assembly_id,
            sender=me,
            report=report,
            place=place,
            needs=needs,
            details=details,
            wanted=wanted,
        )
        callout.groups.set(found)
        callout.assembly = me.assembly
        audit(me, "callout.sent", callout=callout.pk, groups=group_ids)
        called = (
            Membership.objects.filter(
                status=Membership.Status.ACTIVE,
                group_memberships__group__in=found,
                group_memberships__status=GroupMembership.Status.ACTIVE,
            )
            .exclude(pk=me.pk)
            .distinct()
        )
        url = reverse("callout", args=[me.assembly.slug, callout.pk])
        listening = set()
        for group in found:
            listening.update(notification_recipients(group).values_list("pk", flat=True))
        notifications.notify(
            [m for m in called if m.pk in listening],
            notices.CALLOUT,
            subject=place,
            url=url,
            key=f"callout:{callout.pk}",
        )
        banner = {
            "id": f"callout-{callout.pk}",
            "kind": "callout",
            "html": streams.callout_banner(callout),
        }
        for user_id in {m.user_id for m in called}:
            live.publish_user(user_id, "callout.sent", banner)
    return callout


def _lock_callout(callout):
    return Callout.objects.select_for_update().select_related("assembly").get(pk=callout.pk)


def answer_callout(me, callout, *, answer):
    """On my way, or can't. One answer per person; changing it moves the counts."""
    if answer not in CalloutAnswer.Answer.values:
        raise ActionError(_("Answer “on my way” or “can't”."))
    standing = _standing(me)
    with transaction.atomic():
        callout = _lock_callout(callout)
        if not standing.may_see_callout(callout):
            raise NotAllowed(_("This call-out is not for you."))
        if not callout.is_open:
            raise ActionError(_("This call-out has ended. Thank you!"))
        mine = CalloutAnswer.objects.filter(callout=callout, member=me).first()
        if mine is not None and mine.answer == answer:
            return mine
        if mine is not None:
            _count(callout, mine.answer, -1)
            mine.answer = answer
            mine.answered_at = timezone.now()
            mine.save(update_fields=["answer", "answered_at"])
        else:
            mine = CalloutAnswer.objects.create(callout=callout, member=me, answer=answer)
        _count(callout, answer, +1)
        callout.save(update_fields=["on_way_count", "cant_count"])
        streams.callout_changed(callout)
    return mine


def _count(callout, answer, step):
    field = "on_way_count" if answer == CalloutAnswer.Answer.ON_MY_WAY else "cant_count"
    setattr(callout, field, getattr(callout, field) + step)


def close_callout(me, callout):
    """The sender (or another who sends call-outs) ends it: enough people are there."""
    standing = _standing(me)
    with transaction.atomic():
        callout = _lock_callout(callout)
        if not standing.may_close_callout(callout):
            raise NotAllowed(
                _("Only its sender, the verifiers and the network's leads can end it.")
            )
        if callout.closed_at is not None:
            raise ActionError(_("This call-out has already ended."))
        callout.closed_at = timezone.now()
        callout.closed_by = me
        callout.save(update_fields=["closed_at", "closed_by"])
        audit(me, "callout.closed", callout=callout.pk, on_way=callout.on_way_count)
        streams.callout_changed(callout)
    return callout


# -- timed work ------------------------------------------------------------------------------


def end_forgotten_callouts(now):
    """Call-outs nobody closed end OPEN_HOURS after they were sent."""
    stale = Callout.objects.filter(
        closed_at__isnull=True, created_at__lte=now - timedelta(hours=Callout.OPEN_HOURS)
    )
    ended = 0
    for callout in stale:
        with transaction.atomic():
            done = Callout.objects.filter(pk=callout.pk, closed_at__isnull=True).update(
                closed_at=now
            )
            if done:
                ended += 1
                streams.callout_changed(callout)
    return ended


def _keep(days, assembly_id):
    return timedelta(days=days.get(assembly_id, ResponseSettings().answer_days))


def purge_answers(now):
    """Once each assembly's retention period has passed after a call-out ended, delete
    who answered what, and who sent and ended it. The counts stay on the call-out."""
    days = dict(ResponseSettings.objects.values_list("assembly_id", "answer_days"))
    due = Callout.objects.filter(closed_at__isnull=False, answers_purged_at__isnull=True)
    purged = 0
    for callout in due.only("pk", "assembly_id", "closed_at"):
        if callout.closed_at > now - _keep(days, callout.assembly_id):
            continue
        with transaction.atomic():
            purged += CalloutAnswer.objects.filter(callout=callout).delete()[0]
            Callout.objects.filter(pk=callout.pk).update(
                answers_purged_at=now, sender=None, closed_by=None
            )
    return purged


def purge_report_names(now):
    """Once each assembly's retention period has passed after a report was settled
    (decided or withdrawn, its last change that long ago, and no longer shown as
    current), delete who filed, confirmed and decided it. What the report says stays,
    and so do its history's steps and its count of confirmations."""
    days = dict(ResponseSettings.objects.values_list("assembly_id", "answer_days"))
    due = (
        Report.objects.filter(names_purged_at__isnull=True)
        .exclude(status__in=Report.OPEN)
        .annotate(last_change=Max("events__created_at"))
        .only("pk", "assembly_id", "expires_at", "created_at")
    )
    purged = 0
    for report in due:
        cutoff = now - _keep(days, report.assembly_id)
        last = report.last_change or report.created_at
        if last > cutoff or (report.expires_at is not None and report.expires_at > cutoff):
            continue
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(reporter=None, names_purged_at=now)
            ReportEvent.objects.filter(report_id=report.pk).update(actor=None)
            Confirmation.objects.filter(report_id=report.pk).delete()
        purged += 1
    return purged


def timer(now):
    """Run by `manage.py send_notifications` on every round."""
    ended = end_forgotten_callouts(now)
    purged = purge_answers(now)
    unnamed = purge_report_names(now)
    return (
        f"rapid response: ended {ended} call-outs, deleted {purged} old answers, "
        f"deleted the names on {unnamed} settled reports"
    )
