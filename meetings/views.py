"""Thin views: parse input, call one action or query, render.

Every form here works as a plain HTML form (post, then redirect back). meetings.js sends
the same forms with fetch and header `X-Requested-With: fetch`; those get a short JSON
answer instead of a redirect, and the screen updates from the live stream.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assembly import parsing
from assembly.confirm import confirm_page, confirmed
from assembly.errors import ActionError
from assembly.locale import zone_of
from assembly.qr import qr_svg
from assembly.queries import access_assembly, pickable_members, picked_member
from assembly.roles import Perm

from . import actions, queries, streams
from .forms import HAND_KINDS, ItemForm, MeetingForm, SettingsForm, VoteForm
from .models import Hand, Meeting, Membership, Proxy, Sanction

ASYNC_HEADER = "fetch"
ITEM_ACTS = (
    "call_next", "finish_speaker", "restart_timer", "queue_open", "queue_close", "item_up",
    "item_down", "skip_item", "go_to_item", "item_times", "room_hand",
)  # fmt: skip


def _int(value):
    try:
        return parsing.parse_int(value, low=-(10**9), high=10**9)
    except parsing.BadInput:
        raise ActionError(_("Enter a whole number.")) from None


def _is_async(request):
    return request.headers.get("X-Requested-With") == ASYNC_HEADER


def _answer(request, back, *, message="", error="", status=None):
    """Redirect a plain form back with a message, or give fetch a short JSON answer."""
    if _is_async(request):
        return JsonResponse(
            {"ok": not error, "message": str(error or message)},
            status=status or (400 if error else 200),
        )
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(back)


def _streams(meeting):
    """The meeting's stream in the reader's language (its fragments are rendered in it)."""
    known = streams.languages()
    language = (get_language() or known[0]).lower()
    if language not in known:
        language = language.split("-")[0] if language.split("-")[0] in known else known[0]
    return f"{meeting.stream}:{language}"


def _base(me, meeting, /, **extra):
    return {"me": me, "assembly": me.assembly, "meeting": meeting,
            "live_streams": _streams(meeting), **extra}  # fmt: skip


# -- lists and scheduling ---------------------------------------------------------------


@require_GET
def meeting_list(request, slug):
    me = access_assembly(request.user, slug)
    return render(
        request,
        "meetings/meeting_list.html",
        {"me": me, "assembly": me.assembly, "meetings": queries.meetings(me.assembly)[:100]},
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request, slug):
    me = access_assembly(request.user, slug, Perm.FACILITATE)
    form = MeetingForm(request.POST or None, assembly=me.assembly, me=me)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = actions.schedule_meeting(
                    me,
                    **form.as_action_kwargs(),
                    idempotency_key=request.POST.get("idempotency_key"),
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The meeting is scheduled. Now add its agenda."))
                return redirect("meeting_console", slug=slug, pk=meeting.pk)
        status = 400
    return render(
        request, "meetings/meeting_form.html",
        {"me": me, "assembly": me.assembly, "form": form}, status=status,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk, run=True)
    initial = {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "call_link": meeting.call_link,
        "facilitators": list(meeting.facilitators.all()),
        "note_taker": meeting.note_taker,
    }
    form = MeetingForm(
        request.POST or None, assembly=me.assembly, me=me, meeting=meeting, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_meeting(me, meeting=meeting, **form.as_action_kwargs())
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("meeting_console", slug=slug, pk=pk)
        status = 400
    return render(
        request, "meetings/meeting_form.html",
        {"me": me, "assembly": me.assembly, "form": form, "meeting": meeting}, status=status,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def meeting_settings(request, slug):
    me = access_assembly(request.user, slug, Perm.EDIT_ASSEMBLY)
    current = actions.settings_for(me.assembly)
    form = SettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_settings(me, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("meeting_settings", slug=slug)
        status = 400
    return render(
        request, "meetings/settings.html",
        {"me": me, "assembly": me.assembly, "form": form}, status=status,
    )  # fmt: skip


# -- the member's page ------------------------------------------------------------------


@require_GET
@never_cache
def meeting_detail(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk)
    rules = actions.settings_for(me.assembly)
    state = queries.live_state(meeting)
    mine = queries.my_state(meeting, me)
    offer_proxy = (
        rules.proxies_allowed and meeting.state != Meeting.State.ENDED and not mine["my_proxy"]
    )
    delegates = pickable_members(me)
    if delegates is not None:
        delegates = delegates.exclude(pk=me.pk)
    context = _base(
        me, meeting, **state, **mine, rules=rules, hand_kinds=HAND_KINDS, delegates=delegates,
        offer_proxy=offer_proxy,
        can_run=actions.can_run(me, meeting),
        can_take_notes=actions.can_take_notes(me, meeting),
    )  # fmt: skip
    return render(request, "meetings/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def check_in(request, slug, pk):
    """The page the projector's QR code opens: one big button (GET), checking in (POST).

    A phone that is not signed in is sent to log in first (before anything is looked up,
    so nothing about the assembly is revealed), and comes back here."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    me, meeting = queries.access_meeting(request.user, slug, pk)
    back = reverse("meeting", args=[slug, pk])
    if request.method == "POST":
        try:
            actions.check_in(me, meeting=meeting)
        except ActionError as exc:
            return _answer(request, back, error=exc.message)
        return _answer(request, back, message=_("You are checked in. Welcome."))
    mine = queries.my_state(meeting, me)
    return render(request, "meetings/check_in.html", _base(me, meeting, **mine))


