from django import forms
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assembly import parsing
from assembly.errors import ActionError
from assembly.forms import within_days

from .models import Poll


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )


class AmendmentForm(forms.Form):
    body = forms.CharField(
        label=_("The text as you propose it"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    rationale = forms.CharField(
        label=_("Why (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown in its place)"), max_length=300)


# What members will see, said where the vote is set up (also on the meeting console).
SECRET_HELP = _(
    "Nobody can see how anyone voted. Until the vote closes, everyone sees only how many "
    "have voted; if fewer than five vote, only the outcome is published."
)
VISIBILITY_HELP = _("A secret vote shows its results only when it closes.")


# Which fields each voting method uses; a field not named here serves every method. The
# forms that open a vote ask for the method first and show only these (method_rows);
# a field of another method is ignored and keeps its default (MethodFirst.clean).
OPTION_METHODS = ("single", "approval", "irv", "stv", "score", "dots")
METHOD_FIELDS = {
    "options": OPTION_METHODS,
    "threshold": ("majority",),
    "abstentions_in_base": ("majority",),
    "max_blocks": ("consensus",),
    "seats": ("single", "approval", "stv", "score", "dots"),
    "min_choices": ("approval", "irv", "stv"),
    "max_choices": ("approval", "irv", "stv"),
    "score_max": ("score",),
    "dots": ("dots",),
}
METHOD_DEFAULTS = {
    "options": "",
    "threshold": "simple",
    "abstentions_in_base": False,
    "max_blocks": 0,
    "seats": 1,
    "min_choices": None,
    "max_choices": None,
    "score_max": 5,
    "dots": None,
}


def chosen_method(value, default="majority"):
    """A method from a query string or a post, or `default` for anything else."""
    return value if value in Poll.Method.values else default


class MethodFirst:
    """For a form with a `method` field: the method is chosen first (a GET step without
    JavaScript, a select with it), then only that method's fields are shown."""

    def method_rows(self, method):
        """(bound field, the methods it serves as a space-separated string or "", shown)."""
        rows = []
        for bound in self:
            if bound.name == "method":
                continue
            methods = METHOD_FIELDS.get(bound.name)
            rows.append((bound, " ".join(methods or ()), methods is None or method in methods))
        return rows

    def clean(self):
        data = super().clean()
        method = data.get("method")
        for name, methods in METHOD_FIELDS.items():
            if name in self.fields and method and method not in methods:
                data[name] = METHOD_DEFAULTS[name]
                self.errors.pop(name, None)
        return data


class PollForm(MethodFirst, forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    method = forms.ChoiceField(label=_("Method"), choices=Poll.Method.choices)
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For single choice, approval, ranked, score and dot votes."),
    )
    threshold = forms.ChoiceField(
        label=_("Threshold (majority votes)"), choices=Poll.Threshold.choices
    )
    abstentions_in_base = forms.BooleanField(
        label=_("Abstentions count toward the base"), required=False
    )
    max_blocks = forms.IntegerField(
        label=_("Blocks allowed (consensus)"), min_value=0, max_value=1000, initial=0
    )
    seats = forms.IntegerField(label=_("Seats / winners"), min_value=1, max_value=50, initial=1)
    min_choices = forms.IntegerField(
        label=_("Fewest choices (approval, ranked)"), min_value=0, max_value=50, required=False
    )
    max_choices = forms.IntegerField(
        label=_("Most choices (approval, ranked)"), min_value=1, max_value=50, required=False
    )
    score_max = forms.IntegerField(
        label=_("Highest score (score votes)"), min_value=1, max_value=10, initial=5
    )
    dots = forms.IntegerField(
        label=_("Dots per voter (dot votes)"), min_value=1, max_value=100, required=False
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, help_text=SECRET_HELP)
    results_visibility = forms.ChoiceField(
        label=_("Show results"), choices=Poll.Visibility.choices, help_text=VISIBILITY_HELP
    )
    allow_change = forms.BooleanField(
        label=_("Voters may change their vote while it is open (named votes)"),
        required=False,
    )
    receipts = forms.BooleanField(
        label=_("Give voters a receipt (not for votes about a person)"), required=False
    )
    combine_entered = forms.BooleanField(
        label=_("Add counts from the room (show of hands)"), required=False, initial=True
    )
    quorum = forms.IntegerField(
        label=_("Quorum (leave empty for the assembly's rule)"),
        min_value=0,
        max_value=100000,
        required=False,
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (leave empty to close by hand)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[within_days(back=1, ahead=731)],
    )

    def as_action_kwargs(self):
        data = dict(self.cleaned_data)
        data["options"] = [line for line in data["options"].splitlines() if line.strip()]
        return data


class RankClash(ActionError):
    """Two or more options were given the same rank; ``keys`` are those options."""

    def __init__(self, message, keys):
        super().__init__(message)
        self.keys = frozenset(keys)


class ConfirmEmpty(ActionError):
    """An approval ballot that supports no option, sent without saying that is meant."""


def _rank_clashes(ranks, labels):
    """The message for ranks given to more than one option, naming them, or ""."""
    by_rank = {}
    for rank, key in ranks:
        by_rank.setdefault(rank, []).append(key)
    parts = []
    keys = []
    for rank in sorted(by_rank):
        shared = by_rank[rank]
        if len(shared) > 1:
            keys.extend(shared)
            names = get_text_list([f"“{labels[k]}”" for k in shared], gettext("and"))
            parts.append(
                gettext("%(options)s share rank %(rank)s.") % {"options": names, "rank": rank}
            )
    if not parts:
        return "", []
    return " ".join([*parts, gettext("Give each option a different rank.")]), keys


def parse_ballot(poll, post, options):
    """Turn a submitted ballot form into the shape tally.validate_ballot takes."""
    method = poll.method
    if method in ("majority", "consensus", "single"):
        choice = post.get("choice", "")
        if not choice:
            raise ActionError(gettext("Choose an answer."))
        return choice
    if method == "temperature":
        try:
            return parsing.parse_int(post.get("choice"), low=0, high=5)
        except parsing.BadInput:
            raise ActionError(gettext("Choose a level from 0 to 5.")) from None
    if method == "approval":
        chosen = post.getlist("choice")
        if not chosen and not poll.min_choices and not post.get("confirm_empty"):
            raise ConfirmEmpty(
                gettext("You chose no option. Vote for none? Send the ballot again to confirm.")
            )
        return chosen
    if method in ("irv", "stv"):
        ranks = []
        for option in options:
            value = post.get(f"rank-{option.key}", "")
            if value:
                try:
                    ranks.append((parsing.parse_int(value, low=0, high=1000), option.key))
                except parsing.BadInput:
                    raise ActionError(gettext("Ranks must be numbers.")) from None
        message, clashing = _rank_clashes(ranks, {o.key: o.label for o in options})
        if message:
            raise RankClash(message, clashing)
        if not ranks:
            raise ActionError(gettext("Rank at least one option."))
        return [key for _rank, key in sorted(ranks)]
    values = {}
    for option in options:
        raw = post.get(f"{method}-{option.key}", "").strip()
        if raw:
            try:
                values[option.key] = parsing.parse_int(raw, low=0, high=10**6)
            except parsing.BadInput:
                raise ActionError(gettext("Enter whole numbers.")) from None
    if not values:
        raise ActionError(gettext("Give at least one option a value."))
    if method == "dots" and poll.dots and sum(values.values()) > poll.dots:
        placed = sum(values.values())
        raise ActionError(
            ngettext(
                "You placed %(placed)s dots, but you have only %(dots)s dot. Take some off.",
                "You placed %(placed)s dots, but you have only %(dots)s. Take some off.",
                poll.dots,
            )
            % {"placed": placed, "dots": poll.dots}
        )
    return values


def ballot_values(poll, choice):
    """What a ballot form shows as already chosen, from a stored ballot's choice."""
    values = {"choice": "", "chosen": [], "per": {}}
    if choice is None:
        return values
    if isinstance(choice, list) and poll.method in ("irv", "stv"):
        values["per"] = {key: str(n) for n, key in enumerate(choice, start=1)}
    elif isinstance(choice, list):
        values["chosen"] = [str(k) for k in choice]
    elif isinstance(choice, dict):
        values["per"] = {str(k): str(v) for k, v in choice.items()}
    else:
        values["choice"] = str(choice)
    return values


def posted_values(poll, post, options):
    """What a ballot form shows again after a refused ballot: exactly what was sent."""
    method = poll.method
    values = {"choice": "", "chosen": [], "per": {}}
    if method == "approval":
        values["chosen"] = post.getlist("choice")
    elif method in ("irv", "stv", "score", "dots"):
        prefix = "rank" if method in ("irv", "stv") else method
        values["per"] = {o.key: post.get(f"{prefix}-{o.key}", "").strip()[:12] for o in options}
    else:
        values["choice"] = post.get("choice", "")
    return values


def parse_counts(post, keys):
    counts = {}
    for key in keys:
        raw = post.get(f"count-{key}", "").strip() or "0"
        try:
            counts[key] = parsing.parse_int(raw, low=0, high=100000)
        except parsing.BadInput:
            raise ActionError(
                gettext("Each count must be a whole number from 0 to 100000.")
            ) from None
    return counts
