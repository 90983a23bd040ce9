from django.conf import settings


def site(request):
    context = {
        "LIVE_URL": "/ws/live/",
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": settings.SITE_NAME,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from .notifications import unread_count

        context["unread_notifications"] = unread_count(user)
    return context
