"""Every write to working groups: one function per thing a person does.

Each takes the acting assembly Membership first, checks permission through
groups/permissions.py, validates, writes in one transaction, records an audit entry
where it is a lead's or steward's decision about someone else, and publishes live
events on commit. Events carry no HTML and nothing personal: they say what changed,
and each browser re-fetches what it shows through a permission-checked view.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assembly import idempotency, live, names
from assembly.actions import audit, clean_name
from assembly.errors import ActionError, NotAllowed
from assembly.models import Membership
from assembly.text import render_markdown

from .models import Group, GroupMembership, Post, PostRevision, Signup
from .permissions import GroupPerm, allows, can_edit_post
from .streams import board_stream

NAME_MAX = 120
TITLE_MAX = 140
PLACE_MAX = 200
TEXT_MAX = 20000
ASKS_MAX = 5000
WANTED_MAX = 1000
LEADS_MAX = 20
RESERVED_SLUGS = {"new"}  # /groups/new/ is the page to start a group


def _not_allowed():
    return NotAllowed(_("You are not allowed to do that in this working group."))


def _require(me, permission, *, group=None, mine=None):
    if not allows(me, permission, group=group, mine=mine):
        raise _not_allowed()


def _mine(me, group, *, lock=False):
    qs = GroupMembership.objects.filter(group=group, member=me)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def _bump(group_id):
    Group.objects.filter(pk=group_id).update(revision=F("revision") + 1)


def _publish(group, event_type, data, *, board=False):
    live.publish(f"group:{group.pk}", event_type, data)
    if board:
        live.publish(board_stream(group.assembly_id), event_type, data)


# -- validation --------------------------------------------------------------------------


# Direction overrides and other invisible controls let a name or title pose as another.
_INVISIBLE = dict.fromkeys(
    [*range(0x00, 0x20), 0x7F, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def _line(value, *, required_message, too_long_message, limit):
    raw = str(value or "")
    if "\x00" in raw:
        raise ActionError(_("The text contains characters that cannot be stored."))
    text = " ".join(raw.replace("\t", " ").translate(_INVISIBLE).split())
    if not text:
        raise ActionError(required_message)
    if len(text) > limit:
        raise ActionError(too_long_message)
    return text


def _text(value, *, limit, too_long_message):
    text = str(value or "").strip()
    if "\x00" in text:
        raise ActionError(_("The text contains characters that cannot be stored."))
    if len(text) > limit:
        raise ActionError(too_long_message)
    return text


def _clean_group(name, kind, mandate, join_policy):
    name = clean_name(
        name,
        limit=NAME_MAX,
        empty_message=_("A working group needs a name."),
        too_long_message=_("A group's name can be at most 120 characters."),
    )
    if kind not in Group.Kind.values:
        raise ActionError(_("Choose what kind of group this is."))
    if join_policy not in Group.JoinPolicy.values:
        raise ActionError(_("Choose how people join the group."))
    mandate = _text(
        mandate, limit=TEXT_MAX, too_long_message=_("Keep the mandate under 20,000 characters.")
    )
    return name, mandate


def _refuse_look_alike(assembly_id, name, exclude_pk=None):
    same = Group.objects.filter(assembly_id=assembly_id, name_skeleton=names.skeleton(name))
    if same.exclude(pk=exclude_pk).exists():
        raise ActionError(_("This assembly already has a working group with that name."))


def _unique_slug(assembly_id, name):
    base = slugify(name)[:50] or "group"
    if base in RESERVED_SLUGS:
        base = f"{base}-group"
    slug, n = base, 1
    while Group.objects.filter(assembly_id=assembly_id, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_post(kind, title, body, asks, starts_at, place, wanted, *, was=None):
    """The post's fields, cleaned; `was` is the post being edited, if any."""
    if kind not in Post.Kind.values:
        raise ActionError(_("Choose an update, a report-back or a need."))
    title = _line(
        title,
        required_message=_("Give the post a short title."),
        too_long_message=_("A title can be at most 140 characters."),
        limit=TITLE_MAX,
    )
    body = _text(body, limit=TEXT_MAX, too_long_message=_("Keep the text under 20,000 characters."))
    if kind in (Post.Kind.UPDATE, Post.Kind.REPORT) and not body:
        raise ActionError(_("Write what you want to tell the assembly."))
    if kind == Post.Kind.REPORT:
        asks = _text(
            asks,
            limit=ASKS_MAX,
            too_long_message=_("Keep “what needs deciding” under 5,000 characters."),
        )
    else:
        asks = ""
    if kind != Post.Kind.NEED:
        return {"title": title, "body": body, "asks": asks, "starts_at": None, "place": "",
                "wanted": None}  # fmt: skip
    if not isinstance(starts_at, datetime):
        raise ActionError(_("Say when people are needed."))
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    now = timezone.now()
    moved = was is None or abs(was.starts_at - starts_at) >= timedelta(minutes=1)
    if moved and starts_at < now - timedelta(hours=1):
        raise ActionError(_("That time has already passed."))
    if starts_at > now + timedelta(days=731):
        raise ActionError(_("Choose a time within the next two years."))
    place = _line(
        place,
        required_message=_("Say where people are needed."),
        too_long_message=_("A place can be at most 200 characters."),
        limit=PLACE_MAX,
    )
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 1 <= wanted <= WANTED_MAX:
        raise ActionError(_("Ask for between 1 and 1000 people."))
    return {"title": title, "body": body, "asks": "", "starts_at": starts_at, "place": place,
            "wanted": wanted}  # fmt: skip


