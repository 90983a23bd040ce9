"""Thin views for trainings: parse input, call one action or query, render.

Two pages need no account: the public sign-up page (`/t/<token>/`, only the training,
nothing of the assembly) and a person's ticket (`/ticket/<ticket>/`, whose link is the key
to their own sign-up; opened by an organiser, it checks them in). Both are rate-limited
without keeping anyone's address (trainings/ratelimit.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assembly import locale
from assembly.errors import ActionError, NotAllowed
from assembly.qr import qr_svg
from assembly.queries import access_assembly
from assembly.roles import Perm

from . import actions, queries, ratelimit
from .forms import (
    FollowUpForm,
    MoveForm,
    NewTrainingForm,
    OverflowForm,
    PublicSignUpForm,
    SettingsForm,
    TrainingForm,
    WalkInForm,
)
from .models import Rsvp, TrainingSettings
from .permissions import is_organiser, may_create, may_create_any
from .streams import counts

# Public pages: per address and per page, in a 10-minute window.
PAGE_LIMITS = {"per_address": 120, "per_page": 5000, "window": 600}
SIGNUP_LIMITS = {"per_address": 5, "per_page": 200, "window": 600}


def _base(me, training=None, **extra):
    context = {"me": me, "assembly": me.assembly, **extra}
    if training is not None:
        context.update(training=training, live_streams=training.stream)
    return context


def _first_error(form):
    for errors in form.errors.values():
        return errors[0]
    return _("Check the form and try again.")


def _run(request, do, success):
    """Call an action; put its outcome in a message. NotAllowed is a 403."""
    try:
        result = do()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ActionError as exc:
        messages.error(request, exc.message)
        return None
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return result


def _public(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request):
    return _public(render(request, "trainings/too_many.html", status=429))


def _checked_in(rsvp):
    return _("%(name)s is checked in.") % {"name": rsvp.display_name}


def _placed_message(rsvp):
    if rsvp.status == Rsvp.Status.CONFIRMED:
        return _("You have a place.")
    return _("The training is full: you are on the waitlist, and move up if someone cancels.")


# -- list and organising --------------------------------------------------------------------


@require_GET
def trainings(request, slug):
    me = access_assembly(request.user, slug)
    context = _base(
        me,
        upcoming=queries.with_mine(me, queries.upcoming(me)),
        past=queries.with_mine(me, queries.past(me)),
        can_create=may_create_any(me),
        can_settings=me.can(Perm.EDIT_ASSEMBLY),
    )
    return render(request, "trainings/list.html", context)


def training_new(request, slug):
    me = access_assembly(request.user, slug)
    own = queries.groups_for_new(me)
    assembly_allowed = may_create(me)
    if not assembly_allowed and not own:
        raise PermissionDenied
    kwargs = {
        "groups": queries.assembly_groups(me),
        "own_groups": own,
        "assembly_allowed": assembly_allowed,
    }
    status = 200
    if request.method == "POST":
        form = NewTrainingForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                training = actions.create_training(me, **form.cleaned_data)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The training is on."))
                return redirect("training", slug=slug, pk=training.pk)
        status = 400
    else:
        form = NewTrainingForm(
            initial={
                "capacity": 30,
                "offered_groups": [g.pk for g in kwargs["groups"] if g.join_policy == "open"],
            },
            **kwargs,
        )
    return render(request, "trainings/form.html", _base(me, form=form), status=status)


@require_GET
def training(request, slug, pk):
    me, found = queries.access_training(request.user, slug, pk)
    mine = queries.my_rsvp(found, me)
    organiser = is_organiser(me, found)
    follow = None
    if mine is not None and mine.came:
        follow = FollowUpForm(
            groups=found.offered_groups.all(),
            guest=False,
            initial={"groups": list(mine.wants_groups.values_list("pk", flat=True))},
        )
    public_url = (
        request.build_absolute_uri(reverse("training_public", args=[found.public_token]))
        if organiser and found.public_token
        else None
    )
    context = _base(
        me,
        found,
        mine=mine,
        position=queries.waitlist_position(mine),
        ticket_url=reverse("ticket", args=[mine.ticket]) if mine else None,
        organiser=organiser,
        funnel=queries.funnel(found) if organiser else None,
        sessions=queries.sessions(found),
        public_url=public_url,
        follow_form=follow,
        counts=counts(found.pk),
    )
    return render(request, "trainings/training.html", context)


def training_edit(request, slug, pk):
    me, found = queries.access_organised(request.user, slug, pk)
    groups = queries.assembly_groups(me)
    status = 200
    if request.method == "POST":
        form = TrainingForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                actions.update_training(me, found, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("training", slug=slug, pk=found.pk)
        status = 400
    else:
        fields = ["title", "description", "place", "starts_at", "ends_at", "capacity"]
        initial = {name: getattr(found, name) for name in fields}
        initial["offered_groups"] = list(found.offered_groups.values_list("pk", flat=True))
        form = TrainingForm(groups=groups, initial=initial)
    return render(request, "trainings/form.html", _base(me, found, form=form), status=status)


@require_POST
def training_rsvp(request, slug, pk):
    """A member signs up (operation=sign_up) or cancels (operation=cancel)."""
    me, found = queries.access_training(request.user, slug, pk)
    operation = request.POST.get("operation")
    if operation == "cancel":
        _run(
            request,
            lambda: actions.cancel_sign_up(me, found),
            _("You cancelled. Your place goes to the next person waiting."),
        )
    elif operation == "sign_up":
        _run(request, lambda: actions.sign_up(me, found), _placed_message)
    else:
        messages.error(request, _("Unknown operation."))
    return redirect("training", slug=slug, pk=found.pk)


@require_POST
def training_follow(request, slug, pk):
    """A member who came ticks the groups they would join."""
    me, found = queries.access_training(request.user, slug, pk)
    mine = queries.my_rsvp(found, me)
    if mine is None:
        raise Http404
    form = FollowUpForm(request.POST, groups=found.offered_groups.all(), guest=False)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        _run(
            request,
            lambda: actions.follow_up(mine, groups=form.cleaned_data["groups"]),
            _("Thank you! The groups' leads will hear from you."),
        )
    return redirect("training", slug=slug, pk=found.pk)


@require_POST
def training_public_link(request, slug, pk):
    me, found = queries.access_organised(request.user, slug, pk)
    enabled = request.POST.get("enabled") == "1"
    _run(
        request,
        lambda: actions.set_public_page(me, found, enabled=enabled),
        _("The public page has a new link; the old one no longer works.")
        if enabled
        else _("The public page is closed."),
    )
    return redirect("training", slug=slug, pk=found.pk)


def training_people(request, slug, pk):
    """Organisers: who has a place, the waitlist, moving people to another session."""
    me, found = queries.access_organised(request.user, slug, pk)
    sessions = queries.sessions(found)
    people = queries.people(found)
    status = 200
    if request.method == "POST":
        if request.POST.get("operation") == "remove":
            rsvp = queries.access_rsvp(found, _int(request.POST.get("rsvp")))
            _run(
                request,
                lambda: actions.remove_sign_up(me, rsvp),
                _("%(name)s's sign-up was cancelled.") % {"name": rsvp.display_name},
            )
            return redirect("training_people", slug=slug, pk=found.pk)
        form = MoveForm(request.POST, sessions=sessions, people=people)
        if form.is_valid():
            target = next(s for s in sessions if s.pk == form.cleaned_data["to"])
            moved = _run(
                request,
                lambda: actions.move_people(me, found, to=target, rsvps=form.cleaned_data["rsvps"]),
                _("Moved."),
            )
            if moved is not None:
                return redirect("training_people", slug=slug, pk=found.pk)
        else:
            messages.error(request, _first_error(form))
        status = 400
    context = _base(
        me,
        found,
        people=people,
        sessions=sessions,
        overflow_form=OverflowForm(initial={"place": found.place, "capacity": found.capacity}),
    )
    return render(request, "trainings/people.html", context, status=status)


@require_POST
def training_overflow(request, slug, pk):
    me, found = queries.access_organised(request.user, slug, pk)
    form = OverflowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("training_people", slug=slug, pk=found.pk)
    overflow = _run(
        request,
        lambda: actions.open_overflow(me, found, **form.cleaned_data),
        _("The overflow session is open."),
    )
    if overflow is None:
        return redirect("training_people", slug=slug, pk=found.pk)
    return redirect("training", slug=slug, pk=overflow.pk)


def _int(value):
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    raise Http404


def training_door(request, slug, pk):
    """At the door: the list to check people in, walk-ins, and the count as it rises."""
    me, found = queries.access_organised(request.user, slug, pk)
    search = request.GET.get("q", "")[:60]
    walk_in = WalkInForm()
    status = 200
    if request.method == "POST":
        operation = request.POST.get("operation")
        back = redirect(
            reverse("training_door", args=[slug, found.pk]) + (f"?q={search}" if search else "")
        )
        if operation in ("check_in", "undo"):
            rsvp = queries.access_rsvp(found, _int(request.POST.get("rsvp")))
            if operation == "check_in":
                _run(request, lambda: actions.check_in(me, rsvp), _checked_in)
            else:
                _run(request, lambda: actions.undo_check_in(me, rsvp), _("Undone."))
            return back
        if operation == "walk_in":
            walk_in = WalkInForm(request.POST)
            if walk_in.is_valid():
                fields = walk_in.cleaned_data
                done = _run(request, lambda: actions.add_walk_in(me, found, **fields), _checked_in)
                if done is not None:
                    return back
            status = 400
        else:
            messages.error(request, _("Unknown operation."))
            status = 400
    context = _base(
        me,
        found,
        rows=queries.door_list(found, search),
        search=search,
        walk_in_form=walk_in,
        counts=counts(found.pk),
    )
    return render(request, "trainings/door.html", context, status=status)


def training_follow_up(request, slug, pk):
    """Organisers: the people who came, and one button to invite each of them."""
    me, found = queries.access_organised(request.user, slug, pk)
    link = None
    if request.method == "POST":
        rsvp = queries.access_rsvp(found, _int(request.POST.get("rsvp")))
        token = _run(request, lambda: actions.invite(me, rsvp), None)
        if token is not None:
            link = request.build_absolute_uri(reverse("invitation", args=[token]))
            if actions.mail_invitation(rsvp, link=link):
                messages.success(
                    request,
                    _("The invitation was emailed to %(name)s.") % {"name": rsvp.display_name},
                )
            else:
                messages.success(
                    request,
                    _("Send %(name)s this link: it is shown only once.")
                    % {"name": rsvp.display_name},
                )
            link = {"name": rsvp.display_name, "url": link}
    context = _base(
        me, found, rows=queries.follow_up_list(found), link=link, funnel=queries.funnel(found)
    )
    return render(request, "trainings/follow_up.html", context)


def training_settings(request, slug):
    me = access_assembly(request.user, slug, Perm.EDIT_ASSEMBLY)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                actions.update_settings(me, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("training_settings", slug=slug)
        status = 400
    else:
        form = SettingsForm(initial={"guest_days": TrainingSettings.of(me.assembly_id).guest_days})
    return render(request, "trainings/settings.html", _base(me, form=form), status=status)


# -- pages without an account -----------------------------------------------------------------


@never_cache
def training_public(request, token):
    """The public sign-up page: the training only, nothing of the assembly."""
    if not ratelimit.allow(request, "training-page", page=token[:40], **PAGE_LIMITS):
        return _too_many(request)
    found = queries.public_training(token)
    locale.enter(found.assembly, language=False)  # its times in its assembly's zone
    form = PublicSignUpForm()
    status = 200
    if request.method == "POST":
        if not ratelimit.allow(request, "training-signup", page=str(found.pk), **SIGNUP_LIMITS):
            return _too_many(request)
        form = PublicSignUpForm(request.POST)
        if form.is_valid():
            try:
                rsvp = actions.public_sign_up(
                    found, language=get_language() or "", **form.cleaned_data
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _placed_message(rsvp))
                return redirect("ticket", ticket=rsvp.ticket)
        status = 400
    days = TrainingSettings.of(found.assembly_id).guest_days
    context = {"training": found, "form": form, "days": days, "public": True}
    return _public(render(request, "trainings/public.html", context, status=status))


@never_cache
def ticket(request, ticket):
    """A person's ticket. Its holder sees their place, shows its code at the door,
    cancels, and afterwards leaves a way to be reached; an organiser who opens it (by
    scanning the code) checks the person in."""
    if not ratelimit.allow(request, "ticket", page="all", **PAGE_LIMITS):
        return _too_many(request)
    rsvp = queries.ticket_rsvp(ticket)
    found = rsvp.training
    locale.enter(found.assembly, language=False)
    me = None
    if request.user.is_authenticated:
        me = found.assembly.memberships.filter(user=request.user, status="active").first()
    organiser = me is not None and is_organiser(me, found)
    guest = rsvp.member_id is None
    if request.method == "POST":
        operation = request.POST.get("operation")
        if operation == "check_in" and organiser:
            _run(request, lambda: actions.check_in(me, rsvp), _checked_in)
        elif operation == "cancel":
            _run(
                request,
                lambda: actions.cancel_by_ticket(rsvp),
                _("You cancelled. Your place goes to the next person waiting."),
            )
        elif operation == "follow_up":
            form = FollowUpForm(request.POST, groups=found.offered_groups.all(), guest=guest)
            if form.is_valid():
                _run(
                    request,
                    lambda: actions.follow_up(rsvp, **form.cleaned_data),
                    _("Thank you! The organisers will be in touch."),
                )
            else:
                messages.error(request, _first_error(form))
        else:
            messages.error(request, _("Unknown operation."))
        return redirect("ticket", ticket=ticket)
    url = request.build_absolute_uri(reverse("ticket", args=[ticket]))
    follow = None
    if rsvp.came and rsvp.details_deleted_at is None:
        follow = FollowUpForm(
            groups=found.offered_groups.all(),
            guest=guest,
            initial={
                "reach": rsvp.reach or rsvp.contact,
                "wants_membership": rsvp.wants_membership,
                "groups": list(rsvp.wants_groups.values_list("pk", flat=True)),
            },
        )
    context = {
        "rsvp": rsvp,
        "training": found,
        "qr": qr_svg(url),
        "organiser": organiser,
        "position": queries.waitlist_position(rsvp),
        "follow_form": follow,
        "door_url": reverse("training_door", args=[found.assembly.slug, found.pk])
        if organiser
        else None,
        "public": True,
    }
    return _public(render(request, "trainings/ticket.html", context))
