"""What trainings keep about a person, for assembly/privacy.py.

Non-members' names and contacts go after the trainings' own period (trainings/actions.py,
`purge_guests`). Who signed up and who came is attendance: it is kept as long as the
assembly keeps meeting attendance, then every sign-up of the training stops naming
anyone (members, non-members who joined, and the organisers who checked them in or
invited them); the counts stay."""

from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from assembly import privacy
from assembly.privacy import Kept

NAMED = (
    Q(member__isnull=False)
    | Q(checked_in_by__isnull=False)
    | Q(invited_by__isnull=False)
    | Q(joined_as__isnull=False)
    | ~Q(name="")
    | ~Q(contact="")
    | ~Q(reach="")
)


def _purge_attendance(assembly_id, cutoff):
    """Sign-ups of trainings that ended before `cutoff` no longer name anyone."""
    from .actions import forget_invitation_labels
    from .models import Rsvp

    rows = Rsvp.objects.filter(training__assembly_id=assembly_id, training__ends_at__lt=cutoff)
    forget_invitation_labels(rows.filter(NAMED))
    return rows.filter(NAMED).update(
        member=None, checked_in_by=None, invited_by=None, joined_as=None, name="", contact="",
        reach="", language="", mail_pending="",
        details_deleted_at=Coalesce(F("details_deleted_at"), Value(timezone.now())),
    )  # fmt: skip


def _forget(user, memberships):
    """Give back the person's places at trainings still to come (the waitlist moves up).
    Past sign-ups stay, as “former member”, until the attendance period ends."""
    from .actions import cancel_by_ticket
    from .models import Rsvp

    upcoming = Rsvp.objects.filter(
        member__in=memberships, status__in=Rsvp.ACTIVE, training__starts_at__gt=timezone.now()
    ).select_related("training")
    for rsvp in upcoming:
        cancel_by_ticket(rsvp)


def register():
    privacy.register(
        kept=[
            Kept(
                "trainings",
                gettext_lazy(
                    "Trainings you sign up for: your place or your place on the waitlist, "
                    "whether you came, and the working groups you said you would join; if you "
                    "came without being a member and joined through the invitation, that it "
                    "was you. Trainings you start, and (organisers) whom you checked in at the "
                    "door or invited."
                ),
                gettext_lazy(
                    "Sign-ups: as long as the assembly keeps attendance after the training (a "
                    "year unless it chose otherwise); then they name no one and only the counts "
                    "stay. If you delete your account, your places at trainings still to come "
                    "are given back. Trainings you start: as long as the assembly exists."
                ),
                gettext_lazy(
                    "The training's organisers see who signed up and who came; members see "
                    "how many places are taken."
                ),
                fields=(
                    "trainings.Rsvp.member",
                    "trainings.Rsvp.checked_in_by",
                    "trainings.Rsvp.invited_by",
                    "trainings.Rsvp.joined_as",
                    "trainings.Training.created_by",
                ),
            ),
            Kept(
                "training_guests",
                gettext_lazy(
                    "If you sign up for a training without being a member: the name you "
                    "chose, one contact (an email address or a phone number), the language of "
                    "the page, and how to reach you afterwards if you leave it."
                ),
                gettext_lazy(
                    "As long as the assembly chooses after the training (30 days unless it "
                    "chose otherwise); if you become a member, as long as it keeps attendance."
                ),
                gettext_lazy("The training's organisers."),
                fields=(
                    "trainings.Rsvp.name",
                    "trainings.Rsvp.contact",
                    "trainings.Rsvp.reach",
                    "trainings.Rsvp.language",
                ),
            ),
        ],
        purges={"attendance": _purge_attendance},
        forget=_forget,
    )
