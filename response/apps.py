from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    name = "response"
    verbose_name = _("Rapid response")

    def ready(self):
        from assembly import notifications, sections
        from assembly import streams as assembly_streams
        from assembly.models import AUDIT_LABELS
        from decisions import log_views

        from . import actions, home, notices, personal_data, streams

        sections.register(order=5, build=home.section)
        assembly_streams.SNAPSHOT_PARTS.append(streams.alerts_snapshot)
        notifications.TIMER_JOBS.append(actions.timer)
        notices.register_kinds()
        personal_data.register()
        log_views.CALENDAR_SOURCES.append(home.calendar_events)
        AUDIT_LABELS.update(
            {
                "response.settings_changed": _("changed who verifies reports and sends call-outs"),
                "callout.sent": _("sent a call-out"),
                "callout.closed": _("ended a call-out"),
            }
        )
