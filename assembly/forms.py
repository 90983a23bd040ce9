from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import locale, parsing
from .models import Assembly
from .roles import ListVisibility, Role


def within_days(*, back, ahead):
    """A form validator: the time lies from `back` days ago to `ahead` days ahead (a year
    9999 would break every member's calendar feed)."""

    def validate(moment):
        from django.utils import timezone

        try:
            parsing.check_moment(moment, now=timezone.now(), days_back=back, days_ahead=ahead)
        except parsing.BadInput:
            raise forms.ValidationError(
                _("Choose a time from %(back)d days ago to %(ahead)d days ahead."),
                params={"back": back, "ahead": ahead},
            ) from None

    return validate


class AssemblySettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Meeting and vote times are entered and shown in it."),
        choices=lambda: (
            [("", "—")] + [(name, name.replace("_", " ")) for name in locale.time_zone_names()]
        ),
        required=False,  # left empty: unchanged
    )
    quorum_kind = forms.ChoiceField(label=_("Quorum rule"), choices=Assembly.QuorumKind.choices)
    quorum_value = forms.IntegerField(
        label=_("Quorum"),
        min_value=0,
        max_value=100000,
        help_text=_("A number of members, or a percentage of active members."),
    )
    member_list_visibility = forms.ChoiceField(
        label=_("Who may see the member list"), choices=ListVisibility.choices
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Assembly.Visibility.choices)
    seconds_required = forms.IntegerField(
        label=_("Seconds a proposal needs before discussion"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("How many members must second (co-sign) a draft before it opens."),
    )

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or None

    def clean(self):
        data = super().clean()
        if data.get("quorum_kind") == "percent" and (data.get("quorum_value") or 0) > 100:
            self.add_error("quorum_value", _("A quorum percentage must be between 0 and 100."))
        return data


class InvitationForm(forms.Form):
    label = forms.CharField(
        label=_("Label (for you)"),
        max_length=120,
        required=False,
        help_text=_("e.g. “Tuesday know-your-rights training”"),
    )
    role = forms.ChoiceField(label=_("Role on joining"), choices=Role.choices, initial=Role.MEMBER)
    max_uses = forms.IntegerField(
        label=_("How many people may use it"), min_value=1, max_value=1000, initial=1
    )
    expires_in_days = forms.IntegerField(
        label=_("Days until it expires"), min_value=1, max_value=90, initial=7
    )


class DisplayNameForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your display name in this assembly"),
        max_length=60,
        help_text=_("A nickname or pseudonym is fine. Other members see this name."),
    )


class JoinRequestForm(DisplayNameForm):
    message = forms.CharField(
        label=_("A message to the stewards (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=500, required=False
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=500)


class PrivacySettingsForm(forms.Form):
    email_details = forms.BooleanField(
        label=_("Notification emails name the assembly and what they are about"),
        required=False,
        help_text=_(
            "Off (the default): emails only say how many new notifications there are, so "
            "mail providers learn nothing about the assembly or its votes."
        ),
    )
    require_two_factor = forms.BooleanField(
        label=_("Stewards and facilitators must use two-factor authentication"),
        required=False,
        help_text=_(
            "Their pages of this assembly stay closed to them until they set it up. Set it "
            "up for yourself first."
        ),
    )
    ledger_names = forms.BooleanField(
        label=_("Decisions log entries name who recorded them"),
        required=False,
        help_text=_("Entries can never be deleted, so by default they name no one."),
    )
    attendance_days = forms.IntegerField(
        label=_("Keep attendance and proxies for (days after the meeting)"),
        min_value=1, max_value=3650,
    )  # fmt: skip
    speaking_days = forms.IntegerField(
        label=_("Keep the speaking queue's history for (days after the meeting)"),
        min_value=1, max_value=3650,
    )  # fmt: skip
    participation_days = forms.IntegerField(
        label=_("Keep who could vote and who voted for (days after the vote closes)"),
        min_value=1, max_value=3650,
    )  # fmt: skip
    notification_days = forms.IntegerField(
        label=_("Keep notifications for (days)"), min_value=1, max_value=3650
    )
    audit_days = forms.IntegerField(
        label=_("Keep audit log entries for (days)"), min_value=1, max_value=3650
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("To confirm, type your email address"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip


class SessionLabelForm(forms.Form):
    pk = forms.IntegerField(min_value=1, max_value=2**53, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Name"), max_length=40)
