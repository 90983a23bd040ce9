from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssemblyConfig(AppConfig):
    name = "assembly"
    verbose_name = _("Assemblies")

    def ready(self):
        from . import streams  # noqa: F401  (registers the assembly's live streams)
        from .meetings import setup

        setup.connect()  # meetings: their stream, home section and decisions guards
