"""Pages for the privacy operations: what the server stores (public), an assembly's
privacy settings (stewards), and a person's own data, sessions and account deletion."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import privacy, queries
from .errors import ActionError
from .forms import DeleteAccountForm, PrivacySettingsForm, SessionLabelForm
from .roles import Perm


@require_GET
def privacy_page(request):
    return render(request, "assembly/privacy.html", {"lines": privacy.catalogue()})


def privacy_settings(request, slug):
    me = queries.access_assembly(request.user, slug, Perm.EDIT_ASSEMBLY)
    current = privacy.settings_for(me.assembly)
    status = 200
    if request.method == "POST":
        form = PrivacySettingsForm(request.POST)
        if form.is_valid():
            try:
                privacy.update_settings(me, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("privacy_settings", slug=slug)
        status = 400
    else:
        form = PrivacySettingsForm(
            initial={name: getattr(current, name) for name in PrivacySettingsForm.base_fields}
        )
    return render(
        request, "assembly/privacy_settings.html",
        {"me": me, "assembly": me.assembly, "form": form}, status=status,
    )  # fmt: skip


@login_required
@require_GET
def my_data(request):
    return render(
        request, "assembly/my_data.html",
        {"form": DeleteAccountForm(), "memberships": queries.my_memberships(request.user)},
    )  # fmt: skip


@login_required
@require_GET
def my_data_json(request):
    data = json.dumps(privacy.export(request.user), ensure_ascii=False, indent=1, default=str)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="asamblea-my-data-{day}.json"'
    return response


@login_required
@require_POST
def delete_account(request):
    form = DeleteAccountForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionError(_("Type your email address to confirm."))
        privacy.delete_account(request.user, confirm=form.cleaned_data["confirm"])
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("my_data")
    logout(request)
    messages.success(request, _("Your account is deleted. Thank you for taking part."))
    return redirect("home")


@login_required
def my_sessions(request):
    if request.method == "POST":
        operation = request.POST.get("operation")
        if operation == "label":
            form = SessionLabelForm(request.POST)
            try:
                if not form.is_valid():
                    raise ActionError(_("Give the session a short name."))
                privacy.label_session(request.user, **form.cleaned_data)
            except ActionError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Saved."))
        elif operation == "others":
            ended = privacy.end_sessions(request.user, keep=request.session.session_key)
            messages.success(request, _("Logged out of %(n)d other sessions.") % {"n": ended})
        elif operation == "everywhere":
            privacy.end_sessions(request.user)
            logout(request)
            messages.success(request, _("You are logged out everywhere."))
            return redirect("account_login")
        else:
            messages.error(request, _("Unknown operation."))
        return redirect("my_sessions")
    rows = privacy.my_sessions(request.user, request.session.session_key)
    return render(request, "assembly/my_sessions.html", {"sessions": rows})
