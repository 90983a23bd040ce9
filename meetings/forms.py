from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assembly.forms import within_days
from assembly.models import Membership
from assembly.roles import Perm
from decisions.forms import SECRET_HELP, VISIBILITY_HELP, MethodFirst

from .models import AgendaItem, Hand, MeetingSettings
from .stack import PROGRESSIVE_MODES

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _members(assembly):
    return Membership.objects.filter(assembly=assembly, status=Membership.Status.ACTIVE)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DATETIME, input_formats=INPUT_FORMATS,
        validators=[within_days(back=3650, ahead=731)],
    )  # fmt: skip
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    call_link = forms.CharField(
        label=_("Video call link"),
        max_length=500,
        required=False,
        help_text=_("For people joining from home. Leave empty for an in-room meeting."),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note_taker = forms.ModelChoiceField(
        label=_("Note-taker"), queryset=Membership.objects.none(), required=False
    )

    def __init__(self, *args, assembly, me=None, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _members(assembly)
        if me is not None and not me.can(Perm.VIEW_MEMBERS):
            # Without the member list: the assembly's facilitators and stewards (named on
            # meeting pages anyway), themselves, and whoever the meeting already names.
            named = [me.pk]
            if meeting is not None:
                named += [m.pk for m in meeting.facilitators.all()]
                named.append(meeting.note_taker_id)
            choices = choices.filter(Q(role__in=["facilitator", "steward"]) | Q(pk__in=named))
        self.fields["facilitators"].queryset = choices
        self.fields["note_taker"].queryset = choices

    def as_action_kwargs(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "place": data["place"],
            "call_link": data["call_link"],
            "facilitator_ids": [m.pk for m in data["facilitators"]],
            "note_taker_id": data["note_taker"].pk if data["note_taker"] else None,
        }


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the proposal's title or the group's name."),
    )
    proposal = forms.ModelChoiceField(label=_("Proposal"), queryset=None, required=False)
    group = forms.ModelChoiceField(label=_("Working group"), queryset=None, required=False)
    planned_minutes = forms.IntegerField(
        label=_("Planned minutes"), min_value=1, max_value=600, initial=10
    )
    speaker_seconds = forms.IntegerField(
        label=_("Seconds per speaker (0: no limit)"), min_value=0, max_value=3600, initial=120
    )

    def __init__(self, *args, assembly, **kwargs):
        from decisions.models import Proposal
        from groups.models import Group

        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = Proposal.objects.filter(
            assembly=assembly, state__in=["draft", "discussion", "tabled"]
        ).order_by("-pk")
        self.fields["group"].queryset = Group.objects.filter(assembly=assembly).order_by("name")


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MeetingSettings
        fields = ["progressive", "count_unregistered", "proxies_allowed", "max_proxies"]
        widgets = {"max_proxies": forms.NumberInput(attrs={"min": 1, "max": 20})}

    def clean_progressive(self):
        value = self.cleaned_data["progressive"]
        if value not in PROGRESSIVE_MODES:
            raise forms.ValidationError(_("Choose how the progressive stack works."))
        return value


class VoteForm(MethodFirst, forms.Form):
    # Filled with the current item's title; follows the item live (static/js/meetings.js)
    # until the facilitator edits it.
    question = forms.CharField(
        label=_("Question"),
        max_length=300,
        widget=forms.TextInput(attrs={"data-follows-item": "1"}),
    )
    method = forms.ChoiceField(label=_("Method"), choices=())
    options = forms.CharField(
        label=_("Options, one per line (for choices, ranking, scores, dots)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    present_only = forms.BooleanField(
        label=_("Only members checked in may vote"), required=False, initial=True
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, help_text=SECRET_HELP)
    threshold = forms.ChoiceField(
        label=_("Threshold (majority votes)"), choices=(), required=False, initial="simple"
    )
    seats = forms.IntegerField(
        label=_("Seats / winners"), min_value=1, max_value=50, initial=1, required=False
    )
    results_visibility = forms.ChoiceField(
        label=_("Show results"),
        choices=(),
        required=False,
        initial="live",
        help_text=VISIBILITY_HELP,
    )
    quorum = forms.IntegerField(
        label=_("Quorum (leave empty for the assembly's rule)"),
        min_value=0,
        max_value=100000,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        from decisions.models import Poll

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = Poll.Method.choices
        self.fields["threshold"].choices = Poll.Threshold.choices
        self.fields["results_visibility"].choices = Poll.Visibility.choices

    def option_lines(self):
        return [line for line in self.cleaned_data["options"].splitlines() if line.strip()]


HAND_KINDS = Hand.Kind.choices