# -- groups ----------------------------------------------------------------------------


def create_group(
    me, *, name, kind, mandate="", join_policy=Group.JoinPolicy.OPEN, members_may_post=False,
    leads=(), idempotency_key=None,
):  # fmt: skip
    """A steward starts a working group with one or more leads."""
    _require(me, GroupPerm.CREATE_GROUP)
    name, mandate = _clean_group(name, kind, mandate, join_policy)
    lead_ids = sorted({getattr(lead, "pk", lead) for lead in leads})
    if not lead_ids:
        raise ActionError(_("Choose at least one lead."))
    if len(lead_ids) > LEADS_MAX:
        raise ActionError(_("A group can start with at most 20 leads."))

    def create():
        found = list(
            Membership.objects.filter(
                pk__in=lead_ids, assembly_id=me.assembly_id, status=Membership.Status.ACTIVE
            )
        )
        if len(found) != len(lead_ids):
            raise ActionError(_("Every lead must be an active member of this assembly."))
        _refuse_look_alike(me.assembly_id, name)
        try:
            with transaction.atomic():
                group = Group.objects.create(
                    assembly_id=me.assembly_id,
                    name=name,
                    slug=_unique_slug(me.assembly_id, name),
                    kind=kind,
                    mandate=mandate,
                    mandate_html=render_markdown(mandate),
                    join_policy=join_policy,
                    members_may_post=bool(members_may_post),
                    created_by=me,
                )
        except IntegrityError as exc:  # someone started a group of that name a moment ago
            raise ActionError(_("A group with that name was just started. Try again.")) from exc
        GroupMembership.objects.bulk_create(
            [GroupMembership(group=group, member=lead, is_lead=True) for lead in found]
        )
        audit(me, "group.created", group=group.pk, name=group.name)
        _publish(group, "group.created", {"group": group.pk}, board=True)
        return group

    with transaction.atomic():
        return idempotency.once(me, idempotency_key, "create_group", Group, create)


