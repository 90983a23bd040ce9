"""The notifications trainings send, registered with the inbox
(assembly/notifications.py) at startup, each with the sentence it is shown in."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assembly.notifications import register

TRAINING_SOON = "training_soon"
TRAINING_PLACE = "training_place"


def _names(n):
    return {"assembly": n.recipient.assembly.name, "subject": n.subject}


def register_kinds():
    register(
        TRAINING_SOON,
        label=gettext_lazy("a training I signed up for starts within a day"),
        sentence=lambda n: _("%(assembly)s: your training is soon: %(subject)s") % _names(n),
    )
    register(
        TRAINING_PLACE,
        label=gettext_lazy("a place opens for me at a training"),
        sentence=lambda n: (
            _("%(assembly)s: you have a place at the training %(subject)s") % _names(n)
        ),
    )
