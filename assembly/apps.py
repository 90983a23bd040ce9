from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssemblyConfig(AppConfig):
    name = "assembly"
    verbose_name = _("Assemblies")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import (
            privacy,
            sessions,
            streams,  # noqa: F401  (registers the assembly's live streams)
        )

        user_logged_in.connect(sessions.logged_in, dispatch_uid="asamblea-session-list")
        user_logged_out.connect(sessions.logged_out, dispatch_uid="asamblea-session-list")
        privacy.register_base()  # what the base keeps about people (the privacy page)
