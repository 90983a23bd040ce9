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
    counts = purge(now)
    counts["sessions"] = purge_sessions(now)
    return counts


def _purge_audit(assembly_id, cutoff):
    from .models import AuditEntry

    deleted, _by_model = AuditEntry.objects.filter(
        assembly_id=assembly_id, created_at__lt=cutoff
    ).delete()
    return deleted


HOW_LONG_ACCOUNT = gettext_lazy("until you delete your account")
