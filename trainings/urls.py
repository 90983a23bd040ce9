from django.urls import path

from . import views

T = "a/<slug:slug>/trainings/<int:pk>/"

urlpatterns = [
    path("a/<slug:slug>/trainings/", views.trainings, name="trainings"),
    path("a/<slug:slug>/trainings/new/", views.training_new, name="training_new"),
    path("a/<slug:slug>/trainings/settings/", views.training_settings, name="training_settings"),
    path(T, views.training, name="training"),
    path(T + "edit/", views.training_edit, name="training_edit"),
    path(T + "rsvp/", views.training_rsvp, name="training_rsvp"),
    path(T + "follow/", views.training_follow, name="training_follow"),
    path(T + "public-link/", views.training_public_link, name="training_public_link"),
    path(T + "people/", views.training_people, name="training_people"),
    path(T + "overflow/", views.training_overflow, name="training_overflow"),
    path(T + "door/", views.training_door, name="training_door"),
    path(T + "follow-up/", views.training_follow_up, name="training_follow_up"),
    path("t/<str:token>/", views.training_public, name="training_public"),
    path("ticket/<str:ticket>/", views.ticket, name="ticket"),
]
