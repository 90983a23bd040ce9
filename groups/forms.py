from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from assembly.models import Membership

from .models import Group, Post

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists, links.")


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Group.Kind.choices)
    mandate = forms.CharField(
        label=_("Mandate"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(
            "{} {}", _("What the assembly asked this group to do."), MARKDOWN_HELP
        ),
    )
    join_policy = forms.ChoiceField(label=_("Joining"), choices=Group.JoinPolicy.choices)
    members_may_post = forms.BooleanField(
        label=_("Members may post (not only leads)"), required=False
    )


class MembersField(forms.ModelMultipleChoiceField):
    """Memberships chosen by id; an id that is not a sane number is refused before it
    reaches the database (where a huge one would overflow)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice",
                    params={"value": text[:40]},
                )  # fmt: skip
        return super()._check_values(value)


class NewGroupForm(GroupForm):
    leads = MembersField(
        label=_("Leads"),
        queryset=Membership.objects.none(),
        help_text=_("One or more members of the assembly who will lead the group."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, assembly, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leads"].queryset = Membership.objects.filter(
            assembly=assembly, status=Membership.Status.ACTIVE
        )
        self.fields["leads"].label_from_instance = lambda m: m.display_name


class _PostFields(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=140,
        help_text=_("For a need, what it is: “Drop-off watch”, “Ride to court”."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    asks = forms.CharField(
        label=_("What needs deciding (report-backs)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the group asks the assembly to decide, if anything."),
    )
    starts_at = forms.DateTimeField(
        label=_("When (needs)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Where (needs)"), required=False, max_length=200)
    wanted = forms.IntegerField(
        label=_("How many people (needs)"), required=False, min_value=1, max_value=1000
    )

    NEED_FIELDS = ("starts_at", "place", "wanted")


class PostForm(_PostFields):
    kind = forms.ChoiceField(label=_("Kind of post"), choices=Post.Kind.choices)

    field_order = ["kind", "title", "body", "asks", "starts_at", "place", "wanted"]


class EditPostForm(_PostFields):
    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Post.Kind.REPORT:
            del self.fields["asks"]
        if kind != Post.Kind.NEED:
            for name in self.NEED_FIELDS:
                del self.fields[name]
        else:
            for name in self.NEED_FIELDS:
                self.fields[name].required = True
            self.fields["starts_at"].label = _("When")
            self.fields["place"].label = _("Where")
            self.fields["wanted"].label = _("How many people")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=500, required=False
    )
