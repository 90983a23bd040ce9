from django.conf import settings


def site(request):
    return {"LIVE_URL": "/ws/live/", "SITE_URL": settings.SITE_URL}
