from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Working groups")

    def ready(self):
        from assembly import sections

        from . import home, personal_data, streams  # noqa: F401  (streams: live streams)

        sections.register(order=20, build=home.board_section)
        personal_data.register()
