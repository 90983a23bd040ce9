from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ANSWER_DAYS_MAX, Callout, CalloutAnswer, Report

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

EXPIRY_CHOICES = [
    (2, _("2 hours")),
    (6, _("6 hours")),
    (12, _("12 hours")),
    (24, _("1 day")),
    (48, _("2 days")),
    (168, _("7 days")),
]


def _expiry_field(initial=12):
    return forms.TypedChoiceField(
        label=_("Show it to members for"),
        choices=EXPIRY_CHOICES,
        coerce=int,
        initial=initial,
        help_text=_("After that it is no longer shown as current."),
    )


class ReportForm(forms.Form):
    seen_at = forms.DateTimeField(
        label=_("When did you see it? (date and time)"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(
        label=_("Where, exactly?"),
        max_length=200,
        help_text=_("An address, a corner, a landmark: as exact as you can."),
    )
    agents = forms.IntegerField(
        label=_("How many agents?"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Leave it empty if you could not count them."),
    )
    uniforms = forms.CharField(
        label=_("Uniforms"),
        max_length=500,
        required=False,
        help_text=_("Colours, words on vests or jackets (“POLICE”, “ICE”, “ERO”…)."),
    )
    vehicles = forms.CharField(
        label=_("Vehicles"),
        max_length=500,
        required=False,
        help_text=_("Kind, colour, markings, plate if you saw it."),
    )
    badges = forms.CharField(label=_("Badges and insignia"), max_length=500, required=False)
    description = forms.CharField(
        label=_("What happened?"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "Its location, device and time are removed before it is stored. "
            "Only the verifiers see it until the report is verified."
        ),
    )


class ConfirmForm(forms.Form):
    expires_in_hours = _expiry_field()


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Mark it"),
        choices=[
            (Report.Status.UNCONFIRMED, _("unconfirmed: we could not confirm it")),
            (Report.Status.FALSE, _("false: it did not happen as reported")),
        ],
    )
    note = forms.CharField(
        label=_("Note (why)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DebunkForm(forms.Form):
    text = forms.CharField(
        label=_("What members should know and tell others"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expires_in_hours = _expiry_field(initial=48)


class ExpiryForm(forms.Form):
    expires_in_hours = _expiry_field()


class SettingsForm(forms.Form):
    verifier_group = forms.TypedChoiceField(
        label=_("Who verifies reports"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "The members of this working group see new reports first; two of them must "
            "confirm a report before every member sees it."
        ),
    )
    network_group = forms.TypedChoiceField(
        label=_("Rapid-response network"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Its leads may send call-outs, as verifiers can."),
    )
    answer_days = forms.IntegerField(
        label=_("Keep who took part for (days)"),
        min_value=1,
        max_value=ANSWER_DAYS_MAX,
        help_text=_(
            "Counted from the end of a call-out, or from when a report is settled (decided, "
            "and no longer shown). Then who answered, sent and ended the call-out, and who "
            "filed, confirmed and decided the report, is deleted; what happened stays."
        ),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("nobody"))] + [(g.pk, g.name) for g in groups]
        self.fields["verifier_group"].choices = choices
        self.fields["network_group"].choices = choices


class CalloutForm(forms.Form):
    place = forms.CharField(label=_("Where"), max_length=200)
    needs = forms.MultipleChoiceField(
        label=_("What is needed"),
        choices=Callout.Need.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    wanted = forms.IntegerField(label=_("How many people"), min_value=1, max_value=10000)
    details = forms.CharField(
        label=_("Details"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What to bring, where to gather, who to ask for."),
    )
    groups = forms.TypedMultipleChoiceField(
        label=_("Who is called"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(g.pk, g.name) for g in groups]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=CalloutAnswer.Answer.choices)
