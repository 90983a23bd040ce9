"""Create things at most once per form: every form that creates something carries a
random idempotency key (`{% idempotency_field %}`), and the action that creates it runs
through `once`. A second press, a retried request on a flaky connection or a script that
re-sends a form whose fetch got no answer all get the first answer back, even when they
arrive at the same instant (the key is unique per member in the database, inserted in
the same transaction as the thing it creates).

Ballots have their own key on the participation row (decisions.actions.cast_ballot).
"""

import re
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ActionError
from .models import Submission

KEY_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")
FIELD = "idempotency_key"
SUBMISSION_DAYS = 2


def new_key():
    return secrets.token_urlsafe(16)


def clean_key(value):
    """A well-formed key, or None when the form carried none. A malformed one is refused."""
    value = str(value or "").strip()
    if not value:
        return None
    if not KEY_RE.fullmatch(value):
        raise ActionError(_("This form is incomplete. Reload the page and try again."))
    return value


def once(actor, key, action, model, create):
    """Run `create()` (which returns a saved `model` instance) at most once for this
    member and key; a repeat returns the instance the first run created. Must be called
    inside the action's transaction, so that a refused first attempt leaves no key."""
    key = clean_key(key)
    if key is None:
        created = create()
        created.repeated = False
        return created
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(member=actor, key=key, action=action)
        except IntegrityError:
            # The same form arrived before (or at the same instant, on another connection:
            # this insert waited for that one to commit).
            first = Submission.objects.filter(member=actor, key=key).first()
            if first is None or first.action != action or not first.object_id:
                raise ActionError(
                    _("This form was already sent. Reload the page and try again.")
                ) from None
            found = model.objects.filter(pk=first.object_id).first()
            if found is None:
                raise ActionError(_("What this form created is gone.")) from None
            found.repeated = True
            return found
        created = create()
        submission.object_id = str(created.pk)
        submission.save(update_fields=["object_id"])
        created.repeated = False
        return created


def purge():
    """Forget submissions older than SUBMISSION_DAYS days (run by the timer)."""
    cutoff = timezone.now() - timedelta(days=SUBMISSION_DAYS)
    return Submission.objects.filter(created_at__lt=cutoff).delete()[0]
