from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from assembly.models import AUDIT_LABELS

        from . import setup

        setup.connect()  # the meeting stream, home section, decisions' guards, privacy
        _reworded_phrases()
        AUDIT_LABELS.update(
            {
                "meeting.settings_changed": _("changed how meetings run"),
                "meeting.scheduled": _("scheduled a meeting"),
                "meeting.started": _("started a meeting"),
                "meeting.ended": _("ended a meeting"),
                "meeting.reopened": _("undid the end of a meeting"),
                "meeting.projector_reset": _("gave a meeting's projector a new address"),
                "meeting.minutes_approved": _("approved a meeting's minutes"),
                "meeting.muted": _("muted a member for the rest of a meeting"),
                "meeting.removed": _("removed a member from a meeting"),
                "meeting.sanction_lifted": _("lifted a mute or removal in a meeting"),
                "meeting.proxy_given": _("gave their vote to another member for a meeting"),
                "meeting.proxy_revoked": _("took back the vote they had given for a meeting"),
            }
        )


def _reworded_phrases():
    """An agenda item titled for a group's report-back, in the reader's language."""
    import re

    from django.utils.translation import gettext

    from assembly import text

    text.PATTERNS.append(
        (
            re.compile(r"Report-back: (.+)", re.DOTALL),
            lambda m: gettext("Report-back: %(group)s") % {"group": m[1]},
        )
    )