@require_POST
def hand(request, slug, pk):
    """Raise one's own hand (kind=...) or lower it (lower=<hand id>)."""
    me, meeting = queries.access_meeting(request.user, slug, pk)
    back = reverse("meeting", args=[slug, pk]) + "#queue"
    try:
        if request.POST.get("lower"):
            found = queries.access_hand(meeting, _int(request.POST["lower"]))
            actions.lower_hand(me, hand=found)
            return _answer(request, back, message=_("Your hand is lowered."))
        if meeting.current_item is None:
            raise ActionError(_("There is no item under discussion right now."))
        item = queries.access_item(meeting, meeting.current_item_id)
        actions.raise_hand(me, item=item, kind=request.POST.get("kind", "regular"))
    except ActionError as exc:
        return _answer(request, back, error=exc.message)
    return _answer(request, back, message=_("Your hand is raised."))


@require_POST
def proxy(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk)
    back = reverse("meeting", args=[slug, pk]) + "#proxy"
    try:
        if request.POST.get("revoke"):
            actions.revoke_delegation(me, meeting=meeting)
            return _answer(request, back, message=_("Your vote is yours again."))
        delegate = picked_member(me, request.POST, "delegate")
        if delegate is None:
            raise ActionError(_("Choose the member who will vote for you."))
        actions.delegate_vote(me, meeting=meeting, delegate=delegate)
    except ActionError as exc:
        return _answer(request, back, error=exc.message)
    return _answer(request, back, message=_("Your vote is given for this meeting."))


