"""Privacy operations: the assembly's privacy settings, what the server keeps about a
person (the catalogue the privacy page is rendered from), retention (the purge the timer
runs), a person's own data (download as JSON), and deleting an account.

The base cannot import the apps above it (groups, decisions, meetings), so each of them
registers what it keeps at startup (`register`): the catalogue entries for its models,
a purge for its retention kinds, an export and a `forget` for account deletion, and a
hook for when a membership ends (suspension, removal, leaving).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ActionError
from .models import PrivacySettings
from .roles import Perm


def settings_for(assembly):
    """The assembly's privacy settings (the defaults until a steward changes them)."""
    found = PrivacySettings.objects.filter(assembly=assembly).first()
    return found or PrivacySettings(assembly=assembly)


def update_settings(actor, **fields):
    from .actions import audit, require

    require(actor, Perm.EDIT_ASSEMBLY)
    for name in PrivacySettings.RETENTION_FIELDS:
        value = fields.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ActionError(_("Each period must be a whole number of days."))
        if not 1 <= value <= PrivacySettings.RETENTION_MAX:
            raise ActionError(_("Each period must be from 1 to 3650 days."))
    if fields.get("require_two_factor") and not has_second_factor(actor.user):
        raise ActionError(
            _("Set up two-factor authentication for yourself first, so you are not locked out.")
        )
    with transaction.atomic():
        current, _created = PrivacySettings.objects.select_for_update().get_or_create(
            assembly_id=actor.assembly_id
        )
        changed = []
        for name in (*PrivacySettings.RETENTION_FIELDS, "email_details", "require_two_factor",
                     "ledger_names"):  # fmt: skip
            value = (
                fields[name] if name in PrivacySettings.RETENTION_FIELDS else bool(fields.get(name))
            )
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed.append(name)
        if changed:
            current.save()
            audit(actor, "assembly.privacy_changed", fields=changed)
    return current


# -- two-factor ------------------------------------------------------------------------