def update_group(me, group, *, name, kind, mandate, join_policy, members_may_post):
    _require(me, GroupPerm.EDIT_GROUP, group=group, mine=_mine(me, group))
    name, mandate = _clean_group(name, kind, mandate, join_policy)
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        new = {
            "name": name,
            "kind": kind,
            "mandate": mandate,
            "join_policy": join_policy,
            "members_may_post": bool(members_may_post),
        }
        changed = [field for field, value in new.items() if getattr(group, field) != value]
        if not changed:
            return group
        if "name" in changed:
            _refuse_look_alike(group.assembly_id, name, exclude_pk=group.pk)
        for field in changed:
            setattr(group, field, new[field])
        group.mandate_html = render_markdown(group.mandate)
        group.revision += 1
        try:
            with transaction.atomic():
                group.save()
        except IntegrityError as exc:  # a look-alike was started a moment ago
            raise ActionError(
                _("This assembly already has a working group with that name.")
            ) from exc
        audit(me, "group.updated", group=group.pk, name=group.name, fields=changed)
        _publish(group, "group.updated", {"group": group.pk}, board=True)
    return group


# -- joining and leaving ------------------------------------------------------------------


def join_group(me, group):
    """Join an open group at once, or ask to join one whose leads approve members.

    Returns the GroupMembership (active or pending)."""
    _require(me, GroupPerm.VIEW, group=group)
    with transaction.atomic():
        mine = _mine(me, group, lock=True)
        if mine is not None:
            if mine.status == GroupMembership.Status.ACTIVE:
                raise ActionError(_("You are already in this group."))
            if mine.status == GroupMembership.Status.PENDING:
                raise ActionError(_("Your request is already waiting for a lead."))
            raise ActionError(
                _("A lead removed you from this group. Ask one of its leads to let you back in.")
            )
        status = (
            GroupMembership.Status.ACTIVE
            if group.join_policy == Group.JoinPolicy.OPEN
            else GroupMembership.Status.PENDING
        )
        try:
            with transaction.atomic():
                mine = GroupMembership.objects.create(group=group, member=me, status=status)
        except IntegrityError as exc:
            raise ActionError(_("You are already in this group.")) from exc
        _bump(group.pk)
        event = "member.joined" if mine.is_active else "member.requested"
        _publish(group, event, {"group": group.pk})
    return mine


def leave_group(me, group):
    """Leave a group, or withdraw a request to join it."""
    with transaction.atomic():
        mine = _mine(me, group, lock=True)
        _require(me, GroupPerm.LEAVE, group=group, mine=mine)
        if mine.is_lead and not _other_leads(group, mine).exists():
            raise ActionError(
                _("You are the last lead of this group. Make someone else a lead first.")
            )
        mine.delete()
        _bump(group.pk)
        _publish(group, "member.left", {"group": group.pk})


def set_muted(me, group, *, muted):
    """Mute or unmute this group's notifications, for oneself."""
    with transaction.atomic():
        mine = _mine(me, group, lock=True)
        _require(me, GroupPerm.MUTE, group=group, mine=mine)
        mine.muted = bool(muted)
        mine.save(update_fields=["muted"])
    return mine


def _other_leads(group, mine):
    return GroupMembership.objects.filter(
        group=group,
        is_lead=True,
        status=GroupMembership.Status.ACTIVE,
        member__status=Membership.Status.ACTIVE,
    ).exclude(pk=mine.pk)


def _target(me, group, target):
    """Lock and return `target` (a GroupMembership of `group`), after checking that `me`
    may manage the group's members."""
    _require(me, GroupPerm.MANAGE_MEMBERS, group=group, mine=_mine(me, group))
    row = (
        GroupMembership.objects.select_for_update()
        .select_related("member")
        .filter(pk=getattr(target, "pk", target), group=group)
        .first()
    )
    if row is None:
        raise ActionError(_("That person is not in this group."))
    return row