@require_http_methods(["GET", "POST"])
def proxy_vote(request, slug, pk, link_pk, delegator_pk):
    """A delegate's ballot for a member whose vote they hold in this meeting."""
    from decisions import actions as decisions_actions
    from decisions.forms import ConfirmEmpty, ballot_values, parse_ballot, posted_values
    from decisions.result_view import TEMPERATURE_MEANINGS

    me, meeting = queries.access_meeting(request.user, slug, pk)
    link = queries.access_link(meeting, link_pk)
    held = Proxy.objects.filter(meeting=meeting, delegate=me, delegator_id=delegator_pk)
    held = held.select_related("delegator").first()
    if held is None:
        raise Http404
    poll = link.poll
    options = list(poll.options.all())
    status = 200
    again = {"values": ballot_values(poll, None)}
    if request.method == "POST":
        try:
            choice = parse_ballot(poll, request.POST, options)
            decisions_actions.cast_ballot(
                me, poll=poll, choice=choice, reason=request.POST.get("reason", ""),
                idempotency_key=request.POST.get("idempotency_key", ""),
                on_behalf_of=held.delegator,
            )  # fmt: skip
        except ConfirmEmpty:
            again = {"values": posted_values(poll, request.POST, options), "confirm_empty": True}
        except ActionError as exc:
            again = {"values": posted_values(poll, request.POST, options),
                     "ballot_error": exc.message, "clashing": getattr(exc, "keys", ())}  # fmt: skip
            status = 400
        else:
            messages.success(
                request,
                _("The vote of %(name)s was recorded.") % {"name": held.delegator.display_name},
            )
            return redirect("meeting", slug=slug, pk=pk)
    voted = poll.participations.filter(member=held.delegator).exists()
    context = _base(
        me, meeting, link=link, poll=poll, delegator=held.delegator, voted=voted,
        options=options, answers=decisions_actions.answers(poll),
        idempotency_key=secrets.token_urlsafe(16), ranks=range(1, len(options) + 1),
        scores=range(0, poll.score_max + 1), reason=request.POST.get("reason", "")[:2000],
        meanings=TEMPERATURE_MEANINGS if poll.method == "temperature" else {}, **again,
    )  # fmt: skip
    return render(request, "meetings/proxy_vote.html", context, status=status)


# -- the facilitator's console -----------------------------------------------------------


def _console_member(me, post, *, shown, any_status=False):
    """The member a console form acts on. By id: anyone, for those who may see the member
    list; otherwise only someone this console already shows them by name (`shown`: who is
    present, who was muted). By exact display name (`member_name`): anyone."""
    if post.get("member_name"):
        return picked_member(me, post, "member")
    if not post.get("member"):
        return None
    pk = _int(post.get("member"))
    if me.can(Perm.VIEW_MEMBERS):
        shown = Membership.objects.filter(assembly=me.assembly)
        if not any_status:
            shown = shown.filter(status=Membership.Status.ACTIVE)
    member = shown.filter(assembly=me.assembly, pk=pk).first()
    if member is None:
        raise ActionError(_("That person is not an active member of this assembly."))
    return member


def _console_context(me, meeting):
    state = queries.live_state(meeting)
    from decisions.actions import answers

    for link in state["open_votes"]:
        link.answers = answers(link.poll)
    return {
        **state,
        "attendance_list": queries.attendance_list(meeting, everyone=me.can(Perm.VIEW_MEMBERS)),
        "rules": actions.settings_for(me.assembly),
        "sanctions": Sanction.objects.filter(meeting=meeting).select_related("member", "by"),
        "links": meeting.polls.select_related("poll").order_by("-pk"),
        "hand_kinds": HAND_KINDS,
        "can_moderate_log": me.can(Perm.VIEW_AUDIT),
        "can_reopen": meeting.state == Meeting.State.ENDED and actions.can_reopen(me, meeting),
        "reopen_minutes": actions.REOPEN_MINUTES,
        "log": queries.moderation_log(meeting) if me.can(Perm.VIEW_AUDIT) else [],
    }


@require_GET
@never_cache
def console(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk, run=True)
    projector_url = request.build_absolute_uri(
        reverse("meeting_projector", args=[pk, meeting.projector_token])
    )
    from decisions.forms import chosen_method
    from decisions.models import Poll

    method = chosen_method(request.GET.get("method"))
    vote_form = VoteForm(initial={
        "question": meeting.current_item.title if meeting.current_item else "",
        "method": method,
    })  # fmt: skip
    context = _base(
        me, meeting, **_console_context(me, meeting), item_form=ItemForm(assembly=me.assembly),
        vote_form=vote_form, method=method, methods=Poll.Method.choices,
        rows=vote_form.method_rows(method),
        projector_url=projector_url, members=pickable_members(me),
    )  # fmt: skip
    return render(request, "meetings/console.html", context)


