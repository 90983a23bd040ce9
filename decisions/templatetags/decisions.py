import json

from django import template

from assembly.text import reword

register = template.Library()


@register.filter
def get(mapping, key):
    """mapping[key], or None."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def label(labels, key):
    """The label of an option or answer key (the key itself if unknown)."""
    return reword(str(labels.get(key, key))) if isinstance(labels, dict) else key


@register.filter
def is_list(value):
    return isinstance(value, (list, tuple))


@register.filter
def jsonish(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def ballot_text(choice, labels):
    if isinstance(choice, dict):
        return ", ".join(f"{reword(str(labels.get(k, k)))}: {v}" for k, v in choice.items())
    if isinstance(choice, list):
        return " > ".join(reword(str(labels.get(k, k))) for k in choice)
    return reword(str(labels.get(str(choice), choice)))


@register.filter
def answer(key, options=None):
    """A result key as people read it: an option's label, or a translated answer."""
    from decisions.actions import DEFAULT_ANSWERS

    if isinstance(options, dict) and key in options:
        return reword(options[key])  # "Yes" kept in a decision's record reads "Sí"
    for pairs in DEFAULT_ANSWERS.values():
        for value, text in pairs:
            if value == key:
                return text
    return key


@register.simple_tag
def result_view(result, labels=None):
    """The result as the results template shows it (decisions/result_view.py)."""
    from decisions.result_view import view

    return view(result, labels)


@register.filter
def threshold_text(result):
    """A majority result's rule: "Two thirds (⅔) of the votes cast, not counting
    abstentions"; empty for other methods."""
    from decisions.result_view import view

    shown = view(result)
    return shown["rule"] if shown and shown.get("kind") == "majority" else ""


@register.filter
def method_label(key):
    """A voting method's name in the reader's language ("majority" reads "Mayoría ...")."""
    from decisions.models import Poll

    try:
        return Poll.Method(key).label
    except ValueError:
        return key
