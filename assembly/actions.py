"""Every write to an assembly and its membership: one function per thing a person does.

Each takes the acting Membership first (or the User, where there is no membership
yet), checks permission through roles.py, validates, writes in one transaction,
records an audit entry, and publishes live events on commit.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import idempotency, live, locale, names, privacy, streams
from .errors import ActionError, NotAllowed
from .models import Assembly, AuditEntry, Invitation, JoinRequest, Membership
from .roles import ListVisibility, Perm, Role
from .text import render_markdown

DISPLAY_NAME_MAX = 60


def require(actor, permission):
    if actor is None or not actor.can(permission):
        raise NotAllowed(_("Your role in this assembly does not allow that."))


def audit(actor, verb, *, target=None, reason="", **detail):
    AuditEntry.objects.create(
        assembly_id=actor.assembly_id if actor else target.assembly_id,
        actor=actor,
        verb=verb,
        target=target,
        reason=(reason or "")[:500],
        detail=detail,
    )


def clean_name(value, *, limit, empty_message, too_long_message):
    """A name that stands for someone or something (assembly/names.py), or ActionError."""
    try:
        return names.clean(value, limit=limit)
    except names.InvalidName as exc:
        if exc.code == "empty":
            raise ActionError(empty_message) from None
        if exc.code == "too_long":
            raise ActionError(too_long_message) from None
        raise ActionError(
            _("A name cannot contain invisible or direction-changing characters.")
        ) from None


def _clean_display_name(display_name):
    name = clean_name(
        display_name,
        limit=DISPLAY_NAME_MAX,
        empty_message=_("Choose a display name. A nickname or pseudonym is fine."),
        too_long_message=_("A display name can be at most 60 characters."),
    )
    if names.skeleton(name).startswith(names.skeleton("former member")):
        # Kept for deleted accounts ("former member #12"), so no one can pose as one.
        raise ActionError(_("That name is kept for deleted accounts. Choose another."))
    return name


def _clean_assembly_name(name):
    return clean_name(
        name,
        limit=120,
        empty_message=_("An assembly needs a name."),
        too_long_message=_("An assembly's name can be at most 120 characters."),
    )


def _name_taken(assembly_id, name, exclude_pk=None):
    """Whether someone in the assembly has a name that looks like `name`."""
    qs = Membership.objects.filter(assembly_id=assembly_id, name_skeleton=names.skeleton(name))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _taken_error():
    return ActionError(_("Someone in this assembly already uses that display name."))


def _stewards_left(assembly_id, without):
    return (
        Membership.objects.filter(
            assembly_id=assembly_id, role=Role.STEWARD, status=Membership.Status.ACTIVE
        )
        .exclude(pk=without.pk)
        .exists()
    )


# -- assemblies -------------------------------------------------------------------------


def create_assembly(
    *, name, slug="", description="", language="en", time_zone=None, steward_invite_days=7
):
    """Start a new assembly with a one-time invitation for its first steward.

    Returns (assembly, token): the token is shown once and never stored in clear.
    """
    name = _clean_assembly_name(name)
    time_zone = time_zone or locale.default_time_zone()
    if not locale.is_time_zone(time_zone):
        raise ActionError(_("Choose a time zone from the list."))
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ActionError(_("Choose a short name made of letters and numbers."))
    with transaction.atomic():
        if Assembly.objects.filter(slug=slug).exists():
            raise ActionError(_("An assembly with that short name already exists."))
        assembly = Assembly.objects.create(
            name=name,
            slug=slug,
            description=description,
            description_html=render_markdown(description),
            language=language,
            time_zone=time_zone,
        )
        token = Invitation.new_token()
        Invitation.objects.create(
            assembly=assembly,
            token_digest=Invitation.digest(token),
            label=_("First steward"),
            role=Role.STEWARD,
            max_uses=1,
            expires_at=timezone.now() + timedelta(days=steward_invite_days),
        )
    return assembly, token


def update_assembly(
    actor,
    *,
    name,
    description,
    language,
    quorum_kind,
    quorum_value,
    member_list_visibility,
    visibility,
    seconds_required=0,
    time_zone=None,
):
    require(actor, Perm.EDIT_ASSEMBLY)
    if time_zone is not None and not locale.is_time_zone(time_zone):
        raise ActionError(_("Choose a time zone from the list."))
    name = _clean_assembly_name(name)
    if quorum_kind not in Assembly.QuorumKind.values:
        raise ActionError(_("Choose a quorum rule."))
    if quorum_kind == Assembly.QuorumKind.PERCENT and not 0 <= quorum_value <= 100:
        raise ActionError(_("A quorum percentage must be between 0 and 100."))
    if quorum_value < 0:
        raise ActionError(_("A quorum cannot be negative."))
    if member_list_visibility not in ListVisibility.values:
        raise ActionError(_("Choose who may see the member list."))
    if not 0 <= seconds_required <= 100:
        raise ActionError(_("Seconds needed must be between 0 and 100."))
    if visibility not in Assembly.Visibility.values:
        raise ActionError(_("Choose whether the assembly is private or listed."))
    with transaction.atomic():
        assembly = Assembly.objects.select_for_update().get(pk=actor.assembly_id)
        changed = []
        new = {
            "name": name,
            "description": description,
            "language": language,
            "quorum_kind": quorum_kind,
            "quorum_value": quorum_value,
            "member_list_visibility": member_list_visibility,
            "visibility": visibility,
            "seconds_required": seconds_required,
        }
        if time_zone is not None:
            new["time_zone"] = time_zone
        for field, value in new.items():
            if getattr(assembly, field) != value:
                changed.append(field)
                setattr(assembly, field, value)
        if not changed:
            return assembly
        assembly.description_html = render_markdown(assembly.description)
        assembly.save()
        audit(actor, "assembly.updated", fields=changed)
        if "description" in changed:
            live.publish(assembly.stream, *streams.description_event(assembly))
        if "member_list_visibility" in changed:
            # Who may see the roster changed: every open socket re-checks.
            active = assembly.memberships.filter(status=Membership.Status.ACTIVE)
            for user_id in active.values_list("user_id", flat=True):
                live.access_changed(user_id, assembly.pk)
    return assembly


# -- invitations and joining -----------------------------------------------------------


def create_invitation(
    actor, *, role=Role.MEMBER, max_uses=1, expires_in_days=7, label="", idempotency_key=None
):
    """Returns (invitation, token). The token is shown to the steward once: a repeat of
    the same form returns the first invitation with token None (only its digest is kept)."""
    require(actor, Perm.INVITE)
    return issue_invitation(
        actor, role=role, max_uses=max_uses, expires_in_days=expires_in_days, label=label,
        idempotency_key=idempotency_key,
    )  # fmt: skip


def issue_invitation(
    actor, *, role=Role.MEMBER, max_uses=1, expires_in_days=7, label="", idempotency_key=None
):
    """`create_invitation` for a caller that has already decided `actor` may invite (e.g. a
    training's organisers inviting the people who came). Returns (invitation, token)."""
    if role not in Role.values:
        raise ActionError(_("Choose a role."))
    if not 1 <= max_uses <= 1000:
        raise ActionError(_("An invitation can be used by 1 to 1000 people."))
    if not 1 <= expires_in_days <= 90:
        raise ActionError(_("An invitation can last from 1 to 90 days."))
    token = Invitation.new_token()

    def create():
        invitation = Invitation.objects.create(
            assembly_id=actor.assembly_id,
            token_digest=Invitation.digest(token),
            label=(label or "").strip()[:120],
            role=role,
            max_uses=max_uses,
            expires_at=timezone.now() + timedelta(days=expires_in_days),
            created_by=actor,
        )
        audit(actor, "invitation.created", invitation=invitation.pk, role=role, uses=max_uses)
        return invitation

    with transaction.atomic():
        invitation = idempotency.once(
            actor, idempotency_key, "create_invitation", Invitation, create
        )
    return invitation, (None if invitation.repeated else token)


def revoke_invitation(actor, *, invitation):
    require(actor, Perm.INVITE)
    if invitation.assembly_id != actor.assembly_id:
        raise NotAllowed(_("Your role in this assembly does not allow that."))
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit(actor, "invitation.revoked", invitation=invitation.pk)


def find_invitation(token):
    """The invitation for a token, or None if the token is unknown, used up or expired."""
    if not isinstance(token, str) or not 10 <= len(token) <= 100:
        return None
    return find_invitation_by_digest(Invitation.digest(token))


def find_invitation_by_digest(digest):
    """The same, from the token's digest: what a session keeps, since a digest cannot be
    replayed as a link."""
    if not isinstance(digest, str) or len(digest) != 64:
        return None
    invitation = Invitation.objects.select_related("assembly").filter(token_digest=digest)
    invitation = invitation.first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def accept_invitation(user, *, display_name, token=None, digest=None):
    """Join an assembly through an invitation link (its token, or the digest kept in the
    session). Returns the new Membership."""
    name = _clean_display_name(display_name)
    if token is not None:
        digest = Invitation.digest(token) if isinstance(token, str) else None
    with transaction.atomic():
        invitation = find_invitation_by_digest(digest)
        if invitation is None:
            raise ActionError(
                _("This invitation link is not valid: it may have expired or been used up.")
            )
        # Count the use atomically: the database refuses a use beyond the limit.
        used = Invitation.objects.filter(
            pk=invitation.pk,
            uses__lt=F("max_uses"),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(uses=F("uses") + 1)
        if not used:
            raise ActionError(
                _("This invitation link is not valid: it may have expired or been used up.")
            )
        existing = Membership.objects.filter(assembly=invitation.assembly, user=user).first()
        if existing is not None:
            if existing.status == Membership.Status.ACTIVE:
                raise ActionError(_("You are already a member of this assembly."))
            raise ActionError(
                _(
                    "Your membership of this assembly was ended by its stewards. "
                    "Ask them to reinstate you."
                )
            )
        if _name_taken(invitation.assembly_id, name):
            raise _taken_error()
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    assembly=invitation.assembly, user=user, display_name=name, role=invitation.role
                )
        except IntegrityError as exc:
            raise _taken_error() from exc
        audit(membership, "member.joined", target=membership, invitation=invitation.pk)
    return membership


def request_to_join(user, *, assembly, display_name, message=""):
    name = _clean_display_name(display_name)
    if assembly.visibility != Assembly.Visibility.LISTED:
        raise ActionError(_("This assembly only takes members by invitation."))
    if len(message or "") > 1000:
        raise ActionError(_("Keep the message under 1000 characters."))
    with transaction.atomic():
        if Membership.objects.filter(assembly=assembly, user=user).exists():
            raise ActionError(_("You already have a membership in this assembly."))
        if JoinRequest.objects.filter(
            assembly=assembly, user=user, status=JoinRequest.Status.PENDING
        ).exists():
            raise ActionError(_("Your request is already waiting for a steward."))
        if _name_taken(assembly.pk, name):
            raise _taken_error()
        return JoinRequest.objects.create(
            assembly=assembly, user=user, display_name=name, message=(message or "").strip()
        )


def decide_join_request(actor, *, join_request, approve):
    require(actor, Perm.DECIDE_JOIN_REQUESTS)
    with transaction.atomic():
        request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if request.assembly_id != actor.assembly_id:
            raise NotAllowed(_("Your role in this assembly does not allow that."))
        if request.status != JoinRequest.Status.PENDING:
            raise ActionError(_("This request has already been decided."))
        request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save()
        membership = None
        if approve:
            if Membership.objects.filter(assembly_id=actor.assembly_id, user=request.user).exists():
                raise ActionError(_("That person already has a membership in this assembly."))
            if _name_taken(actor.assembly_id, request.display_name):
                raise _taken_error()
            membership = Membership.objects.create(
                assembly_id=actor.assembly_id, user=request.user, display_name=request.display_name
            )
        audit(actor, "join_request.approved" if approve else "join_request.declined",
               target=membership, request=request.pk)  # fmt: skip
    return membership


# -- members --------------------------------------------------------------------------


def _target(actor, member):
    if member.assembly_id != actor.assembly_id:
        raise NotAllowed(_("Your role in this assembly does not allow that."))
    member = Membership.objects.select_for_update().get(pk=member.pk)
    if member.user_id is None:
        raise ActionError(_("This person deleted their account."))
    return member


def change_role(actor, *, member, role):
    require(actor, Perm.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ActionError(_("Choose a role."))
    with transaction.atomic():
        member = _target(actor, member)
        if member.role == role:
            return member
        if member.role == Role.STEWARD and not _stewards_left(actor.assembly_id, member):
            raise ActionError(_("An assembly needs at least one active steward."))
        old = member.role
        member.role = role
        member.save(update_fields=["role"])
        audit(actor, "member.role_changed", target=member, old=old, new=role)
        live.access_changed(member.user_id, member.assembly_id)
    return member


def suspend_member(actor, *, member, reason=""):
    """Suspend at once: the person's sockets for this assembly close on commit and their
    next request to it is refused."""
    return _end_membership(actor, member, Membership.Status.SUSPENDED, reason)


def remove_member(actor, *, member, reason=""):
    return _end_membership(actor, member, Membership.Status.REMOVED, reason)


def _end_membership(actor, member, status, reason):
    require(actor, Perm.MANAGE_MEMBERS)
    with transaction.atomic():
        member = _target(actor, member)
        if member.pk == actor.pk:
            raise ActionError(_("You cannot do that to your own membership."))
        if member.status == status:
            return member
        if member.role == Role.STEWARD and not _stewards_left(actor.assembly_id, member):
            raise ActionError(_("An assembly needs at least one active steward."))
        member.status = status
        member.save(update_fields=["status"])
        verb = "member.suspended" if status == Membership.Status.SUSPENDED else "member.removed"
        audit(actor, verb, target=member, reason=reason or "")
        privacy.membership_ended(member)
        live.access_changed(member.user_id, member.assembly_id)
    return member


def reinstate_member(actor, *, member):
    require(actor, Perm.MANAGE_MEMBERS)
    with transaction.atomic():
        member = _target(actor, member)
        if member.status == Membership.Status.ACTIVE:
            return member
        member.status = Membership.Status.ACTIVE
        member.save(update_fields=["status"])
        audit(actor, "member.reinstated", target=member)
        live.access_changed(member.user_id, member.assembly_id)
    return member


def rename_self(actor, *, display_name):
    require(actor, Perm.VIEW)
    name = _clean_display_name(display_name)
    try:
        with transaction.atomic():
            if _name_taken(actor.assembly_id, name, exclude_pk=actor.pk):
                raise _taken_error()
            Membership.objects.filter(pk=actor.pk).update(
                display_name=name, name_skeleton=names.skeleton(name)
            )
    except IntegrityError as exc:  # someone took a look-alike a moment ago
        raise _taken_error() from exc
    actor.display_name = name
    return actor


def leave_assembly(actor):
    require(actor, Perm.VIEW)
    with transaction.atomic():
        member = Membership.objects.select_for_update().get(pk=actor.pk)
        if member.role == Role.STEWARD and not _stewards_left(actor.assembly_id, member):
            raise ActionError(_("You are the last steward. Make someone else a steward first."))
        audit(actor, "member.left", target=member)
        member.status = Membership.Status.REMOVED
        member.save(update_fields=["status"])
        privacy.membership_ended(member)
        live.access_changed(member.user_id, member.assembly_id)


def set_language(user, *, language):
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ActionError(_("That language is not available."))
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