@require_GET
@never_cache
def console_panel(request, slug, pk):
    """The console's live controls, re-fetched by meetings.js when the meeting changes."""
    me, meeting = queries.access_meeting(request.user, slug, pk, run=True)
    context = _base(me, meeting, **_console_context(me, meeting))
    return HttpResponse(render_to_string("meetings/_console_panel.html", context, request))


@require_POST
def add_item(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk, run=True)
    back = reverse("meeting_console", args=[slug, pk]) + "#add-item"
    form = ItemForm(request.POST, assembly=me.assembly)
    if not form.is_valid():
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        return _answer(request, back, error=errors or _("Check the item's fields."))
    data = form.cleaned_data
    try:
        actions.add_item(
            me, meeting=meeting, title=data["title"], kind=data["kind"],
            planned_minutes=data["planned_minutes"], speaker_seconds=data["speaker_seconds"],
            proposal=data["proposal"], group=data["group"],
            idempotency_key=request.POST.get("idempotency_key"),
        )  # fmt: skip
    except ActionError as exc:
        return _answer(request, back, error=exc.message)
    return _answer(request, back, message=_("The item is on the agenda."))


def _vote_kwargs(request):
    form = VoteForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        raise ActionError(errors or _("Check the vote's fields."))
    data = form.cleaned_data
    return {
        "question": data["question"],
        "method": data["method"],
        "options": form.option_lines(),
        "present_only": data["present_only"],
        "secret": data["secret"],
        "threshold": data["threshold"] or "simple",
        "seats": data["seats"] or 1,
        "results_visibility": data["results_visibility"] or "live",
        "quorum": data["quorum"],
    }


