from django.urls import path

from . import views

P = "a/<slug:slug>/proposals/"
V = "a/<slug:slug>/polls/"

urlpatterns = [
    path(P, views.proposal_list, name="proposals"),
    path(P + "new/", views.proposal_new, name="proposal_new"),
    path(P + "<int:pk>/", views.proposal_detail, name="proposal"),
    path(P + "<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path(P + "<int:pk>/act/", views.proposal_act, name="proposal_act"),
    path(P + "<int:pk>/versions/", views.proposal_versions, name="proposal_versions"),
    path(P + "<int:pk>/amend/", views.amend, name="amend"),
    path(P + "<int:pk>/amendments/<int:amendment_pk>/", views.amendment_act, name="amendment_act"),
    path(P + "<int:pk>/comments/", views.comment_post, name="comment_post"),
    path(P + "<int:pk>/comments/<int:comment_pk>/hide/", views.comment_hide, name="comment_hide"),
    path(V, views.poll_list, name="polls"),
    path(V + "new/", views.poll_new, name="poll_new"),
    path(V + "<int:pk>/", views.poll_detail, name="poll"),
    path(V + "<int:pk>/counts/", views.poll_counts, name="poll_counts"),
    path(V + "<int:pk>/close/", views.poll_close, name="poll_close"),
    path(V + "<int:pk>/ballots.csv", views.poll_ballots, name="poll_ballots"),
    path(V + "<int:pk>/receipt/", views.poll_receipt, name="poll_receipt"),
]

from .log_urls import urlpatterns as log_urlpatterns  # noqa: E402

urlpatterns += log_urlpatterns
