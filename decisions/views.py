"""Thin views for proposals, discussion and votes."""

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assembly import idempotency, parsing
from assembly.confirm import confirm_page, confirmed
from assembly.errors import ActionError, NotAllowed
from assembly.queries import access_assembly
from assembly.roles import Perm

from . import actions, ballots_csv, queries
from .diff import diff_html
from .forms import (
    AmendmentForm,
    CommentForm,
    ConfirmEmpty,
    HideForm,
    PollForm,
    ProposalForm,
    ballot_values,
    chosen_method,
    parse_ballot,
    parse_counts,
    posted_values,
)
from .live_state import has_voted, results_visible
from .models import Amendment, Ballot, Comment, Elector, Poll, Proposal
from .result_view import TEMPERATURE_MEANINGS


def _int(value):
    return parsing.id_or_none(value)


# -- proposals --------------------------------------------------------------------------


@require_GET
def proposal_list(request, slug):
    me = access_assembly(request.user, slug)
    state = request.GET.get("state", "open")
    if state not in ["open", "all", *Proposal.State.values]:
        state = "open"
    items = queries.proposals(me.assembly, None if state == "all" else state, me=me)
    return render(
        request,
        "decisions/proposal_list.html",
        {"me": me, "assembly": me.assembly, "proposals": items, "state": state,
         "states": Proposal.State.choices},
    )  # fmt: skip


def _my_groups(me):
    from groups.models import Group

    return Group.objects.filter(
        memberships__member=me, memberships__status="active", assembly=me.assembly
    ).order_by("name")


