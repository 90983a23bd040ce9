"""Trainings on the assembly's home page, and in the members' calendar feed."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from assembly.sections import Section

from . import queries
from .models import Training

HOME_SIZE = 5


def section(me):
    return Section(
        template="trainings/_home_section.html",
        context={"trainings": queries.with_mine(me, queries.upcoming(me, limit=HOME_SIZE))},
    )


def calendar_events(assembly):
    recent = timezone.now() - timedelta(days=30)
    for training in Training.objects.filter(assembly=assembly, ends_at__gte=recent)[:200]:
        title = _("Training: %(title)s") % {"title": training.title}
        yield (
            f"training-{training.pk}",
            training.starts_at,
            training.ends_at,
            title,
            training.place,
        )
