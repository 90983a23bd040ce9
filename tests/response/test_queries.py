"""Rapid-response and training pages run the same number of queries however many
reports, call-outs, trainings and sign-ups there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from response import actions
from tests.conftest import client_for, join, make_user
from tests.response.conftest import file, verified
from tests.trainings.conftest import plan, started
from trainings import actions as training_actions

pytestmark = pytest.mark.django_db


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add(crew, start, n, training):
    for i in range(start, start + n):
        file(crew, place=f"Pending {i}")
        verified(crew, place=f"Verified {i}")
        callout = actions.send_callout(crew.verifier, place=f"Place {i}", needs=["drivers"],
                                       wanted=3, groups=[crew.network, crew.verifiers])  # fmt: skip
        actions.answer_callout(crew.responder, callout, answer="on_way")
        person = join(make_user(f"q{training.pk}-{i}@example.org"), crew.assembly, f"Q{i}")
        rsvp = training_actions.add_walk_in(crew.facilitator, training, member=person)
        training_actions.follow_up(rsvp, groups=[crew.network])
        guest = training_actions.add_walk_in(crew.facilitator, training, name=f"G{i}",
                                             contact=f"g{i}@example.net")  # fmt: skip
        training_actions.follow_up(guest, reach="", wants_membership=True, groups=[crew.network])
        training_actions.invite(crew.facilitator, guest)
        plan(crew, title=f"Later {i}")


@pytest.mark.parametrize("who", ["member", "verifier", "facilitator"])
def test_query_counts_do_not_grow(crew, who):
    crew.group = crew.network  # the group a training offers
    training = started(plan(crew, offered_groups=[crew.network]))
    pages = ["/a/eastside/", "/a/eastside/reports/", "/a/eastside/callouts/",
             "/a/eastside/trainings/", f"/a/eastside/trainings/{training.pk}/"]  # fmt: skip
    if who == "verifier":
        pages.append("/a/eastside/reports/queue/")
    if who == "facilitator":
        base = f"/a/eastside/trainings/{training.pk}/"
        pages += [base + "door/", base + "people/", base + "follow-up/"]
    client = client_for(crew, who)
    add(crew, 0, 2, training)
    for url in pages:
        client.get(url)  # warm up
    few = {url: count(client, url) for url in pages}
    add(crew, 2, 12, training)
    many = {url: count(client, url) for url in pages}
    assert many == few
