"""What decisions keeps about a person, for assembly/privacy.py: the privacy page's
lines, retention purges, the person's data export and account deletion."""

from assembly import privacy


def _membership_ended(membership):
    from .models import CalendarFeed

    # A calendar link would otherwise work again on reinstatement.
    CalendarFeed.objects.filter(member=membership).delete()


def register():
    privacy.register(membership_ended=_membership_ended)