def _do(request, me, meeting, do):
    """Run one console act; returns the message to show."""
    post = request.POST
    if do in ("start", "end", "reopen", "next_item", "reset_projector", "unregistered",
              "temperature", "open_vote", "approve"):  # fmt: skip
        if do == "start":
            actions.start_meeting(me, meeting=meeting)
            return _("The meeting has started.")
        if do == "end":
            actions.end_meeting(me, meeting=meeting)
            return _(
                "The meeting has ended. If that was a mistake, undo it now: it can be undone "
                "while nothing else happens in the meeting."
            )
        if do == "reopen":
            actions.reopen_meeting(me, meeting=meeting)
            return _("The meeting is running again, where it was when it ended.")
        if do == "next_item":
            expected = post.get("expected")
            left = _hands_left(meeting)
            actions.next_item(
                me, meeting=meeting, expected_item=_int(expected) if expected else None
            )
            return " ".join([_("On to the next item."), left]).strip()
        if do == "reset_projector":
            actions.regenerate_projector_token(me, meeting=meeting)
            return _("The projector has a new address; the old one no longer works.")
        if do == "unregistered":
            actions.set_unregistered(me, meeting=meeting, count=_int(post.get("count")))
            return _("Saved.")
        if do == "temperature":
            actions.temperature_check(
                me, meeting=meeting, style=post.get("style", "fist"),
                present_only=bool(post.get("present_only")),
                idempotency_key=post.get("idempotency_key"),
            )  # fmt: skip
            return _("The temperature check is open.")
        if do == "open_vote":
            actions.open_floor_vote(
                me, meeting=meeting, **_vote_kwargs(request),
                idempotency_key=post.get("idempotency_key"),
            )  # fmt: skip
            return _("The vote is open.")
        actions.approve_minutes(me, meeting=meeting, summary=post.get("summary", ""))
        return _("The minutes are approved and published to members.")
    if do in ITEM_ACTS:
        item_id = post.get("item") or (meeting.current_item_id if do == "room_hand" else None)
        if not item_id:
            raise ActionError(_("There is no item under discussion right now."))
        item = queries.access_item(meeting, _int(item_id))
        if do == "call_next":
            expected = post.get("expected")
            hand = actions.call_next(
                me, item=item, expected_hand=_int(expected) if expected else None
            )
            return _("%(name)s has the floor.") % {"name": hand.speaker_name}
        if do == "finish_speaker":
            actions.finish_speaker(me, item=item)
            return _("The speaker has finished.")
        if do == "restart_timer":
            actions.restart_timer(me, item=item)
            return _("The timer restarted.")
        if do in ("queue_open", "queue_close"):
            actions.set_queue_open(me, item=item, is_open=do == "queue_open")
            return _("The queue is open.") if do == "queue_open" else _("The queue is closed.")
        if do in ("item_up", "item_down"):
            actions.move_item(me, item=item, direction=do[5:])
            return _("The agenda is reordered.")
        if do == "skip_item":
            left = _hands_left(meeting) if item.pk == meeting.current_item_id else ""
            actions.skip_item(me, item=item)
            return " ".join([_("The item is skipped."), left]).strip()
        if do == "go_to_item":
            left = _hands_left(meeting) if item.pk != meeting.current_item_id else ""
            actions.go_to_item(me, item=item)
            return " ".join([_("Now on: %(title)s") % {"title": item.title}, left]).strip()
        if do == "item_times":
            actions.set_item_times(
                me, item=item, planned_minutes=_int(post.get("planned_minutes")),
                speaker_seconds=_int(post.get("speaker_seconds")),
            )  # fmt: skip
            return _("Saved.")
        member = _console_member(me, post, shown=Membership.objects.none())
        actions.add_room_hand(
            me, item=item, kind=post.get("kind", "regular"), member=member,
            name=post.get("name", ""), idempotency_key=post.get("idempotency_key"),
        )  # fmt: skip
        return _("Added to the queue.")
    if do in ("remove_hand", "move_hand"):
        found = queries.access_hand(meeting, _int(post.get("hand")))
        if do == "remove_hand":
            actions.remove_hand(me, hand=found)
            return _("Removed from the queue.")
        actions.move_hand(me, hand=found, position=_int(post.get("position")))
        return _("Moved in the queue.")
    if do in ("unmute", "unremove"):
        sanctioned = Sanction.objects.filter(meeting=meeting).values("member_id")
        member = _console_member(
            me, post, shown=Membership.objects.filter(pk__in=sanctioned), any_status=True
        )
        if member is None:
            raise ActionError(_("That person is not a member of this assembly."))
        kind = Sanction.Kind.MUTE if do == "unmute" else Sanction.Kind.REMOVE
        actions.lift_sanction(me, meeting=meeting, member=member, kind=kind)
        return _("Undone.")
    if do in ("present", "absent", "mute", "remove"):
        member = _console_member(me, post, shown=queries.present_members(meeting))
        if member is None:
            raise ActionError(_("That person is not a member of this assembly."))
        if do in ("present", "absent"):
            actions.mark_attendance(me, meeting=meeting, member=member, present=do == "present")
            return _("Attendance saved.")
        if do == "mute":
            actions.mute_member(me, meeting=meeting, member=member, reason=post.get("reason", ""))
            return _("%(name)s is muted for the rest of the meeting.") % {
                "name": member.display_name
            }
        actions.remove_from_meeting(
            me, meeting=meeting, member=member, reason=post.get("reason", "")
        )
        return _("%(name)s is removed from the meeting.") % {"name": member.display_name}
    if do in ("counts", "close_vote", "publish", "unpublish"):
        from decisions.actions import answers
        from decisions.forms import parse_counts

        link = queries.access_link(meeting, _int(post.get("link")))
        if do == "counts":
            counts = parse_counts(post, [key for key, _label in answers(link.poll)])
            actions.enter_room_counts(
                me, link=link, counts=counts, note=post.get("note", ""),
                idempotency_key=post.get("idempotency_key"),
            )  # fmt: skip
            return _("The counts from the room were recorded.")
        if do == "close_vote":
            actions.close_floor_vote(me, link=link)
            return _("The vote is closed and counted.")
        actions.publish_result(me, link=link, published=do == "publish")
        return _("The result is on the screens.") if do == "publish" else _("Taken down.")
    raise ActionError(_("Unknown action."))


