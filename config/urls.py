from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin's login goes through allauth, so its rate limits and verification apply.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("assembly.urls")),
    path("", include("groups.urls")),
    path("", include("decisions.urls")),
    path("", include("meetings.urls")),
    path("", include("response.urls")),
    path("", include("trainings.urls")),
]

handler400 = "assembly.views.error_400"
handler403 = "assembly.views.error_403"
handler404 = "assembly.views.error_404"
handler500 = "assembly.views.error_500"
