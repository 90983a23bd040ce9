"""Thin views: parse input, call one action or query, render.

Every page works as plain HTML forms; static/js/groups.js only re-fetches the live
fragments (`*_fragment` views) when the live backbone says something changed.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assembly import parsing
from assembly.errors import ActionError, NotAllowed
from assembly.queries import access_assembly
from assembly.roles import Perm

from . import actions, queries, streams
from .forms import EditPostForm, GroupForm, NewGroupForm, PostForm, ReasonForm
from .models import Group, Post
from .permissions import GroupPerm, allows


def _group_url(standing):
    return reverse("group", args=[standing.me.assembly.slug, standing.group.slug])


def _back(request, default):
    """Where to go after a button: the page it was pressed on, if it is one of ours."""
    target = request.POST.get("next") or ""
    ours = url_has_allowed_host_and_scheme(target, {request.get_host()}, False)
    if target.startswith("/a/") and ours:
        return target
    return default


def _decorate(posts, standing):
    for post in posts:
        post.editable = standing.may_edit_post(post)
    return posts


def _int(value):
    return parsing.id_or_none(value)


# -- groups -----------------------------------------------------------------------------


@require_GET
def group_list(request, slug):
    me = access_assembly(request.user, slug)
    context = {
        "me": me,
        "assembly": me.assembly,
        "groups": queries.groups_of(me),
        "can_create": allows(me, GroupPerm.CREATE_GROUP),
    }
    return render(request, "groups/group_list.html", context)


def group_create(request, slug):
    me = access_assembly(request.user, slug)
    if not allows(me, GroupPerm.CREATE_GROUP):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = NewGroupForm(request.POST, assembly=me.assembly)
        if form.is_valid():
            try:
                group = actions.create_group(
                    me, **form.cleaned_data, idempotency_key=request.POST.get("idempotency_key")
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The group was created."))
                return redirect("group", slug=slug, group=group.slug)
        status = 400
    else:
        form = NewGroupForm(assembly=me.assembly, initial={"leads": [me.pk]})
    return render(
        request, "groups/group_form.html", {"me": me, "assembly": me.assembly, "form": form},
        status=status,
    )  # fmt: skip


def _group_context(request, standing, post_form=None):
    posts, more = queries.group_posts(standing, before=_int(request.GET.get("before")))
    members = queries.people(standing.group)
    return {
        "me": standing.me,
        "assembly": standing.me.assembly,
        "group": standing.group,
        "standing": standing,
        "leads": [row for row in members if row.is_lead],
        "member_count": len(members),
        # Names of everyone in the group: for its leads (who manage it) and for those who
        # may see the assembly's member list; everyone else sees the leads and a count.
        "members": members if standing.can_manage or standing.me.can(Perm.VIEW_MEMBERS) else None,
        "posts": _decorate(posts, standing),
        "more": more,
        "older": posts[-1].pk if more and posts else None,
        "post_form": post_form or (PostForm() if standing.can_post else None),
        "return_to": _group_url(standing),
        "live_streams": standing.group.stream,
        "action_items": _action_items(standing.group),
    }


def _action_items(group):
    """The decisions log's follow-up actions given to this group, open ones first."""
    from decisions.models import ActionItem

    items = ActionItem.objects.filter(group=group).select_related("decision", "assignee")
    return sorted(
        items,
        key=lambda item: (item.status in ActionItem.CLOSED, item.due is None, item.due or date.min),
    )


@require_GET
def group_page(request, slug, group):
    standing = queries.access_group(request.user, slug, group)
    return render(request, "groups/group.html", _group_context(request, standing))


