from django.urls import path

from . import log_views as views

D = "a/<slug:slug>/decisions/"

urlpatterns = [
    path(D, views.log, name="decision_log"),
    path(D + "record/", views.record_room, name="decision_record"),
    path(D + "export.json", views.export_json, name="decisions_json"),
    path(D + "export.csv", views.export_csv, name="decisions_csv"),
    path(D + "export.md", views.export_markdown, name="decisions_markdown"),
    path(D + "<int:sequence>/", views.decision, name="decision"),
    path(D + "<int:sequence>/supersede/", views.supersede, name="decision_supersede"),
    path(D + "<int:sequence>/actions/", views.add_action, name="decision_add_action"),
    path("a/<slug:slug>/actions/<int:pk>/", views.update_action, name="action_update"),
    path("a/<slug:slug>/calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
