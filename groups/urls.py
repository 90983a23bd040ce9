from django.urls import path

from . import views

G = "a/<slug:slug>/groups/<slug:group>/"

urlpatterns = [
    path("a/<slug:slug>/groups/", views.group_list, name="groups"),
    path("a/<slug:slug>/groups/new/", views.group_create, name="group_create"),
    path(G, views.group_page, name="group"),
    path(G + "stream/", views.group_fragment, name="group_fragment"),
    path(G + "post/", views.group_post, name="group_post"),
    path(G + "edit/", views.group_edit, name="group_edit"),
    path(G + "members/", views.group_members, name="group_members"),
    path(G + "join/", views.group_join, name="group_join"),
    path(G + "leave/", views.group_leave, name="group_leave"),
    path(G + "mute/", views.group_mute, name="group_mute"),
    path(G + "p/<int:pk>/", views.post_detail, name="post"),
    path(G + "p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path(G + "p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path(G + "p/<int:pk>/history/", views.post_history, name="post_history"),
    path(G + "p/<int:pk>/signup/", views.need_signup, name="need_signup"),
    path("a/<slug:slug>/board/", views.board_page, name="board"),
    path("a/<slug:slug>/board/items/", views.board_fragment, name="board_fragment"),
]
