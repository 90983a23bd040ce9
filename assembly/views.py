"""Thin views: parse input, call one action or query, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import actions, locale, parsing, queries, sections
from .adapters import INVITATION_SESSION_KEY
from .errors import ActionError, SecondFactorRequired
from .forms import (
    AssemblySettingsForm,
    DisplayNameForm,
    InvitationForm,
    JoinRequestForm,
    LanguageForm,
    ReasonForm,
    RoleForm,
)
from .models import Invitation, JoinRequest
from .roles import Perm, Role


def _live(*streams):
    return " ".join(streams)


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return render(request, "assembly/landing.html")
    digest = request.session.get(INVITATION_SESSION_KEY)
    if digest and actions.find_invitation_by_digest(digest):
        return redirect("invitation_continue")
    memberships = queries.my_memberships(request.user)
    return render(request, "assembly/home.html", {"memberships": memberships})


@require_GET
def assembly_home(request, slug):
    me = queries.access_assembly(request.user, slug)
    assembly = me.assembly
    streams = [assembly.stream]
    if me.can(Perm.VIEW_MEMBERS):
        streams.append(f"{assembly.stream}:roster")
    home_sections = sections.for_home(me)
    for section in home_sections:
        streams.extend(s for s in section.streams if s not in streams)
    context = {
        "sections": home_sections,
        "me": me,
        "assembly": assembly,
        "counts": queries.member_counts(assembly),
        "online": queries.online(assembly, me),
        "live_streams": _live(*streams),
        "Perm": Perm,
    }
    return render(request, "assembly/assembly_home.html", context)


@require_GET
def members(request, slug):
    me = queries.access_assembly(request.user, slug)
    if not me.can(Perm.VIEW_MEMBERS):
        return render(
            request,
            "assembly/members_hidden.html",
            {"me": me, "assembly": me.assembly, "counts": queries.member_counts(me.assembly)},
            status=403,
        )
    if me.can(Perm.MANAGE_MEMBERS):
        people = queries.members_for_stewards(me.assembly)
    else:
        people = queries.active_members(me.assembly)
    return render(
        request,
        "assembly/members.html",
        {"me": me, "assembly": me.assembly, "people": people, "Perm": Perm},
    )


def assembly_settings(request, slug):
    me = queries.access_assembly(request.user, slug, Perm.EDIT_ASSEMBLY)
    assembly = me.assembly
    status = 200
    if request.method == "POST":
        form = AssemblySettingsForm(request.POST)
        if form.is_valid():
            try:
                actions.update_assembly(me, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("assembly_home", slug=assembly.slug)
        status = 400
    else:
        form = AssemblySettingsForm(
            initial={field: getattr(assembly, field) for field in AssemblySettingsForm.base_fields}
        )
    return render(
        request, "assembly/settings.html", {"me": me, "assembly": assembly, "form": form},
        status=status,
    )  # fmt: skip


def invitations(request, slug):
    me = queries.access_assembly(request.user, slug, Perm.INVITE)
    new_link = None
    status = 200
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                _invitation, token = actions.create_invitation(
                    me, **form.cleaned_data, idempotency_key=request.POST.get("idempotency_key")
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                new_link = request.build_absolute_uri(reverse("invitation", args=[token]))
                form = InvitationForm()
        else:
            status = 400
    else:
        form = InvitationForm()
    context = {
        "me": me,
        "assembly": me.assembly,
        "form": form,
        "new_link": new_link,
        "invitations": queries.invitations(me.assembly),
    }
    return render(request, "assembly/invitations.html", context, status=status)


@require_POST
def revoke_invitation(request, slug, pk):
    me = queries.access_assembly(request.user, slug, Perm.INVITE)
    invitation = get_object_or_404(Invitation, pk=pk, assembly=me.assembly)
    actions.revoke_invitation(me, invitation=invitation)
    messages.success(request, _("The invitation link no longer works."))
    return redirect("invitations", slug=slug)


def invitation(request, token):
    """Where an invitation link lands. The session keeps only the token's digest, and the
    rest (sign up or log in, then choose a display name) happens at /i/continue/, an
    address without the token."""
    found = actions.find_invitation(token)
    if found is None:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(request, "assembly/invitation_invalid.html", status=404)
    digest = Invitation.digest(token)
    if not request.user.is_authenticated:
        # Remembered while they make an account and verify their email.
        request.session[INVITATION_SESSION_KEY] = digest
    return _invitation_page(request, digest, found)


def invitation_continue(request):
    digest = request.session.get(INVITATION_SESSION_KEY)
    found = actions.find_invitation_by_digest(digest)
    if found is None:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(request, "assembly/invitation_invalid.html", status=404)
    return _invitation_page(request, digest, found)


def _invitation_page(request, digest, found):
    """Sign up or log in, then choose a display name and join."""
    locale.enter(found.assembly)
    if not request.user.is_authenticated:
        return render(request, "assembly/invitation.html", {"invitation": found})
    status = 200
    if request.method == "POST":
        form = DisplayNameForm(request.POST)
        if form.is_valid():
            try:
                membership = actions.accept_invitation(
                    request.user, digest=digest, display_name=form.cleaned_data["display_name"]
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                if INVITATION_SESSION_KEY in request.session:
                    del request.session[INVITATION_SESSION_KEY]
                messages.success(request, _("Welcome to %(name)s.") % {"name": found.assembly})
                return redirect("assembly_home", slug=membership.assembly.slug)
        else:
            status = 400
    else:
        form = DisplayNameForm()
    return render(
        request, "assembly/invitation.html", {"invitation": found, "form": form}, status=status
    )


@login_required
def join_request(request, slug):
    assembly = queries.access_listed_assembly(request.user, slug)
    status = 200
    if request.method == "POST":
        form = JoinRequestForm(request.POST)
        if form.is_valid():
            try:
                actions.request_to_join(request.user, assembly=assembly, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("Your request was sent to the stewards."))
                return redirect("home")
        else:
            status = 400
    else:
        form = JoinRequestForm()
    return render(
        request, "assembly/join_request.html", {"assembly": assembly, "form": form}, status=status
    )


def join_requests(request, slug):
    me = queries.access_assembly(request.user, slug, Perm.DECIDE_JOIN_REQUESTS)
    if request.method == "POST":
        pk = parsing.id_or_none(request.POST.get("request"))
        pending = get_object_or_404(JoinRequest, pk=pk or 0, assembly=me.assembly)
        try:
            actions.decide_join_request(
                me, join_request=pending, approve=request.POST.get("decision") == "approve"
            )
        except ActionError as exc:
            messages.error(request, exc.message)
        return redirect("join_requests", slug=slug)
    return render(
        request,
        "assembly/join_requests.html",
        {"me": me, "assembly": me.assembly, "requests": queries.pending_join_requests(me.assembly)},
    )


def member_detail(request, slug, pk):
    me = queries.access_assembly(request.user, slug, Perm.MANAGE_MEMBERS)
    member = queries.access_member(me, pk)
    status = 200
    if request.method == "POST":
        operation = request.POST.get("operation")
        reason = ReasonForm(request.POST)
        reason_text = reason.cleaned_data["reason"] if reason.is_valid() else ""
        try:
            if operation == "role":
                form = RoleForm(request.POST)
                if not form.is_valid():
                    raise ActionError(_("Choose a role."))
                actions.change_role(me, member=member, role=form.cleaned_data["role"])
            elif operation == "suspend":
                actions.suspend_member(me, member=member, reason=reason_text)
            elif operation == "remove":
                actions.remove_member(me, member=member, reason=reason_text)
            elif operation == "reinstate":
                actions.reinstate_member(me, member=member)
            else:
                raise ActionError(_("Unknown operation."))
        except ActionError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect("member_detail", slug=slug, pk=member.pk)
        member = queries.access_member(me, pk)
    context = {
        "me": me,
        "assembly": me.assembly,
        "member": member,
        "role_form": RoleForm(initial={"role": member.role}),
        "reason_form": ReasonForm(),
        "Role": Role,
    }
    return render(request, "assembly/member_detail.html", context, status=status)


def my_membership(request, slug):
    me = queries.access_assembly(request.user, slug)
    status = 200
    if request.method == "POST":
        if request.POST.get("operation") == "leave":
            try:
                actions.leave_assembly(me)
            except ActionError as exc:
                messages.error(request, exc.message)
                return redirect("my_membership", slug=slug)
            messages.success(request, _("You have left %(name)s.") % {"name": me.assembly})
            return redirect("home")
        form = DisplayNameForm(request.POST)
        if form.is_valid():
            try:
                actions.rename_self(me, display_name=form.cleaned_data["display_name"])
            except ActionError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("Saved."))
                return redirect("assembly_home", slug=slug)
        else:
            status = 400
    else:
        form = DisplayNameForm(initial={"display_name": me.display_name})
    return render(
        request, "assembly/my_membership.html", {"me": me, "assembly": me.assembly, "form": form},
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def account(request):
    """The person's own page: their names in each assembly, language, notifications,
    sessions and data, each a link to where it is changed."""
    return render(
        request,
        "assembly/account.html",
        {"memberships": queries.my_memberships(request.user), "languages": settings.LANGUAGES},
    )


@require_GET
def audit(request, slug):
    me = queries.access_assembly(request.user, slug, Perm.VIEW_AUDIT)
    return render(
        request,
        "assembly/audit.html",
        {"me": me, "assembly": me.assembly, "entries": queries.audit_log(me.assembly)},
    )


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if not form.is_valid():
        messages.error(request, _("That language is not available."))
        return response
    language = form.cleaned_data["language"]
    actions.set_language(request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )
    return response


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_403(request, exception=None):
    if isinstance(exception, SecondFactorRequired):
        me = exception.membership
        return render(
            request, "errors/second_factor.html",
            {"me": me, "assembly": me.assembly, "next": request.get_full_path()}, status=403,
        )  # fmt: skip
    return render(request, "errors/403.html", status=403)


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_500(request):
    """Rendered without the request's context: no session, no user, no query, so it still
    answers when the database is what failed."""
    html = loader.get_template("errors/500.html").render({"LANG": translation.get_language()})
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)