def hands_left_note(count):
    """What happens to hands still raised on an item the meeting leaves: they stay with
    that item (actions._advance does not move them), so they are not called next."""
    if not count:
        return ""
    return ngettext(
        "%(n)d hand still raised stays with the item being left: it will not be called on "
        "the next item.",
        "%(n)d hands still raised stay with the item being left: they will not be called on "
        "the next item.",
        count,
    ) % {"n": count}


def _hands_left(meeting):
    """What happens to the hands still raised on the item being left (they stay with it)."""
    if meeting.current_item_id is None:
        return ""
    return hands_left_note(queries.waiting_count(meeting.current_item_id))


CONFIRM_ACTS = ("end", "close_vote", "remove")


def _confirmation(request, me, meeting, do, back):
    """The confirmation step of an act that cannot be taken back (assembly/confirm.py)."""
    post = request.POST
    context = {"me": me, "assembly": me.assembly, "meeting": meeting}
    if do == "end":
        state = queries.live_state(meeting)
        pending = sum(1 for item in state["items"] if item.state == "pending")
        what = [
            _("The item under discussion, “%(title)s”, is marked done.")
            % {"title": state["current"].title}
            if state["current"]
            else "",
            ngettext(
                "%(n)d item not taken up yet is skipped.",
                "%(n)d items not taken up yet are skipped.",
                pending,
            )
            % {"n": pending}
            if pending
            else "",
            _(
                "Members can no longer check in or raise a hand, and the projector's address "
                "stops working."
            ),
            _(
                "You can undo it right after (for %(n)d minutes), as long as nothing else "
                "happens in the meeting."
            )
            % {"n": actions.REOPEN_MINUTES},
        ]
        return confirm_page(
            request, title=_("End the meeting?"), what=what, yes=_("End the meeting"),
            back=back, context=context,
        )  # fmt: skip
    if do == "close_vote":
        link = queries.access_link(meeting, _int(post.get("link")))
        state = queries.live_state(meeting)
        found = next((v for v in state["open_votes"] if v.pk == link.pk), None)
        what = [f"“{link.poll.question}”"]
        if found is not None:
            counts = {"v": found.participants, "n": found.entitled_now}
            what.append(_("%(v)d voted of %(n)d entitled.") % counts)
        what.append(
            _("Nobody can vote in it after this; the result is counted and cannot be reopened.")
        )
        return confirm_page(
            request, title=_("Close the vote and count?"), what=what,
            yes=_("Close the vote and count"), back=back + "#now", context=context,
        )  # fmt: skip
    member = _console_member(me, post, shown=queries.present_members(meeting))
    if member is None:
        raise ActionError(_("That person is not a member of this assembly."))
    what = [
        _(
            "They can no longer open this meeting's pages or vote in its votes, and their "
            "raised hands are taken down."
        ),
        _("The reason is kept in the log: “%(reason)s”") % {"reason": post.get("reason", "")},
        _("You can undo it later from the list of people muted or removed."),
    ]
    return confirm_page(
        request,
        title=_("Remove %(name)s from the meeting?") % {"name": member.display_name},
        what=what, yes=_("Remove from the meeting"), back=back + "#moderation", context=context,
    )  # fmt: skip