def decide_request(me, group, *, target, approve):
    """A lead approves or declines a request to join; approving a removed person lets
    them back in."""
    with transaction.atomic():
        row = _target(me, group, target)
        if row.status == GroupMembership.Status.ACTIVE:
            raise ActionError(_("That person is already in this group."))
        if approve:
            if row.member.status != Membership.Status.ACTIVE:
                raise ActionError(_("That person is no longer an active member of the assembly."))
            row.status = GroupMembership.Status.ACTIVE
            row.joined_at = timezone.now()
            row.save(update_fields=["status", "joined_at"])
        elif row.status == GroupMembership.Status.PENDING:
            row.delete()
        else:
            raise ActionError(_("That person was already removed."))
        verb = "group.request_approved" if approve else "group.request_declined"
        audit(me, verb, target=row.member, group=group.pk, name=group.name)
        _bump(group.pk)
        _publish(group, "member.decided", {"group": group.pk})
    return row


def remove_from_group(me, group, *, target, reason=""):
    with transaction.atomic():
        row = _target(me, group, target)
        if row.status != GroupMembership.Status.ACTIVE:
            raise ActionError(_("That person is not in this group."))
        if row.is_lead and not _other_leads(group, row).exists():
            raise ActionError(_("A group needs at least one lead. Make someone else a lead first."))
        row.status = GroupMembership.Status.REMOVED
        row.is_lead = False
        row.save(update_fields=["status", "is_lead"])
        freed = _free_places(group, row.member)
        audit(me, "group.member_removed", target=row.member, reason=reason,
               group=group.pk, name=group.name, signups_withdrawn=len(freed))  # fmt: skip
        _bump(group.pk)
        _publish(group, "member.removed", {"group": group.pk})
        for need in freed:
            _need_changed(group, need)
    return row


def _free_places(group, member):
    """Withdraw a removed person's sign-ups for the group's needs still to come."""
    needs = list(
        Post.objects.select_for_update()
        .filter(group=group, kind=Post.Kind.NEED, starts_at__gte=timezone.now(),
                signups__member=member)
        .order_by("pk")
    )  # fmt: skip
    for need in needs:
        Signup.objects.filter(post=need, member=member).delete()
        Post.objects.filter(pk=need.pk).update(signups_count=F("signups_count") - 1)
        need.signups_count -= 1
    return needs


def set_lead(me, group, *, target, lead):
    """Make a group member a lead, or step a lead back to member."""
    with transaction.atomic():
        row = _target(me, group, target)
        if row.status != GroupMembership.Status.ACTIVE:
            raise ActionError(_("Only members of the group can be its leads."))
        if row.is_lead == bool(lead):
            return row
        if not lead and not _other_leads(group, row).exists():
            raise ActionError(_("A group needs at least one lead. Make someone else a lead first."))
        row.is_lead = bool(lead)
        row.save(update_fields=["is_lead"])
        audit(me, "group.lead_changed", target=row.member, group=group.pk, name=group.name,
               lead=row.is_lead)  # fmt: skip
        _bump(group.pk)
        _publish(group, "member.lead_changed", {"group": group.pk})
    return row


# -- posts --------------------------------------------------------------------------------


def _on_board(kind):
    return kind in (Post.Kind.REPORT, Post.Kind.NEED)


def create_post(
    me,
    group,
    *,
    kind,
    title,
    body="",
    asks="",
    starts_at=None,
    place="",
    wanted=None,
    idempotency_key=None,
):
    """Post an update, a report-back or a need to a group."""
    _require(me, GroupPerm.POST, group=group, mine=_mine(me, group))
    fields = _clean_post(kind, title, body, asks, starts_at, place, wanted)

    def create():
        post = Post.objects.create(
            assembly_id=group.assembly_id,
            group=group,
            author=me,
            kind=kind,
            body_html=render_markdown(fields["body"]),
            asks_html=render_markdown(fields["asks"]),
            **fields,
        )
        _bump(group.pk)
        _publish(group, "post.created", {"post": post.pk, "kind": kind}, board=_on_board(kind))
        return post

    with transaction.atomic():
        return idempotency.once(me, idempotency_key, "create_post", Post, create)


