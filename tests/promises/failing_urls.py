"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site


def fails(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*site, path("fails/", fails)]
