from django.urls import path

from . import views

M = "a/<slug:slug>/meetings/"
ONE = M + "<int:pk>/"

urlpatterns = [
    path(M, views.meeting_list, name="meetings"),
    path(M + "new/", views.meeting_new, name="meeting_new"),
    path(M + "settings/", views.meeting_settings, name="meeting_settings"),
    path(ONE, views.meeting_detail, name="meeting"),
    path(ONE + "edit/", views.meeting_edit, name="meeting_edit"),
    path(ONE + "check-in/", views.check_in, name="meeting_check_in"),
    path(ONE + "hand/", views.hand, name="meeting_hand"),
    path(ONE + "proxy/", views.proxy, name="meeting_proxy"),
    path(
        ONE + "proxy/<int:link_pk>/<int:delegator_pk>/",
        views.proxy_vote,
        name="meeting_proxy_vote",
    ),
    path(ONE + "console/", views.console, name="meeting_console"),
    path(ONE + "console/panel/", views.console_panel, name="meeting_console_panel"),
    path(ONE + "console/act/", views.act, name="meeting_act"),
    path(ONE + "items/", views.add_item, name="meeting_add_item"),
    path(ONE + "notes/", views.notes, name="meeting_notes"),
    path(ONE + "notes/<int:item_pk>/", views.save_notes, name="meeting_save_notes"),
    path(ONE + "minutes/", views.minutes, name="meeting_minutes"),
    path(ONE + "minutes.md", views.minutes_markdown, name="meeting_minutes_md"),
    path("projector/<int:pk>/<str:token>/", views.projector, name="meeting_projector"),
]