@require_GET
def group_fragment(request, slug, group):
    """The group's stream of posts alone, re-fetched when the live backbone says so."""
    standing = queries.access_group(request.user, slug, group)
    version = standing.group.revision  # read before the posts: never newer than they are
    posts, more = queries.group_posts(standing)
    context = {
        "me": standing.me,
        "assembly": standing.me.assembly,
        "group": standing.group,
        "standing": standing,
        "posts": _decorate(posts, standing),
        "more": more,
        "older": posts[-1].pk if more and posts else None,
        "return_to": _group_url(standing),
    }
    response = render(request, "groups/_stream.html", context)
    response["X-Live-Version"] = str(version)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def group_post(request, slug, group):
    standing = queries.access_group(request.user, slug, group, GroupPerm.POST)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = actions.create_post(
                standing.me,
                standing.group,
                **form.cleaned_data,
                idempotency_key=request.POST.get("idempotency_key"),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Posted."))
            return redirect(f"{_group_url(standing)}#post-{post.pk}")
    context = _group_context(request, standing, post_form=form)
    return render(request, "groups/group.html", context, status=400)


def group_edit(request, slug, group):
    standing = queries.access_group(request.user, slug, group, GroupPerm.EDIT_GROUP)
    group = standing.group
    status = 200
    if request.method == "POST":
        form = GroupForm(request.POST)
        if form.is_valid():
            try:
                actions.update_group(standing.me, group, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("group", slug=slug, group=group.slug)
        status = 400
    else:
        form = GroupForm(initial={field: getattr(group, field) for field in GroupForm.base_fields})
    context = {"me": standing.me, "assembly": standing.me.assembly, "group": group, "form": form}
    return render(request, "groups/group_form.html", context, status=status)


def group_members(request, slug, group):
    """Leads and stewards: requests to join, removals, and who leads."""
    standing = queries.access_group(request.user, slug, group, GroupPerm.MANAGE_MEMBERS)
    group = standing.group
    status = 200
    if request.method == "POST":
        target_id = _int(request.POST.get("target"))
        operation = request.POST.get("operation")
        reason = ReasonForm(request.POST)
        reason_text = reason.cleaned_data["reason"] if reason.is_valid() else ""
        try:
            if target_id is None:
                raise ActionError(_("That person is not in this group."))
            if operation == "approve":
                actions.decide_request(standing.me, group, target=target_id, approve=True)
            elif operation == "decline":
                actions.decide_request(standing.me, group, target=target_id, approve=False)
            elif operation == "remove":
                actions.remove_from_group(standing.me, group, target=target_id, reason=reason_text)
            elif operation in ("make_lead", "unmake_lead"):
                actions.set_lead(
                    standing.me, group, target=target_id, lead=operation == "make_lead"
                )
            else:
                raise ActionError(_("Unknown operation."))
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except ActionError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect("group_members", slug=slug, group=group.slug)
    context = {
        "me": standing.me,
        "assembly": standing.me.assembly,
        "group": group,
        "standing": standing,
        "members": queries.people(group),
        "others": queries.waiting_and_removed(group),
        "reason_form": ReasonForm(),
    }
    return render(request, "groups/group_members.html", context, status=status)


def _simple(request, slug, group, do, success):
    standing = queries.access_group(request.user, slug, group)
    try:
        result = do(standing)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        text = success(result) if callable(success) else success
        if text:
            messages.success(request, text)
    return redirect(_back(request, _group_url(standing)))


@require_POST
def group_join(request, slug, group):
    return _simple(
        request, slug, group,
        lambda s: actions.join_group(s.me, s.group),
        lambda row: _("You joined the group.") if row.is_active
        else _("Your request was sent to the group's leads."),
    )  # fmt: skip


@require_POST
def group_leave(request, slug, group):
    return _simple(
        request, slug, group,
        lambda s: actions.leave_group(s.me, s.group),
        _("You are no longer in the group."),
    )  # fmt: skip


@require_POST
def group_mute(request, slug, group):
    muted = request.POST.get("muted") == "1"
    return _simple(
        request, slug, group,
        lambda s: actions.set_muted(s.me, s.group, muted=muted),
        _("Notifications from this group are muted.") if muted
        else _("Notifications from this group are on."),
    )  # fmt: skip


# -- posts ------------------------------------------------------------------------------


@require_GET
def post_detail(request, slug, group, pk):
    standing = queries.access_group(request.user, slug, group)
    post = queries.access_post(standing, pk)
    if post.group_id != standing.group.pk:
        return redirect("post", slug=slug, group=post.group.slug, pk=post.pk)
    _decorate([post], standing)
    url = reverse("post", args=[slug, standing.group.slug, post.pk])
    fragment = request.GET.get("fragment") == "1"
    context = {
        "me": standing.me,
        "assembly": standing.me.assembly,
        "group": standing.group,
        "standing": standing,
        "post": post,
        "return_to": url,
        "show_signups": standing.can_view_signups,
        "live_streams": standing.group.stream,
    }
    if fragment:
        response = render(request, "groups/_post.html", context)
        response["X-Live-Version"] = str(standing.group.revision)
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "groups/post.html", context)


def _post_of_group(standing, pk):
    post = queries.access_post(standing, pk)
    if post.group_id != standing.group.pk:
        raise Http404
    return post


def post_edit(request, slug, group, pk):
    standing = queries.access_group(request.user, slug, group)
    post = _post_of_group(standing, pk)
    if not standing.may_edit_post(post):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = EditPostForm(request.POST, kind=post.kind)
        if form.is_valid():
            try:
                actions.edit_post(standing.me, post, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{_group_url(standing)}#post-{post.pk}")
        status = 400
    else:
        form = EditPostForm(
            kind=post.kind,
            initial={
                "title": post.title,
                "body": post.body,
                "asks": post.asks,
                "starts_at": post.starts_at,
                "place": post.place,
                "wanted": post.wanted,
            },
        )
    context = {
        "me": standing.me,
        "assembly": standing.me.assembly,
        "group": standing.group,
        "post": post,
        "form": form,
    }
    return render(request, "groups/post_edit.html", context, status=status)


@require_POST
def post_delete(request, slug, group, pk):
    standing = queries.access_group(request.user, slug, group)
    post = _post_of_group(standing, pk)
    if not standing.may_edit_post(post):
        raise PermissionDenied
    reason = ReasonForm(request.POST)
    try:
        actions.delete_post(
            standing.me, post, reason=reason.cleaned_data["reason"] if reason.is_valid() else ""
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The post was deleted."))
    return redirect(_group_url(standing))


@require_GET
def post_history(request, slug, group, pk):
    standing = queries.access_group(request.user, slug, group, GroupPerm.VIEW_HISTORY)
    post = _post_of_group(standing, pk)
    context = {
        "me": standing.me,
        "assembly": standing.me.assembly,
        "group": standing.group,
        "post": post,
        "revisions": queries.revisions(post),
    }
    return render(request, "groups/post_history.html", context)


@require_POST
def need_signup(request, slug, group, pk):
    """Sign up for a need (operation=sign_up) or withdraw (operation=withdraw)."""
    standing = queries.access_group(request.user, slug, group, GroupPerm.SIGN_UP)
    post = _post_of_group(standing, pk)
    back = _back(request, _group_url(standing)) + f"#post-{post.pk}"
    operation = request.POST.get("operation", "sign_up")
    try:
        if operation == "withdraw":
            actions.withdraw(standing.me, post)
            messages.success(request, _("You withdrew. Your place is free for someone else."))
        elif operation == "sign_up":
            actions.sign_up(standing.me, post)
            messages.success(request, _("You signed up. Thank you!"))
        else:
            raise ActionError(_("Unknown operation."))
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect(back)


# -- the coordination board -------------------------------------------------------------


def _board_filters(request, groups):
    group_slug = request.GET.get("group", "")
    group_kind = request.GET.get("kind", "")
    show = request.GET.get("show", "")
    return {
        "group_slug": group_slug if group_slug in {g.slug for g in groups} else "",
        "group_kind": group_kind if group_kind in Group.Kind.values else "",
        "show": show if show in (Post.Kind.REPORT, Post.Kind.NEED) else "",
    }


def _query_string(filters):
    pairs = {
        "group": filters["group_slug"],
        "kind": filters["group_kind"],
        "show": filters["show"],
    }
    return urlencode({k: v for k, v in pairs.items() if v})


@require_GET
def board_page(request, slug):
    me = access_assembly(request.user, slug)
    groups = queries.board_groups(me)
    filters = _board_filters(request, groups)
    query = _query_string(filters)
    version = streams.board_version(me.assembly_id)  # read before the items
    context = {
        "me": me,
        "assembly": me.assembly,
        "groups": groups,
        "filters": filters,
        "kinds": Group.Kind.choices,
        "items": queries.board(me, **filters),
        "version": version,
        "fragment_url": reverse("board_fragment", args=[slug]) + (f"?{query}" if query else ""),
        "return_to": reverse("board", args=[slug]) + (f"?{query}" if query else ""),
        "live_streams": streams.board_stream(me.assembly_id),
    }
    return render(request, "groups/board.html", context)


@require_GET
def board_fragment(request, slug):
    me = access_assembly(request.user, slug)
    version = streams.board_version(me.assembly_id)  # read before the items
    compact = request.GET.get("compact") == "1"
    if compact:
        filters = {"group_slug": "", "group_kind": "", "show": ""}
        items = queries.board(me, limit=queries.HOME_SIZE)
        return_to = reverse("assembly_home", args=[slug])
    else:
        filters = _board_filters(request, queries.board_groups(me))
        items = queries.board(me, **filters)
        query = _query_string(filters)
        return_to = reverse("board", args=[slug]) + (f"?{query}" if query else "")
    context = {
        "me": me,
        "assembly": me.assembly,
        "items": items,
        "compact": compact,
        "return_to": return_to,
    }
    response = render(request, "groups/_board_items.html", context)
    response["X-Live-Version"] = str(version)
    response["Cache-Control"] = "no-store"
    return response