def has_second_factor(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_second_factor(membership):
    """Whether this steward or facilitator must set up two-factor before going on."""
    if membership.role not in ("steward", "facilitator"):
        return False
    if not settings_for(membership.assembly).require_two_factor:
        return False
    return not has_second_factor(membership.user)


# -- what each app keeps ---------------------------------------------------------------


@dataclass
class Kept:
    """A line of the privacy page: something kept about a person, for how long, and who
    can see it. `fields` names every model field it covers ("app.Model.field"); a test
    checks that every field that holds or points at a person is covered by some line."""

    key: str
    what: object  # a lazy translated string
    how_long: object
    who_sees: object
    fields: tuple = ()


@dataclass
class Registration:
    kept: list = field(default_factory=list)
    # {"attendance": fn(assembly_id, cutoff) -> count}; the kind names a PrivacySettings
    # field ("attendance" -> attendance_days).
    purges: dict = field(default_factory=dict)
    export: object = None  # fn(membership) -> dict
    forget: object = None  # fn(membership) -> None, inside the deletion's transaction
    membership_ended: object = None  # fn(membership) -> None, inside the action
    # Fields never exported ("app.Model.field"): secrets, or what stands in for them.
    hidden: tuple = ()


REGISTRY: list = []


def register(**parts):
    REGISTRY.append(Registration(**parts))


def catalogue():
    return [line for part in REGISTRY for line in part.kept]


def membership_ended(membership):
    """A membership was suspended, removed or left: each app drops what it must (e.g.
    calendar links, which would otherwise work again on reinstatement)."""
    for part in REGISTRY:
        if part.membership_ended:
            part.membership_ended(membership)


# -- retention -------------------------------------------------------------------------


def purge(now=None):
    """Delete what each assembly keeps no longer than it chose. Returns {kind: count}.
    The decisions log is never purged."""
    from .models import Assembly

    now = now or timezone.now()
    counts = {}
    chosen = {p.assembly_id: p for p in PrivacySettings.objects.all()}
    for assembly_id in Assembly.objects.values_list("pk", flat=True):
        policy = chosen.get(assembly_id) or PrivacySettings()
        for part in REGISTRY:
            for kind, fn in part.purges.items():
                cutoff = now - timedelta(days=getattr(policy, f"{kind}_days"))
                counts[kind] = counts.get(kind, 0) + fn(assembly_id, cutoff)
    return counts


def purge_sessions(now=None):
    """Expired login sessions (what `manage.py clearsessions` does) and the session list's
    rows of sessions that no longer exist. Returns how many sessions were ended."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    from .models import SessionRecord
    from .sessions import digest

    now = now or timezone.now()
    expired = Session.objects.filter(expire_date__lt=now).count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    alive = {digest(key) for key in Session.objects.values_list("session_key", flat=True)}
    SessionRecord.objects.exclude(key_digest__in=alive).delete()
    return expired


def run_timer(now=None):
    """Everything the timer purges: what each assembly keeps no longer than it chose, and
    expired sessions. Returns {kind: count}."""
    from . import idempotency

    counts = purge(now)
    counts["sessions"] = purge_sessions(now)
    counts["submissions"] = idempotency.purge()
    return counts


def _purge_audit(assembly_id, cutoff):
    from .models import AuditEntry

    deleted, _by_model = AuditEntry.objects.filter(
        assembly_id=assembly_id, created_at__lt=cutoff
    ).delete()
    return deleted


def _purge_notifications(assembly_id, cutoff):
    from .models import Notification

    gone, _by_model = Notification.objects.filter(
        recipient__assembly_id=assembly_id, created_at__lt=cutoff
    ).delete()
    return gone


def _forget_notifications(user, memberships):
    from .models import Notification

    Notification.objects.filter(recipient__in=memberships).delete()


HOW_LONG_ACCOUNT = gettext_lazy("until you delete your account")


# -- a person's own data ---------------------------------------------------------------

# Never exported: secrets (or what stands in for them). Each app adds its own when it
# registers (`hidden`), e.g. a meeting's projector token or a vote's lot seed.
HIDDEN_FIELDS = {
    "assembly.User.password",
    "assembly.Invitation.token_digest",
    "assembly.SessionRecord.key_digest",
    "mfa.Authenticator.data",
}


def hidden_fields():
    return HIDDEN_FIELDS.union(*(part.hidden for part in REGISTRY))


def _person_fields():
    """Every relation field that points at a person: (model, field)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from .models import Membership

    people = (get_user_model(), Membership)
    found = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            relation = f.many_to_many or f.many_to_one or f.one_to_one
            if relation and not f.auto_created and f.concrete and f.related_model in people:
                found.append((model, f))
    return found


def _value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def _row(model, obj, hidden):
    label = f"{model._meta.app_label}.{model.__name__}"
    return {
        f.name: _value(getattr(obj, f.attname))
        for f in model._meta.concrete_fields
        if f"{label}.{f.name}" not in hidden
    }


def export(user):
    """Everything the server holds about `user`, as a JSON-ready dict: for each kind of
    record on the privacy page, every row that points at the person or one of their
    memberships (secrets left out), plus what each app adds (e.g. named ballots)."""
    from django.contrib.auth import get_user_model

    from .models import Membership

    user_model = get_user_model()
    hidden = hidden_fields()
    memberships = list(Membership.objects.filter(user=user).select_related("assembly"))
    ids = [m.pk for m in memberships]
    lines = {}
    for line in catalogue():
        for spec in line.fields:
            lines.setdefault(spec.rsplit(".", 1)[0], line.key)
    out = {
        "exported_at": timezone.now().isoformat(),
        "account": _row(user_model, user, hidden) | {"password_set": user.has_usable_password()},
        "assemblies": {m.pk: m.assembly.name for m in memberships},
        "records": {},
    }
    seen = set()
    for model, f in _person_fields():
        label = f"{model._meta.app_label}.{model.__name__}"
        query = {f.name: user} if f.related_model is user_model else {f"{f.name}__in": ids}
        for obj in model._default_manager.filter(**query).distinct():
            if (label, obj.pk) in seen:
                continue
            seen.add((label, obj.pk))
            key = lines.get(label, label)
            out["records"].setdefault(key, []).append({"table": label, **_row(model, obj, hidden)})
    for part in REGISTRY:
        if part.export:
            out["records"].update(part.export(user, memberships))
    return out


# -- deleting an account -----------------------------------------------------------------


def former_name(membership):
    return f"former member #{membership.pk}"


def delete_account(user, *, confirm):
    """Delete a person's account. What they wrote and the votes they took part in stay,
    under a pseudonym ("former member"), so discussions, turnout and the decisions log
    still add up; secret ballots are untouched and stay unlinkable (nothing links them
    to anyone); everything else about the person is deleted. The last steward of an
    assembly must hand over first."""
    from . import live
    from .actions import audit
    from .models import Membership, Presence

    if (confirm or "").strip().lower() != user.email.lower():
        raise ActionError(_("Type your email address to confirm."))
    user_id = user.pk
    with transaction.atomic():
        memberships = list(Membership.objects.select_for_update().filter(user=user))
        for m in memberships:
            if m.status == Membership.Status.ACTIVE and m.role == "steward":
                others = Membership.objects.filter(
                    assembly_id=m.assembly_id, role="steward", status=Membership.Status.ACTIVE
                ).exclude(pk=m.pk)
                if not others.exists():
                    raise ActionError(
                        _(
                            "You are the last steward of %(name)s. Make someone else a "
                            "steward first."
                        )
                        % {"name": m.assembly.name}
                    )
        for part in REGISTRY:
            if part.forget:
                part.forget(user, memberships)
        Presence.objects.filter(membership__in=memberships).delete()
        for m in memberships:
            audit(m, "member.account_deleted", target=m)
            live.access_changed(user_id, m.assembly_id)
            m.display_name = former_name(m)
            m.user = None
            m.status = Membership.Status.REMOVED
            m.role = "member"
            m.save()
        end_sessions(user)
        user.delete()
    return user_id


# -- sessions --------------------------------------------------------------------------


def my_sessions(user, current_key):
    """The person's live sessions, newest use first, the current one marked."""
    from django.contrib.sessions.models import Session

    from .models import SessionRecord
    from .sessions import digest

    records = list(SessionRecord.objects.filter(user=user))
    alive = {
        digest(key)
        for key in Session.objects.filter(expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    }
    current = digest(current_key) if current_key else None
    rows = [r for r in records if r.key_digest in alive]
    for r in rows:
        r.is_current = r.key_digest == current
    return rows


def label_session(user, *, pk, label):
    from .actions import clean_name
    from .models import SessionRecord

    label = clean_name(
        label or "-", limit=40, empty_message=_("Give the session a short name."),
        too_long_message=_("A session's name can be at most 40 characters."),
    )  # fmt: skip
    updated = SessionRecord.objects.filter(user=user, pk=pk).update(label=label.strip("-"))
    if not updated:
        raise ActionError(_("That session has ended."))


def end_sessions(user, *, keep=None):
    """Log the person out everywhere (but `keep`, a session key): delete their sessions
    and close their open sockets. Returns how many sessions ended."""
    from django.contrib.sessions.models import Session

    from . import live
    from .models import SessionRecord
    from .sessions import digest

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        try:
            data = session.get_decoded()
        except Exception:  # noqa: S112 (an unreadable session belongs to no one)
            continue
        if str(data.get("_auth_user_id")) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    SessionRecord.objects.filter(key_digest__in=[digest(k) for k in ended]).delete()
    live.log_out(user.pk)
    return len(ended)


# -- what the base keeps -----------------------------------------------------------------


def register_base():
    from django.utils.translation import gettext_lazy

    user_fields = tuple(
        f"assembly.User.{name}"
        for name in ("email", "password", "language", "is_staff", "is_active", "date_joined",
                     "last_login", "is_superuser", "groups", "user_permissions")
    )  # fmt: skip
    membership_fields = tuple(
        f"assembly.Membership.{name}"
        for name in ("assembly", "user", "display_name", "name_skeleton", "role", "status",
                     "joined_at")
    )  # fmt: skip
    register(
        kept=[
            Kept(
                "account",
                gettext_lazy(
                    "Your email address, to log in and to receive codes and notices; a "
                    "scrambled form of your password (not the password itself), if you set "
                    "one; your chosen language; when your account was made and last used."
                ),
                HOW_LONG_ACCOUNT,
                gettext_lazy(
                    "You, and the server's administrators. Other members never see your email."
                ),
                fields=(*user_fields, "account.EmailAddress.user"),
            ),
            Kept(
                "memberships",
                gettext_lazy(
                    "For each assembly you belong to (or asked to join): the display name you "
                    "chose there, your role, your status, when you joined, and the message "
                    "you sent with a request to join."
                ),
                gettext_lazy(
                    "Until you delete your account; then your display name becomes “former member”."
                ),
                gettext_lazy(
                    "Members see your display name. Who sees the member list and roles is the "
                    "assembly's choice; stewards see status and requests."
                ),
                fields=(
                    *membership_fields,
                    "assembly.JoinRequest.user",
                    "assembly.JoinRequest.display_name",
                    "assembly.JoinRequest.message",
                    "assembly.JoinRequest.decided_by",
                ),  # fmt: skip
            ),
            Kept(
                "invitations",
                gettext_lazy(
                    "Invitation links you created, in scrambled form, and how often they were used."
                ),
                gettext_lazy("As long as the assembly exists."),
                gettext_lazy("Stewards."),
                fields=("assembly.Invitation.created_by",),
            ),
            Kept(
                "audit",
                gettext_lazy(
                    "Stewards' and facilitators' actions about members, groups and meetings "
                    "(who did what to whom, and the reason given), in the assembly's audit log."
                ),
                gettext_lazy(
                    "As long as the assembly chooses: two years unless it chose otherwise."
                ),
                gettext_lazy("Facilitators and stewards."),
                fields=("assembly.AuditEntry.actor", "assembly.AuditEntry.target"),
            ),
            Kept(
                "sessions",
                gettext_lazy(
                    "Your login sessions: the day each began and was last used, and a name you "
                    "may give it. No address, device or browser is kept."
                ),
                gettext_lazy("Until you log out, or at most two weeks."),
                gettext_lazy("You (see “Your sessions”)."),
                fields=("assembly.SessionRecord.user", "sessions.Session.session_data"),
            ),
            Kept(
                "presence",
                gettext_lazy(
                    "While you have an assembly page open, a note that you are online there."
                ),
                gettext_lazy("Deleted when you leave; never more than a couple of minutes."),
                gettext_lazy(
                    "Members see how many are online; those who may see the member list see who."
                ),
                fields=("assembly.Presence.membership",),
            ),
            Kept(
                "submissions",
                gettext_lazy(
                    "For each form you send that creates something (a post, a comment, a vote "
                    "opened...): a random code the form carried and what it created, so that "
                    "pressing twice creates it once."
                ),
                gettext_lazy("Two days."),
                gettext_lazy("No one; the server only compares codes."),
                fields=("assembly.Submission.member",),
            ),
            Kept(
                "notifications",
                gettext_lazy(
                    "Your notifications (whether you read them and whether they were emailed) "
                    "and your notification choices."
                ),
                gettext_lazy(
                    "Notifications: as long as the assembly chooses (90 days unless it chose "
                    "otherwise). Your choices: until you delete your account."
                ),
                gettext_lazy("You."),
                fields=(
                    "assembly.Notification.recipient",
                    "assembly.NotificationPreference.user",
                    "assembly.DigestChoice.user",
                ),  # fmt: skip
            ),
            Kept(
                "two_factor",
                gettext_lazy(
                    "If you turn on two-factor authentication: its secret and your recovery codes."
                ),
                gettext_lazy("Until you turn it off or delete your account."),
                gettext_lazy("No one; the server only checks your codes against it."),
                fields=("mfa.Authenticator.user",),
            ),
            Kept(
                "admin",
                gettext_lazy("Changes the server's administrators make in its admin pages."),
                HOW_LONG_ACCOUNT,
                gettext_lazy("The server's administrators."),
                fields=("admin.LogEntry.user",),
            ),
        ],
        purges={"audit": _purge_audit, "notification": _purge_notifications},
        forget=_forget_notifications,
    )
