from django.urls import path

from . import views

R = "a/<slug:slug>/reports/"
C = "a/<slug:slug>/callouts/"

urlpatterns = [
    path(R, views.reports, name="reports"),
    path(R + "new/", views.report_new, name="report_new"),
    path(R + "queue/", views.report_queue, name="report_queue"),
    path(R + "queue/items/", views.report_queue_fragment, name="report_queue_fragment"),
    path(R + "<int:pk>/", views.report, name="report"),
    path(R + "<int:pk>/photo/", views.report_photo, name="report_photo"),
    path(R + "<int:pk>/confirm/", views.report_confirm, name="report_confirm"),
    path(R + "<int:pk>/mark/", views.report_mark, name="report_mark"),
    path(R + "<int:pk>/debunk/", views.report_debunk, name="report_debunk"),
    path(R + "<int:pk>/expiry/", views.report_expiry, name="report_expiry"),
    path(R + "<int:pk>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path(C, views.callouts, name="callouts"),
    path(C + "new/", views.callout_new, name="callout_new"),
    path(C + "<int:pk>/", views.callout, name="callout"),
    path(C + "<int:pk>/answer/", views.callout_answer, name="callout_answer"),
    path(C + "<int:pk>/close/", views.callout_close, name="callout_close"),
    path(
        "a/<slug:slug>/rapid-response/settings/", views.response_settings, name="response_settings"
    ),
]
