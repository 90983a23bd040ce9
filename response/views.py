"""Thin views for reports and call-outs: parse input, call one action or query, render.

Every page works as plain HTML forms. The call-out page is deliberately tiny (no script
but the live socket and its banners) for phones on a weak connection.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assembly.errors import ActionError, NotAllowed
from assembly.queries import access_assembly
from assembly.roles import Perm

from . import actions, photos, queries, streams
from .forms import (
    AnswerForm,
    CalloutForm,
    ConfirmForm,
    DebunkForm,
    ExpiryForm,
    MarkForm,
    ReportForm,
    SettingsForm,
)
from .models import CalloutAnswer, ResponseSettings

# A report with its photo is at most this large; anything bigger is refused unread.
UPLOAD_MAX = photos.MAX_BYTES + 256 * 1024


def _base(standing, **extra):
    me = standing.me
    return {"me": me, "assembly": me.assembly, "standing": standing, **extra}


def _int(value):
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else None


def _first_error(form):
    for errors in form.errors.values():
        return errors[0]
    return _("Check the form and try again.")


# -- reports ------------------------------------------------------------------------------


@require_GET
def reports(request, slug):
    standing = queries.access(request.user, slug)
    me = standing.me
    context = _base(
        standing,
        current=queries.current_reports(me.assembly_id),
        earlier=queries.earlier_reports(me.assembly_id),
        mine=queries.my_reports(me),
        waiting=queries.waiting_count(me.assembly_id) if standing.can_verify else None,
        live_streams=me.assembly.stream,
    )
    return render(request, "response/reports.html", context)


def report_new(request, slug):
    standing = queries.access(request.user, slug)
    me = standing.me
    status = 200
    if request.method == "POST":
        length = _int(request.META.get("CONTENT_LENGTH") or "0")
        if length is None or length > UPLOAD_MAX:
            # Refused by its declared size, before the form decodes it (the proxy in front
            # should cap request bodies too: see README).
            messages.error(request, _("The photo is too large: at most 10 MB."))
            context = _base(standing, form=ReportForm())
            return render(request, "response/report_form.html", context, status=413)
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = actions.file_report(me, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                thanks = _(
                    "Thank you. The verifiers have your report; you see here what they decide."
                )
                messages.success(request, thanks)
                return redirect("report", slug=slug, pk=report.pk)
        status = 400
    else:
        form = ReportForm()
    context = _base(standing, form=form, no_verifiers=standing.settings.verifier_group_id is None)
    return render(request, "response/report_form.html", context, status=status)


@require_GET
def report(request, slug, pk):
    standing = queries.access(request.user, slug)
    found = queries.access_report(standing, pk)
    me = standing.me
    own = found.reporter_id == me.pk
    confirmations = queries.confirmed_by(found) if standing.can_verify else None
    context = _base(
        standing,
        report=found,
        own=own,
        history=queries.history(found) if standing.can_verify or own else None,
        confirmations=confirmations,
        deciding=standing.may_decide(found),
        may_withdraw=standing.may_withdraw(found),
        confirmed_by_me=any(c.verifier_id == me.pk for c in confirmations or []),
        confirm_form=ConfirmForm(),
        mark_form=MarkForm(),
        debunk_form=DebunkForm(),
        expiry_form=ExpiryForm(),
        photo=standing.may_see_photo(found),
        live_streams=me.assembly.stream,
    )
    return render(request, "response/report.html", context)


@require_GET
def report_photo(request, slug, pk):
    standing = queries.access(request.user, slug)
    found = queries.access_report(standing, pk)
    if not standing.may_see_photo(found):
        raise Http404
    try:
        handle = found.photo.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="report-{found.pk}.jpg"'
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response


def _report_post(request, slug, pk, form_class, do, success):
    """A verifier's or reporter's button on a report: one form, one action, back to it."""
    standing = queries.access(request.user, slug)
    found = queries.access_report(standing, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("report", slug=slug, pk=found.pk)
    try:
        do(standing.me, found, **(form.cleaned_data if form else {}))
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("report", slug=slug, pk=found.pk)


@require_POST
def report_confirm(request, slug, pk):
    return _report_post(
        request, slug, pk, ConfirmForm, actions.confirm_report, _("You confirmed the report.")
    )


@require_POST
def report_mark(request, slug, pk):
    return _report_post(request, slug, pk, MarkForm, actions.mark_report, _("Saved."))


@require_POST
def report_debunk(request, slug, pk):
    return _report_post(
        request,
        slug,
        pk,
        DebunkForm,
        actions.publish_debunk,
        _("The rumour-debunked notice is out to every member."),
    )


@require_POST
def report_expiry(request, slug, pk):
    if request.POST.get("end_now") == "1":
        return _report_post(
            request,
            slug,
            pk,
            None,
            lambda me, report: actions.set_expiry(me, report, end_now=True),
            _("It is no longer shown as current."),
        )
    return _report_post(request, slug, pk, ExpiryForm, actions.set_expiry, _("Saved."))


@require_POST
def report_withdraw(request, slug, pk):
    return _report_post(
        request, slug, pk, None, actions.withdraw_report, _("You withdrew your report.")
    )


def _queue_context(standing):
    me = standing.me
    return _base(
        standing,
        queue=queries.queue(me.assembly_id),
        decided=queries.recently_decided(me.assembly_id),
    )


@require_GET
def report_queue(request, slug):
    standing = queries.access_verifier(request.user, slug)
    me = standing.me
    version = streams.queue_version(me.assembly_id)  # read before the items
    context = _queue_context(standing)
    context.update(
        version=version,
        stream=streams.verify_stream(me.assembly_id),
        live_streams=f"{me.assembly.stream} {streams.verify_stream(me.assembly_id)}",
    )
    return render(request, "response/queue.html", context)


@require_GET
def report_queue_fragment(request, slug):
    standing = queries.access_verifier(request.user, slug)
    version = streams.queue_version(standing.me.assembly_id)
    response = render(request, "response/_queue.html", _queue_context(standing))
    response["X-Live-Version"] = str(version)
    response["Cache-Control"] = "no-store"
    return response


# -- call-outs ----------------------------------------------------------------------------


@require_GET
def callouts(request, slug):
    standing = queries.access(request.user, slug)
    context = _base(
        standing, callouts=queries.callouts(standing), live_streams=standing.me.assembly.stream
    )
    return render(request, "response/callouts.html", context)


def callout_new(request, slug):
    standing = queries.access(request.user, slug)
    if not standing.can_send_callouts:
        raise PermissionDenied
    me = standing.me
    groups = queries.groups_of(me)
    linked = None
    report_id = _int(request.POST.get("report") or request.GET.get("report") or "")
    if report_id is not None:
        linked = queries.access_report(standing, report_id)
    status = 200
    if request.method == "POST":
        form = CalloutForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                callout = actions.send_callout(me, report=linked, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The call-out is out."))
                return redirect("callout", slug=slug, pk=callout.pk)
        status = 400
    else:
        initial = {"wanted": 10, "needs": ["witnesses"]}
        network = standing.settings.network_group_id
        if network:
            initial["groups"] = [network]
        if linked is not None:
            initial["place"] = linked.place
        form = CalloutForm(initial=initial, groups=groups)
    context = _base(standing, form=form, linked=linked)
    return render(request, "response/callout_form.html", context, status=status)


@require_GET
def callout(request, slug, pk):
    standing = queries.access(request.user, slug)
    found = queries.access_callout(standing, pk)
    who = standing.may_see_who(found)
    live = [found.stream] + ([f"{found.stream}:people"] if who else [])
    context = _base(
        standing,
        callout=found,
        mine=queries.my_answer(found, standing.me),
        people=queries.on_their_way(found) if who else None,
        may_close=standing.may_close_callout(found),
        Answer=CalloutAnswer.Answer,
        live_streams=" ".join(live),
    )
    return render(request, "response/callout.html", context)


@require_POST
def callout_answer(request, slug, pk):
    standing = queries.access(request.user, slug)
    found = queries.access_callout(standing, pk)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionError(_("Answer “on my way” or “can't”."))
        answer = actions.answer_callout(standing.me, found, **form.cleaned_data)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        if answer.answer == CalloutAnswer.Answer.ON_MY_WAY:
            messages.success(request, _("Thank you. They know you are on your way."))
        else:
            messages.success(request, _("Thank you for answering."))
    return redirect("callout", slug=slug, pk=found.pk)


@require_POST
def callout_close(request, slug, pk):
    standing = queries.access(request.user, slug)
    found = queries.access_callout(standing, pk)
    try:
        actions.close_callout(standing.me, found)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The call-out has ended."))
    return redirect("callout", slug=slug, pk=found.pk)


# -- settings -----------------------------------------------------------------------------


def response_settings(request, slug):
    me = access_assembly(request.user, slug, Perm.EDIT_ASSEMBLY)
    groups = queries.groups_of(me)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                actions.update_settings(me, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("response_settings", slug=slug)
        status = 400
    else:
        row = ResponseSettings.of(me.assembly_id)
        form = SettingsForm(
            groups=groups,
            initial={
                "verifier_group": row.verifier_group_id,
                "network_group": row.network_group_id,
                "answer_days": row.answer_days,
            },
        )
    context = {
        "me": me,
        "assembly": me.assembly,
        "form": form,
        "settings_url": reverse("assembly_settings", args=[slug]),
    }
    return render(request, "response/settings.html", context, status=status)
