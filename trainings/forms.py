from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CAPACITY_MAX, GUEST_DAYS_MAX

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _datetime(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class _EndsAfterStart:
    """The end comes after the start, said at the field (the action checks it again)."""

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A training ends after it starts."))
        return data


class TrainingForm(_EndsAfterStart, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=140, help_text=_("“Know your rights”, “Rapid response 101”.")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What people will learn, what to bring. Markdown: **bold**, lists, links."),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = _datetime(_("Starts"))
    ends_at = _datetime(_("Ends"))
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=CAPACITY_MAX,
        help_text=_("How many the room holds. Beyond that, people join a waitlist."),
    )
    offered_groups = forms.TypedMultipleChoiceField(
        label=_("Working groups people can ask to join afterwards"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offered_groups"].choices = [(g.pk, g.name) for g in groups]


class NewTrainingForm(TrainingForm):
    group = forms.TypedChoiceField(
        label=_("Whose training"), coerce=int, required=False, empty_value=None
    )
    public = forms.BooleanField(
        label=_("Open a public sign-up page"),
        required=False,
        help_text=_(
            "A link you can share with people who are not members: it shows only this "
            "training, and asks only for a name they choose and one contact."
        ),
    )

    field_order = [
        "group",
        "title",
        "description",
        "place",
        "starts_at",
        "ends_at",
        "capacity",
        "public",
        "offered_groups",
    ]

    def __init__(self, *args, groups, own_groups, assembly_allowed, **kwargs):
        super().__init__(*args, groups=groups, **kwargs)
        choices = [("", _("the whole assembly"))] if assembly_allowed else []
        self.fields["group"].choices = choices + [(g.pk, g.name) for g in own_groups]
        self.fields["group"].required = not assembly_allowed


class OverflowForm(_EndsAfterStart, forms.Form):
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = _datetime(_("Starts"))
    ends_at = _datetime(_("Ends"))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=CAPACITY_MAX)
    move = forms.IntegerField(
        label=_("Move this many people from the waitlist to it"),
        min_value=0,
        max_value=CAPACITY_MAX,
        initial=0,
    )


class MoveForm(forms.Form):
    to = forms.TypedChoiceField(label=_("Move them to"), coerce=int)
    rsvps = forms.TypedMultipleChoiceField(coerce=int)

    def __init__(self, *args, sessions, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s.pk, f"{s.title} · {s.place}") for s in sessions]
        self.fields["rsvps"].choices = [(r.pk, r.pk) for r in people]


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name (any name they choose)"), max_length=60)
    contact = forms.CharField(
        label=_("One contact, if they want (email or phone)"), max_length=120, required=False
    )


class PublicSignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        help_text=_("Any name you want to be called: it does not have to be your legal name."),
    )
    contact = forms.CharField(
        label=_("One way to reach you: an email address or a phone number"), max_length=120
    )


class FollowUpForm(forms.Form):
    reach = forms.CharField(
        label=_("How can we reach you? (email or phone)"), max_length=120, required=False
    )
    wants_membership = forms.BooleanField(
        label=_("I would like to join the assembly"), required=False
    )
    groups = forms.TypedMultipleChoiceField(
        label=_("I would join"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, groups, guest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(g.pk, g.name) for g in groups]
        if not guest:
            del self.fields["reach"]
            del self.fields["wants_membership"]


class SettingsForm(forms.Form):
    guest_days = forms.IntegerField(
        label=_("Delete non-members' names and contacts after (days)"),
        min_value=1,
        max_value=GUEST_DAYS_MAX,
        help_text=_(
            "Counted from the end of each training. People who become members keep theirs."
        ),
    )