def proposal_new(request, slug):
    me = access_assembly(request.user, slug, Perm.PROPOSE)
    groups = list(_my_groups(me))
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = _int(request.POST.get("group"))
        group = next((g for g in groups if g.pk == chosen), None)
        try:
            if chosen and group is None:
                raise ActionError(_("You can propose on behalf of a working group you belong to."))
            proposal = actions.draft_proposal(
                me,
                group=group,
                **form.cleaned_data,
                idempotency_key=request.POST.get("idempotency_key"),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your draft is saved. Members can now second it."))
            return redirect("proposal", slug=slug, pk=proposal.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "decisions/proposal_form.html",
        {"me": me, "assembly": me.assembly, "form": form, "groups": groups},
        status=status,
    )


def proposal_edit(request, slug, pk):
    me, proposal = queries.access_proposal(request.user, slug, pk)
    if proposal.author_id != me.pk:
        raise PermissionDenied  # a draft is edited by its author only
    form = ProposalForm(
        request.POST or None, initial={"title": proposal.title, "body": proposal.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_draft(me, proposal=proposal, **form.cleaned_data)
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("proposal", slug=slug, pk=proposal.pk)
    elif proposal.state != Proposal.State.DRAFT:
        messages.error(request, _("Once discussion opens, the text changes only by amendment."))
        return redirect("proposal", slug=slug, pk=proposal.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "decisions/proposal_form.html",
        {"me": me, "assembly": me.assembly, "form": form, "proposal": proposal},
        status=status,
    )


def _proposal_context(me, proposal):
    context = {"me": me, "assembly": me.assembly, "proposal": proposal}
    context.update(queries.proposal_page(proposal))
    context["seconded"] = any(s.member_id == me.pk for s in context["seconds"])
    context["needs_seconds"] = max(0, me.assembly.seconds_required - len(context["seconds"]))
    return context


@require_GET
def proposal_detail(request, slug, pk):
    me, proposal = queries.access_proposal(request.user, slug, pk)
    part = request.GET.get("part")
    if part == "main":
        return render(request, "decisions/_proposal_main.html", _proposal_context(me, proposal))
    if part == "comment":
        comment = queries.access_comment(proposal, _int(request.GET.get("id")) or 0)
        return render(
            request,
            "decisions/_comment.html",
            {"me": me, "assembly": me.assembly, "proposal": proposal, "comment": comment,
             "hide_form": HideForm()},
        )  # fmt: skip
    context = _proposal_context(me, proposal)
    context.update(queries.comment_page(proposal, before=_int(request.GET.get("before"))))
    context.update(
        comment_form=CommentForm(),
        hide_form=HideForm(),
        live_streams=proposal.stream,
        older=request.GET.get("before"),
    )
    return render(request, "decisions/proposal_detail.html", context)


@require_POST
def proposal_act(request, slug, pk):
    me, proposal = queries.access_proposal(request.user, slug, pk)
    operations = {
        "second": actions.second_proposal,
        "unsecond": actions.withdraw_second,
        "open": actions.open_discussion,
        "withdraw": actions.withdraw_proposal,
        "table": actions.table_proposal,
        "reopen": actions.reopen_proposal,
    }
    operation = operations.get(request.POST.get("operation"))
    may_withdraw = proposal.author_id == me.pk and proposal.state in ("draft", "discussion")
    if request.POST.get("operation") == "withdraw" and may_withdraw and not confirmed(request):
        return confirm_page(
            request,
            title=_("Withdraw “%(title)s”?") % {"title": proposal.title},
            what=[
                _(
                    "The proposal is withdrawn for good: it can no longer be discussed, "
                    "seconded or voted on. Its text and discussion stay readable."
                ),
                _("To bring it back, someone has to propose it again."),
            ],
            yes=_("Withdraw proposal"),
            back=reverse("proposal", args=[slug, pk]),
            context={"me": me, "assembly": me.assembly},
        )
    try:
        if operation is None:
            raise ActionError(_("Unknown operation."))
        operation(me, proposal=proposal)
    except NotAllowed:
        raise PermissionDenied from None
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("proposal", slug=slug, pk=pk)


@require_GET
def proposal_versions(request, slug, pk):
    me, proposal = queries.access_proposal(request.user, slug, pk)
    versions = queries.versions(proposal)
    numbers = [v.number for v in versions]
    new = _int(request.GET.get("b")) or numbers[-1]
    old = _int(request.GET.get("a")) or max(1, new - 1)
    by_number = {v.number: v for v in versions}
    if old not in by_number or new not in by_number:
        raise Http404
    return render(
        request,
        "decisions/versions.html",
        {"me": me, "assembly": me.assembly, "proposal": proposal, "versions": versions,
         "old": by_number[old], "new": by_number[new],
         "diff": diff_html(by_number[old].body, by_number[new].body),
         "title_diff": diff_html(by_number[old].title, by_number[new].title)},
    )  # fmt: skip


def amend(request, slug, pk):
    me, proposal = queries.access_proposal(request.user, slug, pk, Perm.PROPOSE)
    form = AmendmentForm(request.POST or None, initial={"body": proposal.body})
    if request.method == "POST" and form.is_valid():
        try:
            actions.propose_amendment(
                me,
                proposal=proposal,
                **form.cleaned_data,
                idempotency_key=request.POST.get("idempotency_key"),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your amendment was sent to the author."))
            return redirect("proposal", slug=slug, pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "decisions/amend.html",
        {"me": me, "assembly": me.assembly, "proposal": proposal, "form": form},
        status=status,
    )


@require_POST
def amendment_act(request, slug, pk, amendment_pk):
    me, proposal = queries.access_proposal(request.user, slug, pk)
    amendment = Amendment.objects.filter(proposal=proposal, pk=amendment_pk).first()
    if amendment is None:
        raise Http404
    operation = request.POST.get("operation")
    try:
        if operation in ("accept", "decline"):
            actions.decide_amendment(me, amendment=amendment, accept=operation == "accept")
        elif operation == "withdraw":
            actions.withdraw_amendment(me, amendment=amendment)
        else:
            raise ActionError(_("Unknown operation."))
    except NotAllowed:
        raise PermissionDenied from None
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("proposal", slug=slug, pk=pk)


@require_POST
def comment_post(request, slug, pk):
    me, proposal = queries.access_proposal(request.user, slug, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment of at most 10000 characters."))
        return redirect("proposal", slug=slug, pk=pk)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(proposal=proposal, pk=form.cleaned_data["parent"]).first()
        if parent is None:
            raise Http404
    try:
        comment = actions.post_comment(
            me, proposal=proposal, body=form.cleaned_data["body"], parent=parent,
            idempotency_key=request.POST.get("idempotency_key"),
        )  # fmt: skip
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("proposal", slug=slug, pk=pk)
    return redirect(f"{request.path.rsplit('/comments/', 1)[0]}/#comment-{comment.pk}")


@require_POST
def comment_hide(request, slug, pk, comment_pk):
    me, proposal = queries.access_proposal(request.user, slug, pk, Perm.MODERATE)
    comment = queries.access_comment(proposal, comment_pk)
    form = HideForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionError(_("Give a reason for hiding the comment."))
        actions.hide_comment(me, comment=comment, reason=form.cleaned_data["reason"])
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("proposal", slug=slug, pk=pk)


# -- polls ------------------------------------------------------------------------------


@require_GET
def poll_list(request, slug):
    me = access_assembly(request.user, slug)
    return render(
        request,
        "decisions/poll_list.html",
        {"me": me, "assembly": me.assembly, "polls": queries.polls(me.assembly, me=me)},
    )


def poll_new(request, slug):
    me = access_assembly(request.user, slug, Perm.FACILITATE)
    proposal = amendment = None
    source = request.POST if request.method == "POST" else request.GET
    if _int(source.get("amendment")):
        amendment = Amendment.objects.filter(
            pk=_int(source.get("amendment")), proposal__assembly=me.assembly
        ).select_related("proposal").first()  # fmt: skip
        if amendment is None:
            raise Http404
        proposal = amendment.proposal
    elif _int(source.get("proposal")):
        proposal = Proposal.objects.filter(
            pk=_int(source.get("proposal")), assembly=me.assembly
        ).first()
        if proposal is None:
            raise Http404
    if amendment is not None:
        question = _("Adopt amendment #%(n)d to “%(title)s”?") % {
            "n": amendment.pk, "title": proposal.title}  # fmt: skip
    elif proposal is not None:
        question = _("Adopt “%(title)s”?") % {"title": proposal.title}
    else:
        question = ""
    method = chosen_method(source.get("method"))
    initial = {"question": question, "method": method, "results_visibility": "live"}
    if request.method == "GET" and source.get("question"):
        initial["question"] = source["question"][:300]  # kept across the choice of method
    choosing = request.method == "POST" and request.POST.get("step") == "method"
    if choosing:
        # "Choose" without JavaScript: the form again with the new method's fields and
        # everything already typed in it; nothing is opened.
        method = chosen_method(request.POST.get("choose_method"), method)
        for name, field in PollForm.base_fields.items():
            if isinstance(field, forms.BooleanField):  # an unticked box is not sent
                initial[name] = name in request.POST
            elif name in request.POST:
                initial[name] = request.POST[name]
        initial["method"] = method
    form = PollForm(None if choosing else request.POST or None, initial=initial)
    if request.method == "POST" and not choosing and form.is_valid():
        try:
            poll = actions.open_poll(
                me, proposal=proposal, amendment=amendment, **form.as_action_kwargs(),
                idempotency_key=request.POST.get("idempotency_key"),
            )  # fmt: skip
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The vote is open."))
            return redirect("poll", slug=slug, pk=poll.pk)
    status = 400 if request.method == "POST" and not choosing else 200
    return render(
        request,
        "decisions/poll_form.html",
        {"me": me, "assembly": me.assembly, "form": form, "proposal": proposal,
         "amendment": amendment, "method": method, "methods": Poll.Method.choices,
         "keep": [("amendment", amendment.pk)] if amendment else
                 [("proposal", proposal.pk)] if proposal else [],
         "rows": form.method_rows(method)},
        status=status,
    )  # fmt: skip


def _poll_context(me, poll, **extra):
    if poll.state == Poll.State.OPEN and not poll.is_open:
        poll = actions.close_poll(None, poll=poll)  # its closing time passed
    options = list(poll.options.all())
    voted = has_voted(poll, me)
    elector = Elector.objects.filter(poll=poll, member=me).exists()
    visible = results_visible(poll, me, voted)
    counts = None
    if visible and poll.state == Poll.State.OPEN and not poll.is_ranked:
        result, _turnout = actions.count_poll(poll)
        counts = result.counts
    labels = dict(actions.answers(poll))
    latest = poll.entered_counts.select_related("entered_by").first()
    streams = [poll.stream]
    if visible and poll.state == Poll.State.OPEN:
        streams.append(f"{poll.stream}:results")
    my_choice = None
    if voted and not poll.secret:
        ballot = Ballot.objects.filter(participation__poll=poll, participation__member=me).first()
        my_choice = ballot.choice if ballot else None
    context = {
        "me": me,
        "assembly": me.assembly,
        "poll": poll,
        "options": options,
        "answers": actions.answers(poll),
        "labels": labels,
        "voted": voted,
        "elector": elector,
        "can_vote": poll.is_open and elector and (not voted or poll.allow_change),
        "results_visible": visible,
        "counts": counts,
        "result": poll.result,
        "reasons": queries.ballot_reasons(poll),
        "latest_entered": latest,
        "turnout": poll.participations.count(),
        "entitled": poll.entitled
        if poll.state == Poll.State.CLOSED
        else poll.electorate_size + actions.room_entitled(poll),
        "live_streams": " ".join(streams),
        "idempotency_key": secrets.token_urlsafe(16),
        "values": ballot_values(poll, my_choice),
        "meanings": TEMPERATURE_MEANINGS if poll.method == "temperature" else {},
        "ranks": range(1, len(options) + 1),
        "scores": range(0, poll.score_max + 1),
    }
    context.update(extra)
    return context


def _ballot_again(post, poll, options, **extra):
    """The context that shows a ballot form again with what was sent in it."""
    key = str(post.get("idempotency_key") or "")
    return {
        "values": posted_values(poll, post, options),
        "reason": post.get("reason", "")[:2000],
        # The same key: a ballot that was refused left none behind, and one that did count
        # (a second tab, a retry) is recognised, not counted again.
        "idempotency_key": key if idempotency.KEY_RE.fullmatch(key) else secrets.token_urlsafe(16),
        **extra,
    }


def poll_detail(request, slug, pk):
    me, poll = queries.access_poll(request.user, slug, pk)
    if request.method == "POST":
        options = list(poll.options.all()) if poll.takes_options else []
        try:
            choice = parse_ballot(poll, request.POST, options)
            cast = actions.cast_ballot(
                me,
                poll=poll,
                choice=choice,
                reason=request.POST.get("reason", ""),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ConfirmEmpty:
            # Nothing chosen in an approval vote: ask before casting a ballot for none.
            again = _ballot_again(request.POST, poll, options, confirm_empty=True)
            return render(request, "decisions/poll_detail.html", _poll_context(me, poll, **again))
        except ActionError as exc:
            # The form again, as the person filled it in, with what to change.
            again = _ballot_again(request.POST, poll, options, ballot_error=exc.message,
                                  clashing=getattr(exc, "keys", frozenset()))  # fmt: skip
            context = _poll_context(me, poll, **again)
            if not context["can_vote"]:
                messages.error(request, exc.message)
            return render(request, "decisions/poll_detail.html", context, status=400)
        else:
            if cast.repeated:
                messages.success(request, _("Your vote was already recorded; it counts once."))
            elif cast.changed:
                messages.success(request, _("Your vote was changed."))
            else:
                messages.success(request, _("Your vote was recorded."))
            if cast.receipt:
                return render(
                    request, "decisions/poll_detail.html",
                    _poll_context(me, cast.poll, receipt=cast.receipt),
                )  # fmt: skip
            return redirect("poll", slug=slug, pk=pk)
    return render(request, "decisions/poll_detail.html", _poll_context(me, poll))


@require_POST
def poll_counts(request, slug, pk):
    me, poll = queries.access_poll(request.user, slug, pk, Perm.FACILITATE)
    try:
        counts = parse_counts(request.POST, [key for key, _label in actions.answers(poll)])
        actions.enter_counts(
            me, poll=poll, counts=counts, note=request.POST.get("note", ""),
            idempotency_key=request.POST.get("idempotency_key"),
        )  # fmt: skip
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The counts from the room were recorded."))
    return redirect("poll", slug=slug, pk=pk)


@require_POST
def poll_close(request, slug, pk):
    me, poll = queries.access_poll(request.user, slug, pk, Perm.FACILITATE)
    if not confirmed(request) and poll.state == Poll.State.OPEN:
        entitled = poll.electorate_size + poll.room_entitled
        return confirm_page(
            request,
            title=_("Close the vote and count?"),
            what=[
                f"“{poll.question}”",
                _("%(v)d voted of %(n)d entitled.")
                % {"v": poll.participations.count(), "n": entitled},
                _(
                    "Nobody can vote in it after this; the result is counted and cannot be "
                    "reopened."
                ),
            ],
            yes=_("Close the vote and count"),
            back=reverse("poll", args=[slug, pk]),
            context={"me": me, "assembly": me.assembly},
        )
    try:
        actions.close_poll(me, poll=poll)
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("poll", slug=slug, pk=pk)


@require_GET
def poll_ballots(request, slug, pk):
    me, poll = queries.access_poll(request.user, slug, pk)
    if poll.state != Poll.State.CLOSED:
        return render(
            request,
            "errors/403.html",
            {"message": _("Ballots are published when the vote closes.")},
            status=403,
        )
    if (poll.result or {}).get("withheld"):
        return render(
            request,
            "errors/403.html",
            {"message": _("Fewer than five ballots were cast in this secret vote, so they "
                          "are not published: only the outcome is.")},
            status=403,
        )  # fmt: skip
    if poll.secret:
        rows = ((b.pk, b.choice, None) for b in poll.ballots.order_by("pk"))
    else:
        rows = (
            (b.pk, b.choice, getattr(getattr(b, "participation", None), "member", None)
             and b.participation.member.display_name)
            for b in poll.ballots.select_related("participation__member").order_by("pk")
        )  # fmt: skip
    text = ballots_csv.write(poll.method, rows, named=not poll.secret)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}-ballots.csv"'
    return response


@require_GET
def poll_receipt(request, slug, pk):
    me, poll = queries.access_poll(request.user, slug, pk)
    code = request.GET.get("code", "").strip().lower()[:64]
    ballot = None
    if poll.state == Poll.State.CLOSED and poll.receipts and code:
        ballot = poll.ballots.filter(receipt_digest=actions._receipt_digest(code)).first()
    return render(
        request,
        "decisions/receipt.html",
        {"me": me, "assembly": me.assembly, "poll": poll, "code": code, "ballot": ballot,
         "labels": dict(actions.answers(poll))},
    )  # fmt: skip