def edit_post(me, post, *, title, body="", asks="", starts_at=None, place="", wanted=None):
    """Edit a post. The previous version is kept, and the post shows it was edited."""
    group = post.group
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if not can_edit_post(me, post, group=group, mine=_mine(me, group)):
            raise _not_allowed()
        fields = _clean_post(post.kind, title, body, asks, starts_at, place, wanted, was=post)
        if post.is_need and fields["wanted"] < post.signups_count:
            raise ActionError(
                ngettext(
                    "%(n)d person has already signed up: ask for at least %(n)d.",
                    "%(n)d people have already signed up: ask for at least %(n)d.",
                    post.signups_count,
                )
                % {"n": post.signups_count}
            )
        if all(getattr(post, field) == value for field, value in fields.items()):
            return post
        PostRevision.objects.create(
            post=post,
            title=post.title,
            body=post.body,
            body_html=post.body_html,
            asks=post.asks,
            asks_html=post.asks_html,
            starts_at=post.starts_at,
            place=post.place,
            wanted=post.wanted,
            written_at=post.edited_at or post.created_at,
            replaced_by=me,
        )
        for field, value in fields.items():
            setattr(post, field, value)
        post.body_html = render_markdown(post.body)
        post.asks_html = render_markdown(post.asks)
        post.edited_at = timezone.now()
        post.save()
        if post.author_id != me.pk:
            audit(me, "post.edited", target=post.author, group=group.pk, post=post.pk)
        _bump(group.pk)
        _publish(group, "post.edited", {"post": post.pk}, board=_on_board(post.kind))
    return post


def delete_post(me, post, *, reason=""):
    group = post.group
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post.pk).first()
        if post is None:
            raise ActionError(_("That post was already deleted."))
        if not can_edit_post(me, post, group=group, mine=_mine(me, group)):
            raise _not_allowed()
        audit(me, "post.deleted", target=post.author, reason=reason, group=group.pk,
               post=post.pk, title=post.title)  # fmt: skip
        pk, kind = post.pk, post.kind
        post.delete()
        _bump(group.pk)
        _publish(group, "post.deleted", {"post": pk}, board=_on_board(kind))


# -- needs and sign-ups ---------------------------------------------------------------------


def _locked_need(me, post):
    """The need's row, locked: every sign-up and withdrawal for one need queues here."""
    _require(me, GroupPerm.SIGN_UP, group=post.group, mine=_mine(me, post.group))
    need = Post.objects.select_for_update().filter(pk=post.pk).first()
    if need is None or need.kind != Post.Kind.NEED:
        raise ActionError(_("That need no longer exists."))
    return need


def _need_changed(group, need):
    data = {"post": need.pk, "filled": need.signups_count, "wanted": need.wanted}
    _publish(group, "need.changed", data, board=True)


def sign_up(me, post):
    """Sign up for a need. Never more sign-ups than people wanted: the need's row is
    locked while its counter moves, and the database refuses a counter above `wanted`."""
    group = post.group
    with transaction.atomic():
        need = _locked_need(me, post)
        if need.is_past:
            raise ActionError(_("This need has already passed."))
        if Signup.objects.filter(post=need, member=me).exists():
            raise ActionError(_("You have already signed up for this."))
        if need.signups_count >= need.wanted:
            raise ActionError(_("This need is already filled. Thank you!"))
        try:
            with transaction.atomic():
                Signup.objects.create(post=need, member=me)
                Post.objects.filter(pk=need.pk).update(signups_count=F("signups_count") + 1)
        except IntegrityError as exc:
            raise ActionError(_("This need is already filled. Thank you!")) from exc
        need.signups_count += 1
        _bump(group.pk)
        _need_changed(group, need)
    return need


def withdraw(me, post):
    """Take back one's own sign-up, freeing the place for someone else."""
    group = post.group
    with transaction.atomic():
        need = _locked_need(me, post)
        deleted, _rows = Signup.objects.filter(post=need, member=me).delete()
        if not deleted:
            raise ActionError(_("You had not signed up for this."))
        Post.objects.filter(pk=need.pk).update(signups_count=F("signups_count") - 1)
        need.signups_count -= 1
        _bump(group.pk)
        _need_changed(group, need)
    return need
