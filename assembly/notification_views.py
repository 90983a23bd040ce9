"""Thin views for a person's notifications: the list and their choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .models import Membership, Notification


@login_required
def notification_list(request):
    if request.method == "POST":
        Notification.objects.filter(
            recipient__user=request.user,
            recipient__status=Membership.Status.ACTIVE,
            read_at__isnull=True,
        ).update(read_at=timezone.now())
        return redirect("notifications")
    return render(
        request, "assembly/notifications.html", {"items": notifications.inbox(request.user)}
    )


@login_required
def notification_open(request, pk):
    item = Notification.objects.filter(pk=pk, recipient__user=request.user).first()
    if item is None:
        raise Http404
    if item.read_at is None:
        Notification.objects.filter(pk=item.pk).update(read_at=timezone.now())
    return redirect(item.url if item.url.startswith("/") and not item.url.startswith("//") else "/")


@login_required
def notification_settings(request):
    if request.method == "POST":
        ticked = [key for key in request.POST if "-" in key]
        notifications.save_choices(
            request.user,
            in_app={key.split("-", 1)[1] for key in ticked if key.startswith("in_app-")},
            email={key.split("-", 1)[1] for key in ticked if key.startswith("email-")},
            digest=request.POST.get("digest") == "daily",
        )
        messages.success(request, _("Saved."))
        return redirect("notification_settings")
    return render(
        request,
        "assembly/notification_settings.html",
        {
            "rows": notifications.choices(request.user),
            "digest": notifications.wants_digest(request.user),
        },
    )
