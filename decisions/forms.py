from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from assembly.errors import ActionError

from .models import Poll


class ProposalForm(forms.Form):
    title = forms.CharField(label=_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=_lazy("Text"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_lazy("Markdown: **bold**, *italic*, lists, links."),
    )


class AmendmentForm(forms.Form):
    body = forms.CharField(
        label=_lazy("The text as you propose it"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    rationale = forms.CharField(
        label=_lazy("Why (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_lazy("Your comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(label=_lazy("Reason (shown in its place)"), max_length=300)


class PollForm(forms.Form):
    question = forms.CharField(label=_lazy("Question"), max_length=300)
    method = forms.ChoiceField(label=_lazy("Method"), choices=Poll.Method.choices)
    options = forms.CharField(
        label=_lazy("Options, one per line"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_lazy("For single choice, approval, ranked, score and dot votes."),
    )
    threshold = forms.ChoiceField(
        label=_lazy("Threshold (majority votes)"), choices=Poll.Threshold.choices
    )
    abstentions_in_base = forms.BooleanField(
        label=_lazy("Abstentions count toward the base"), required=False
    )
    max_blocks = forms.IntegerField(
        label=_lazy("Blocks allowed (consensus)"), min_value=0, max_value=1000, initial=0
    )
    seats = forms.IntegerField(label=_lazy("Seats / winners"), min_value=1, max_value=50, initial=1)
    min_choices = forms.IntegerField(
        label=_lazy("Fewest choices (approval, ranked)"), min_value=0, max_value=50, required=False
    )
    max_choices = forms.IntegerField(
        label=_lazy("Most choices (approval, ranked)"), min_value=1, max_value=50, required=False
    )
    score_max = forms.IntegerField(
        label=_lazy("Highest score (score votes)"), min_value=1, max_value=10, initial=5
    )
    dots = forms.IntegerField(
        label=_lazy("Dots per voter (dot votes)"), min_value=1, max_value=100, required=False
    )
    secret = forms.BooleanField(label=_lazy("Secret ballot"), required=False)
    results_visibility = forms.ChoiceField(
        label=_lazy("Show results"), choices=Poll.Visibility.choices
    )
    allow_change = forms.BooleanField(
        label=_lazy("Voters may change their vote while it is open (named votes)"),
        required=False,
    )
    receipts = forms.BooleanField(
        label=_lazy("Give voters a receipt (not for votes about a person)"), required=False
    )
    combine_entered = forms.BooleanField(
        label=_lazy("Add counts from the room (show of hands)"), required=False, initial=True
    )
    quorum = forms.IntegerField(
        label=_lazy("Quorum (leave empty for the assembly's rule)"),
        min_value=0,
        max_value=100000,
        required=False,
    )
    closes_at = forms.DateTimeField(
        label=_lazy("Closes at (leave empty to close by hand)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def as_action_kwargs(self):
        data = dict(self.cleaned_data)
        data["options"] = [line for line in data["options"].splitlines() if line.strip()]
        return data


def parse_ballot(poll, post, options):
    """Turn a submitted ballot form into the shape tally.validate_ballot takes."""
    method = poll.method
    if method in ("majority", "consensus", "single"):
        choice = post.get("choice", "")
        if not choice:
            raise ActionError(_("Choose an answer."))
        return choice
    if method == "temperature":
        value = post.get("choice", "")
        if not value.isdigit():
            raise ActionError(_("Choose a level from 0 to 5."))
        return int(value)
    if method == "approval":
        return post.getlist("choice")
    if method in ("irv", "stv"):
        ranks = []
        for option in options:
            value = post.get(f"rank-{option.key}", "")
            if value:
                if not value.isdigit():
                    raise ActionError(_("Ranks must be numbers."))
                ranks.append((int(value), option.key))
        positions = [rank for rank, _key in ranks]
        if len(set(positions)) != len(positions):
            raise ActionError(_("Give each option a different rank."))
        if not ranks:
            raise ActionError(_("Rank at least one option."))
        return [key for _rank, key in sorted(ranks)]
    values = {}
    for option in options:
        raw = post.get(f"{method}-{option.key}", "").strip()
        if raw:
            if not raw.isdigit():
                raise ActionError(_("Enter whole numbers."))
            values[option.key] = int(raw)
    if not values:
        raise ActionError(_("Give at least one option a value."))
    return values


def parse_counts(post, keys):
    counts = {}
    for key in keys:
        raw = post.get(f"count-{key}", "").strip() or "0"
        if not raw.isdigit():
            raise ActionError(_("Each count must be a whole number from 0 to 100000."))
        counts[key] = int(raw)
    return counts
