from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Working groups")

    def ready(self):
        from assembly import sections
        from assembly.models import AUDIT_LABELS

        from . import home, personal_data, streams  # noqa: F401  (streams: live streams)

        sections.register(order=20, build=home.board_section)
        personal_data.register()
        AUDIT_LABELS.update(
            {
                "group.created": _("started a working group"),
                "group.updated": _("changed a working group"),
                "group.request_approved": _("let someone into a working group"),
                "group.request_declined": _("declined a request to join a working group"),
                "group.member_removed": _("removed someone from a working group"),
                "group.lead_changed": _("changed a working group's leads"),
                "post.edited": _("edited someone else's post"),
                "post.deleted": _("deleted a post"),
            }
        )
