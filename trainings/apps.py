from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        from assembly import notifications, sections
        from assembly.models import AUDIT_LABELS
        from decisions import log_views

        from . import (  # noqa: F401  (streams registers "training:")
            actions,
            home,
            notices,
            personal_data,
            streams,
        )

        sections.register(order=40, build=home.section)
        notifications.TIMER_JOBS.append(actions.timer)
        notices.register_kinds()
        personal_data.register()
        log_views.CALENDAR_SOURCES.append(home.calendar_events)
        AUDIT_LABELS.update(
            {
                "training.created": _("started a training"),
                "training.changed": _("changed a training"),
                "training.overflow_opened": _("opened an overflow session of a training"),
                "training.people_moved": _("moved people to another session of a training"),
                "training.settings_changed": _(
                    "changed how long trainings keep non-members' details"
                ),
            }
        )