@require_POST
def act(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk, run=True)
    back = reverse("meeting_console", args=[slug, pk])
    do = request.POST.get("do", "")
    try:
        asks = do in CONFIRM_ACTS and not confirmed(request)
        if asks and not (do == "remove" and not request.POST.get("reason", "").strip()):
            return _confirmation(request, me, meeting, do, back)
        message = _do(request, me, meeting, do)
    except ActionError as exc:
        return _answer(request, back + _ANCHORS.get(do, ""), error=exc.message)
    return _answer(request, back + _ANCHORS.get(do, ""), message=message)


# Where a plain form comes back to on the console, so the page does not jump to the top.
_ANCHORS = {
    "room_hand": "#room-hand", "mute": "#moderation", "remove": "#moderation",
    "unmute": "#attendance", "unremove": "#attendance", "present": "#attendance",
    "absent": "#attendance", "item_up": "#agenda", "item_down": "#agenda",
    "skip_item": "#agenda", "go_to_item": "#now", "open_vote": "#now",
    "temperature": "#now", "close_vote": "#now", "counts": "#votes", "publish": "#votes",
    "unpublish": "#votes", "move_hand": "#queue", "remove_hand": "#queue",
    "unregistered": "#attendance", "reset_projector": "#projector", "item_times": "#queue",
}  # fmt: skip


# -- notes and minutes ------------------------------------------------------------------


@require_GET
@never_cache
def notes(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk)
    if not actions.can_take_notes(me, meeting):
        raise PermissionDenied
    items = meeting.items.order_by("position", "pk")
    return render(request, "meetings/notes.html", _base(me, meeting, items=items))


@require_POST
def save_notes(request, slug, pk, item_pk):
    me, meeting = queries.access_meeting(request.user, slug, pk)
    if not actions.can_take_notes(me, meeting):
        raise PermissionDenied
    item = queries.access_item(meeting, item_pk)
    back = reverse("meeting_notes", args=[slug, pk]) + f"#item-{item.pk}"
    try:
        actions.save_notes(me, item=item, notes=request.POST.get("notes", ""))
    except ActionError as exc:
        return _answer(request, back, error=exc.message)
    return _answer(request, back, message=_("Notes saved."))


def _minutes_visible(me, meeting):
    return meeting.minutes_state == Meeting.Minutes.APPROVED or actions.can_take_notes(me, meeting)


@require_GET
def minutes(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk)
    if not _minutes_visible(me, meeting):
        raise Http404
    context = _base(me, meeting, **queries.minutes(meeting), can_run=actions.can_run(me, meeting))
    context.pop("live_streams")
    return render(request, "meetings/minutes.html", context)


@require_GET
def minutes_markdown(request, slug, pk):
    me, meeting = queries.access_meeting(request.user, slug, pk)
    if not _minutes_visible(me, meeting):
        raise Http404
    text = render_to_string(
        "meetings/minutes.md",
        {"meeting": meeting, "assembly": me.assembly, **queries.minutes(meeting)},  # fmt: skip
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.md"'
    return response


# -- the projector -----------------------------------------------------------------------


@require_GET
@never_cache
def projector(request, pk, token):
    """The room's screen: public data only, no login, no forms. The token is the key."""
    meeting = queries.projector_meeting(pk, token)
    state = queries.live_state(meeting)
    check_in_url = request.build_absolute_uri(
        reverse("meeting_check_in", args=[meeting.assembly.slug, meeting.pk])
    )
    # No login, so no access_assembly: the assembly's language and time zone, explicitly.
    language, zone = meeting.assembly.language, zone_of(meeting.assembly)
    with translation.override(language), timezone.override(zone):
        html = render_to_string(
            "meetings/projector.html",
            {
                **state,
                "projector": True,
                "assembly": meeting.assembly,
                "stream": f"{meeting.stream}:projector",
                "token": token,
                "check_in_url": check_in_url,
                "qr": qr_svg(check_in_url),
            },  # fmt: skip
            request,
        )
    response = HttpResponse(html)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def hand_kind_label(kind):
    return dict(Hand.Kind.choices).get(kind, kind)
