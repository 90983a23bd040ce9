from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", views.set_language, name="set_language"),
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
]
