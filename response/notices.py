"""The notifications rapid response sends, registered with the inbox
(assembly/notifications.py) at startup, each with the sentence it is shown in."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assembly.notifications import register

REPORT_FILED = "report_filed"
REPORT_VERIFIED = "report_verified"
RUMOUR_DEBUNKED = "rumour_debunked"
CALLOUT = "callout"


def _names(n):
    return {"assembly": n.recipient.assembly.name, "subject": n.subject}


def register_kinds():
    register(
        REPORT_FILED,
        label=gettext_lazy("a report waits for verifiers (verifiers only)"),
        sentence=lambda n: _("%(assembly)s: a report waits for verifiers: %(subject)s") % _names(n),
    )
    register(
        REPORT_VERIFIED,
        label=gettext_lazy("a report of enforcement activity is verified"),
        sentence=lambda n: _("%(assembly)s: verified report: %(subject)s") % _names(n),
    )
    register(
        RUMOUR_DEBUNKED,
        label=gettext_lazy("a rumour is debunked"),
        sentence=lambda n: _("%(assembly)s: rumour debunked: %(subject)s") % _names(n),
    )
    register(
        CALLOUT,
        label=gettext_lazy("a call-out summons a group I am in"),
        sentence=lambda n: (
            _("%(assembly)s: call-out, people needed now at %(subject)s") % _names(n)
        ),
    )
