"""A counted result as people read it: the rounds of a ranked count as a table with one
column per round and a sentence per round, and a majority vote's threshold, base and
percentages. Presentation only (it reads ``Result.as_dict()`` as stored on a poll or a
log entry and never counts); the templates render what it returns
(templates/decisions/_result_detail.html, used by the poll page, the decision entry and
the meeting's screens)."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

# What each level of a fist-to-five check means, shown beside the number on the ballot and
# in the results.
TEMPERATURE_MEANINGS = {
    "0": gettext_lazy("Fist: I oppose it"),
    "1": gettext_lazy("Serious concerns; we need to talk"),
    "2": gettext_lazy("Some concerns I would like to discuss"),
    "3": gettext_lazy("Unsure, but I can go along"),
    "4": gettext_lazy("A good idea; I support it"),
    "5": gettext_lazy("Great; I will help make it happen"),
}

# Each names the part of the base that must vote yes: "<name> of the votes cast, ...".
THRESHOLD_NAMES = {
    "simple": pgettext_lazy("threshold", "More than half"),
    "two_thirds": pgettext_lazy("threshold", "Two thirds (⅔)"),
    "three_quarters": pgettext_lazy("threshold", "Three quarters (¾)"),
    "unanimous": pgettext_lazy("threshold", "All"),
}


def label_for(key, labels):
    """An option's label, or an answer (yes, agree...) in the reader's language."""
    from .actions import DEFAULT_ANSWERS

    key = str(key)
    if isinstance(labels, dict) and key in labels:
        return str(labels[key])
    for pairs in DEFAULT_ANSWERS.values():
        for value, text in pairs:
            if value == key:
                return str(text)
    return key


def number(value):
    """A count as text: whole numbers plain, STV's five-decimal votes without trailing
    zeros, with the reader's decimal separator."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if d == d.to_integral_value():
        return number_format(int(d))
    text = format(d, "f").rstrip("0")
    places = len(text.split(".", 1)[1])
    return number_format(d, decimal_pos=places)


def percent(part, whole):
    """part/whole as a percentage with at most one decimal ("83.3 %" is not "83 %": a vote
    that needs more than half must not read as 50 %)."""
    if not whole:
        return "—"
    tenths = (Decimal(part) * 1000 / Decimal(whole)).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    value = tenths / 10
    if value == value.to_integral_value():
        return _("%(n)s%%") % {"n": number_format(int(value))}
    return _("%(n)s%%") % {"n": number_format(value, decimal_pos=1)}


def _signed(value):
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not d:
        return ""
    return ("+" if d > 0 else "−") + number(abs(d))


def _transfer_text(transfers, labels):
    parts = [f"{label_for(k, labels)} +{number(v)}" for k, v in transfers.items()]
    return ", ".join(parts)


def _names(keys, labels):
    return get_text_list([label_for(k, labels) for k in keys], _("and"))


def view(result, labels=None):
    """What the result template shows, by method; None for an empty result."""
    if not result:
        return None
    if not isinstance(labels, dict):
        options = result.get("options")
        labels = options if isinstance(options, dict) else {}
    method = result.get("method")
    if result.get("withheld"):
        return {"kind": "withheld"}
    rounds = result.get("rounds") or []
    if method in ("irv", "stv") and rounds:
        return _ranked(result, labels)
    if method == "majority":
        return _majority(result, labels)
    rows = []
    for key, value in (result.get("counts") or {}).items():
        label = label_for(key, labels)
        if method == "temperature" and key in TEMPERATURE_MEANINGS:
            label = f"{key} · {TEMPERATURE_MEANINGS[key]}"
        rows.append({"label": label, "value": number(value), "share": ""})
    return {"kind": "counts", "rows": rows, "winners": result.get("winners") or []}


def _majority(result, labels):
    details = result.get("details") or {}
    counts = result.get("counts") or {}
    base = details.get("base", 0) or 0
    in_base = bool(details.get("abstentions_in_base"))
    yes = counts.get("yes", 0)
    threshold = THRESHOLD_NAMES.get(details.get("threshold"), details.get("threshold", ""))
    values = {
        "threshold": threshold,
        "needed": number(details.get("required_yes", 0)),
        "yes": number(yes),
        "base": number(base),
        "percent": percent(yes, base),
    }
    if in_base:
        rule = _("%(threshold)s of the votes cast, abstentions included") % values
    else:
        rule = _("%(threshold)s of the votes cast, not counting abstentions") % values
    rows = []
    for key, value in counts.items():
        share = percent(value, base) if (key != "abstain" or in_base) else _("not counted")
        rows.append({"label": label_for(key, labels), "value": number(value), "share": share})
    return {
        "kind": "majority",
        "rule": rule,
        "needed": _("Needed to pass: %(needed)s of %(base)s") % values,
        "line": _("%(rule)s: %(yes)s of %(base)s = %(percent)s") % {**values, "rule": rule},
        "rows": rows,
        "winners": [],
    }


