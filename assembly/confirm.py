"""A confirmation step for acts that cannot be taken back, that works without JavaScript.

A form for such an act posts as usual. Without `confirmed=1` in the post, the view
answers with a page that says what will happen and repeats the post with `confirmed=1`
behind one button (and a way back that changes nothing). static/js/confirm.js asks the
same question in a dialog first and then posts with `confirmed=1`, so a person with
JavaScript never sees the page.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

FIELD = "confirmed"


def confirmed(request):
    return request.POST.get(FIELD) == "1"


def confirm_page(request, *, title, what, yes, back, context=None):
    """The confirmation step for the post in `request`.

    `title`: the question; `what`: sentences saying what will happen; `yes`: the button
    label; `back`: where "cancel" leads. A fetch request gets a short refusal instead
    (confirm.js always confirms before it sends)."""
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"ok": False, "message": _("Confirm first.")}, status=400)
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", FIELD)
        for value in request.POST.getlist(name)
    ]
    page = {
        "title": title,
        "what": [w for w in (what if isinstance(what, list | tuple) else [what]) if w],
        "yes": yes,
        "back": back,
        "action": request.get_full_path(),
        "fields": fields,
        **(context or {}),
    }
    return render(request, "confirm.html", page)
