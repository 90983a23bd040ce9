from django.urls import path

from . import notification_views, privacy_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", privacy_views.privacy_page, name="privacy"),
    path("me/", views.account, name="account"),
    path("me/data/", privacy_views.my_data, name="my_data"),
    path("me/data.json", privacy_views.my_data_json, name="my_data_json"),
    path("me/delete/", privacy_views.delete_account, name="delete_account"),
    path("me/sessions/", privacy_views.my_sessions, name="my_sessions"),
    path("language/", views.set_language, name="set_language"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path(
        "notifications/settings/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("i/continue/", views.invitation_continue, name="invitation_continue"),
    path("i/<str:token>/", views.invitation, name="invitation"),
    path("a/<slug:slug>/", views.assembly_home, name="assembly_home"),
    path("a/<slug:slug>/join/", views.join_request, name="join_request"),
    path("a/<slug:slug>/members/", views.members, name="members"),
    path("a/<slug:slug>/members/<int:pk>/", views.member_detail, name="member_detail"),
    path("a/<slug:slug>/me/", views.my_membership, name="my_membership"),
    path("a/<slug:slug>/settings/", views.assembly_settings, name="assembly_settings"),
    path("a/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "a/<slug:slug>/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("a/<slug:slug>/join-requests/", views.join_requests, name="join_requests"),
    path("a/<slug:slug>/audit/", views.audit, name="audit"),
    path("a/<slug:slug>/privacy/", privacy_views.privacy_settings, name="privacy_settings"),
]