def _ranked(result, labels):
    method = result["method"]
    rounds = result["rounds"]
    options = list(result.get("options") or [])
    if isinstance(result.get("options"), dict):
        options = list(result["options"])
    seen = set()
    for r in rounds:
        for key in r.get("counts", {}):
            if key not in seen and key not in options:
                options.append(key)
            seen.add(key)
    options = [o for o in options if o in seen]
    ties = {t.get("round"): t for t in result.get("tie_breaks") or []}
    columns = []
    out = set()  # excluded in an earlier round: no longer counted
    rows = {o: {"label": label_for(o, labels), "cells": [], "won": False} for o in options}
    story = []
    previous = None
    for r in rounds:
        number_ = r.get("round", len(columns) + 1)
        counts = r.get("counts", {})
        elected = list(r.get("elected") or [])
        excluded = list(r.get("excluded") or [])
        if method == "irv":
            gains = rounds[len(columns) - 1].get("transfers", {}) if columns else {}
        else:
            gains = {}
        for o in options:
            cell = {"value": number(counts.get(o, 0)), "change": "", "mark": "", "out": False}
            if o in out:
                cell.update(value="—", out=True)
            elif method == "stv" and o in excluded:
                cell.update(value="—", mark="excluded", out=True)
            else:
                if method == "irv":
                    cell["change"] = _signed(gains.get(o, 0))
                elif previous is not None:
                    cell["change"] = _signed(
                        Decimal(str(counts.get(o, 0))) - Decimal(str(previous.get(o, 0)))
                    )
                if o in elected:
                    cell["mark"] = "elected"
                    rows[o]["won"] = True
                elif method == "irv" and o in excluded:
                    cell["mark"] = "excluded"
            rows[o]["cells"].append(cell)
        out.update(excluded)
        columns.append(
            {
                "title": _("Round %(n)s") % {"n": number_},
                "needed": number(r.get("majority"))
                if method == "irv"
                else number(r.get("quota", "")),
                "exhausted": number(
                    r.get("exhausted", 0) if method == "irv" else r.get("exhausted_total", 0)
                ),
            }
        )
        story.append(
            _irv_sentence(r, labels, ties.get(number_))
            if method == "irv"
            else _stv_sentence(r, labels, ties.get(number_ - 1))
        )
        previous = counts
    details = result.get("details") or {}
    if method == "stv":
        quota = details.get("quota")
        summary = ngettext(
            "%(n)s seat; quota to be elected: %(quota)s votes.",
            "%(n)s seats; quota to be elected: %(quota)s votes.",
            details.get("seats", 1),
        ) % {"n": details.get("seats", 1), "quota": number(quota)}
    else:
        summary = _(
            "Each round every ballot counts for its highest choice still in the count; "
            "the option with fewest votes is excluded until one has more than half."
        )
    return {
        "kind": "ranked",
        "method": method,
        "columns": columns,
        "rows": list(rows.values()),
        "story": story,
        "summary": summary,
        "needed_label": _("Needed to win (more than half)") if method == "irv" else _("Quota"),
        "winners": result.get("winners") or [],
    }


def _tie_text(tie, labels):
    if not tie:
        return ""
    values = {"names": _names(tie.get("tied", []), labels)}
    if tie.get("resolved_by") == "lot":
        return " " + _("%(names)s were tied; the lot decided.") % values
    return " " + _("%(names)s were tied; an earlier round decided.") % values


def _irv_sentence(r, labels, tie):
    values = {
        "n": r.get("round"),
        "votes": number(r.get("continuing_votes", 0)),
        "needed": number(r.get("majority", 0)),
    }
    elected = r.get("elected") or []
    if elected:
        return _(
            "Round %(n)s: %(winner)s has more than half of the %(votes)s votes still in "
            "the count (%(needed)s needed) and wins."
        ) % {**values, "winner": label_for(elected[0], labels)}
    text = _(
        "Round %(n)s: nobody has more than half of the %(votes)s votes still in the count "
        "(%(needed)s needed). %(loser)s has fewest and is excluded."
    ) % {**values, "loser": _names(r.get("excluded") or [], labels)}
    text += _tie_text(tie, labels)
    if r.get("transfers"):
        text += " " + _("Its ballots go to their next choice: %(transfers)s.") % {
            "transfers": _transfer_text(r["transfers"], labels)
        }
    lost = r.get("newly_exhausted") or 0
    if lost:
        text += " " + ngettext(
            "%(n)s ballot has no further choice.", "%(n)s ballots have no further choice.", lost
        ) % {"n": lost}
    return text


def _stv_sentence(r, labels, tie):
    values = {"n": r.get("round")}
    action = r.get("action")
    name = label_for(r.get("candidate"), labels) if r.get("candidate") else ""
    if action == "first_preferences":
        text = _("Round %(n)s: first preferences.") % values
    elif action == "surplus":
        text = _(
            "Round %(n)s: the surplus of %(name)s (%(surplus)s votes) passes to the next "
            "choices at %(value)s of a vote each."
        ) % {**values, "name": name, "surplus": number(r.get("surplus")),
             "value": number(r.get("transfer_value"))}  # fmt: skip
    else:
        text = _("Round %(n)s: %(name)s has fewest votes and is excluded.") % {
            **values,
            "name": name,
        }
    text += _tie_text(tie, labels)
    if r.get("transfers"):
        text += " " + _("Transfers: %(transfers)s.") % {
            "transfers": _transfer_text(r["transfers"], labels)
        }
    exhausted = Decimal(str(r.get("exhausted") or 0))
    if exhausted:
        text += " " + _("%(n)s votes have no further choice.") % {"n": number(exhausted)}
    elected = [k for k in r.get("elected") or [] if k not in (r.get("elected_without_quota") or [])]
    if elected:
        text += " " + _("Elected with the quota: %(names)s.") % {"names": _names(elected, labels)}
    deemed = r.get("elected_without_quota") or []
    if deemed:
        text += " " + _("Elected to the last seats left: %(names)s.") % {
            "names": _names(deemed, labels)
        }
    return text
