from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self):
        from assembly import notifications, sections

        from . import (
            live_state,  # noqa: F401  (registers the proposal and poll streams)
            notify,
            personal_data,
        )
        from .models import Decision
        from .queries import open_polls, proposals
        from .record import overdue_items

        def home_section(me):
            return sections.Section(
                template="decisions/_home_section.html",
                context={
                    "open_polls": list(open_polls(me.assembly)[:10]),
                    "proposals": list(proposals(me.assembly, "open")[:10]),
                    "overdue": list(overdue_items(me.assembly)[:10]),
                    "recent": list(
                        Decision.objects.filter(assembly=me.assembly).order_by("-sequence")[:5]
                    ),
                },
            )

        sections.register(order=30, build=home_section)
        personal_data.register()
        notify.register_kinds()
        notifications.TIMER_JOBS.append(notify.timer)
        _reworded_phrases()


def _reworded_phrases():
    """What decisions write into kept text, said again in the reader's language."""
    import re

    from django.utils.translation import gettext

    from assembly import text

    text.PHRASES.update(["by vote", "Yes", "No", "Abstain", "Agree", "Stand aside", "Block"])
    text.PATTERNS.extend(
        [
            (
                re.compile(r"amendment #(\d+) accepted by the author"),
                lambda m: gettext("amendment #%(n)d accepted by the author") % {"n": int(m[1])},
            ),
            (
                re.compile(r"amendment #(\d+) adopted by vote"),
                lambda m: gettext("amendment #%(n)d adopted by vote") % {"n": int(m[1])},
            ),
        ]
    )
